from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "socialmission.interop"
    label = "interop"

    def ready(self) -> None:
        from socialmission.interop import sections

        sections.register()
