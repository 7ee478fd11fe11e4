import datetime

from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "socialmission.contributions"
    label = "contributions"

    def ready(self) -> None:
        from socialmission.contributions import sections, signals  # noqa: F401
        from socialmission.contributions.starter import load_starter_spotlight
        from socialmission.core import schedule
        from socialmission.interop.catalog import register_starter_content

        sections.register()
        register_starter_content("contributions-spotlight", load_starter_spotlight)
        # Daily: each digest lists what came since the one before, so a late run loses nothing.
        schedule.register(
            "send_curator_digests",
            every=datetime.timedelta(days=1),
            command="send_curator_digests",
        )
