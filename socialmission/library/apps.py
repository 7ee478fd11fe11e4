from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "socialmission.library"
    label = "library"
    verbose_name = "Library"

    def ready(self) -> None:
        from socialmission.library import signals  # noqa: F401
