from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "socialmission.guides"
    verbose_name = "Reading guides"

    def ready(self) -> None:
        from socialmission.guides import sections

        sections.register()
