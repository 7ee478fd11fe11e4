import datetime

from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "socialmission.contributions"
    label = "contributions"

    def ready(self) -> None:
        from socialmission.contributions import sections, signals  # noqa: F401
        from socialmission.core import schedule

        sections.register()
        # Daily: each digest lists what came since the one before, so a late run loses nothing.
        schedule.register(
            "send_curator_digests",
            every=datetime.timedelta(days=1),
            command="send_curator_digests",
        )
