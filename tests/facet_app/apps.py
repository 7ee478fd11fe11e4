from __future__ import annotations

from django.apps import AppConfig


class FacetAppConfig(AppConfig):
    name = "tests.facet_app"
    label = "facet_app"

    def ready(self) -> None:
        from socialmission.library.facets import FACETS, Facet

        FACETS.register(
            Facet(
                key="setting",
                field="settings",
                model="facet_app.Setting",
                label="Care setting",
                plural="Care settings",
                multiple=True,
                order=35,
            )
        )
