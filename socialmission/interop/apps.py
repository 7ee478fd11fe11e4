from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "socialmission.interop"
    label = "interop"
