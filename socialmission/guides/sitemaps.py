"""The reading guides' sitemap section, added to interop's sitemap in ``GuidesConfig.ready()``."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from socialmission.guides.models import ReadingGuide


class GuidesSitemap(Sitemap):
    def items(self) -> QuerySet[ReadingGuide]:
        return ReadingGuide.objects.published().order_by("pk")

    def lastmod(self, item: ReadingGuide) -> datetime:
        return item.updated_at
