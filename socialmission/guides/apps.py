from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "socialmission.guides"
    verbose_name = "Reading guides"
