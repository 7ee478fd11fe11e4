"""Curators build reading guides here: the guide's text and its ordered, annotated items."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.guides.services import GUIDE_FIELDS


class ReadingGuideItemInline(admin.TabularInline):
    model = ReadingGuideItem
    fields = ["position", "resource", "annotation"]
    autocomplete_fields = ["resource"]
    ordering = ["position", "pk"]
    extra = 1


@admin.register(ReadingGuide)
class ReadingGuideAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "is_published", "published_at", "item_count"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "summary", "introduction"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["-published_at", "title"]
    inlines = [ReadingGuideItemInline]
    fields = [
        *GUIDE_FIELDS,
        "published_at",
        "curated_by",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["curated_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReadingGuide]:
        return super().get_queryset(request).annotate(_item_count=Count("items"))

    @admin.display(description=_("Items"), ordering="_item_count")
    def item_count(self, obj: ReadingGuide) -> int:
        return getattr(obj, "_item_count", 0)

    def save_model(
        self, request: HttpRequest, obj: ReadingGuide, form: object, change: bool
    ) -> None:
        if obj.curated_by_id is None and request.user.is_authenticated:
            obj.curated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]
