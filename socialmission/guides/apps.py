from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "socialmission.guides"
    verbose_name = _("Reading guides")

    def ready(self) -> None:
        from socialmission.guides import sections
        from socialmission.guides.starter import load_starter_guides
        from socialmission.interop.catalog import register_starter_content

        sections.register()
        register_starter_content("guides", load_starter_guides)
