"""What guides adds to other apps' pages (registered in ``GuidesConfig.ready()``).

The home page's three newest reading guides, and the guides' section of the sitemap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from socialmission.core import sections
from socialmission.guides.selectors import published_guides
from socialmission.guides.sitemaps import GuidesSitemap
from socialmission.interop.sitemaps import SITEMAPS

HOME_GUIDES = 3


def home_guides_context(request: HttpRequest | None, page: Mapping[str, Any]) -> dict[str, Any]:
    return {"guides": published_guides(limit=HOME_GUIDES)}


def register() -> None:
    sections.register(
        "home.after_browse",
        name="guides-home",
        template="guides/includes/home_guides.html",
        context=home_guides_context,
    )
    SITEMAPS["guides"] = GuidesSitemap
