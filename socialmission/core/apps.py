from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "socialmission.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from socialmission.core import (
            checks,  # noqa: F401  (registers the system checks)
            schedule,
        )
        from socialmission.core.converters import LinkTokenConverter

        register_converter(LinkTokenConverter, "link_token")
        schedule.register("cleanup", every=timedelta(hours=1), command="cleanup")
