"""What contributions adds to the library's pages (registered in ``ContributionsConfig.ready()``).

The home page's Resource and Champion spotlights, and a resource page's curation line (who
curated it, and for curators the link to its history). See ``core.sections`` for the slots.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from socialmission.contributions import selectors
from socialmission.core import sections


def spotlights_context(
    request: HttpRequest | None, page: Mapping[str, Any]
) -> dict[str, Any] | None:
    spotlights = {
        "resource": selectors.current_resource_spotlight(),
        "champion": selectors.current_champion_spotlight(),
    }
    if not spotlights["resource"] and not spotlights["champion"]:
        return None
    return {"spotlights": spotlights}


def register() -> None:
    sections.register(
        "home.after_hero",
        name="contributions-spotlights",
        template="contributions/includes/home_spotlights.html",
        context=spotlights_context,
    )
    sections.register(
        "resource.details",
        name="contributions-curation",
        template="contributions/includes/resource_curation.html",
    )
