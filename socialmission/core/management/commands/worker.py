"""``socialmission worker``: run background tasks (see ``socialmission.core.tasks``)."""

from socialmission.core.tasks import worker_command

Command = worker_command()
