"""The sitemap: the home and search pages, every published resource; apps add their own sections.

Served as a sitemap index (``/sitemap.xml``) over one sitemap per section, each cut into pages
of ``PAGE_LIMIT`` URLs, so a library of any size stays under the protocol's 50,000 URLs a file.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from socialmission.library.models import Resource

PAGE_LIMIT = 10_000


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["library:home", "library:search"]

    def location(self, item: str) -> str:
        return reverse(item)


class ResourcesSitemap(Sitemap):
    limit = PAGE_LIMIT

    def items(self) -> QuerySet[Resource]:
        # Ordered by id so pages do not shift as resources are added.
        return Resource.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, item: Resource) -> datetime:
        return item.updated_at


# Apps above interop add their sections in their AppConfig.ready() (guides: "guides").
SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PagesSitemap,
    "resources": ResourcesSitemap,
}
