from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "socialmission.core"
    label = "core"

    def ready(self) -> None:
        from socialmission.core import (
            checks,  # noqa: F401  (registers the system checks)
            schedule,
        )

        schedule.register("cleanup", every=timedelta(hours=1), command="cleanup")
