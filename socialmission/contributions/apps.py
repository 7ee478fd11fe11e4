from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "socialmission.contributions"
    label = "contributions"

    def ready(self) -> None:
        from socialmission.contributions import sections, signals  # noqa: F401

        sections.register()
