from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "socialmission.core"
    label = "core"
