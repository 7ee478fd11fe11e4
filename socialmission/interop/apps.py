import datetime

from django.apps import AppConfig
from django.conf import settings


class InteropConfig(AppConfig):
    name = "socialmission.interop"
    label = "interop"

    def ready(self) -> None:
        from socialmission.core import schedule
        from socialmission.interop import sections

        sections.register()
        # Rebuilds the whole-library download files when the library changed (interop.dumps).
        minutes = int(getattr(settings, "EXPORT_DUMP_CHECK_MINUTES", 10))
        schedule.register(
            "library_dumps",
            every=datetime.timedelta(minutes=max(1, minutes)),
            command="dump",
            args=("--site",),
        )
