"""Curators edit resources and every vocabulary here; each save is searchable at once."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from socialmission.library import models as m
from socialmission.library.facets import FACETS
from socialmission.library.fields import Use, fields_for


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "description"]


for _model in (m.Domain, m.Topic, m.Profession, m.EvidenceLevel):
    admin.site.register(_model, VocabularyAdmin)


@admin.register(m.ResourceType)
class ResourceTypeAdmin(VocabularyAdmin):
    list_display = ["name", "slug", "csl_type", "schema_org_type", "position", "is_active"]


@admin.register(m.ActionArea)
class ActionAreaAdmin(VocabularyAdmin):
    list_display = ["name", "slug", "mapped_domains", "position", "is_active"]
    filter_horizontal = ["domains"]

    @admin.display(description=_("Maps to domains"))
    def mapped_domains(self, obj: m.ActionArea) -> str:
        return ", ".join(d.name for d in obj.domains.all())


@admin.register(m.Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "equivalent"]
    search_fields = ["term", "equivalent"]


def _own_facet_fields() -> list[str]:
    """The facets declared on Resource itself, in facet order (others have their own admin)."""
    own = {f.name for f in m.Resource._meta.get_fields() if not f.auto_created}
    return [facet.field for facet in FACETS if facet.field in own]


@admin.register(m.Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "resource_type", "year", "status", "published_at"]
    list_filter = ["status", *_own_facet_fields()]
    search_fields = ["title", "doi", "pmid", "venue", "organization"]
    filter_horizontal = [f.field for f in FACETS.multiple() if f.field in _own_facet_fields()]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "authors",
                    "organization",
                    "year",
                    "resource_type",
                    "status",
                    "published_at",
                    "curated_by",
                ]
            },
        ),
        (
            _("Publication"),
            {"fields": ["venue", "volume", "issue", "pages", "doi", "pmid", "url", "language"]},
        ),
        (_("Description"), {"fields": ["description", "keywords"]}),
        (_("Tags"), {"fields": [f for f in _own_facet_fields() if f != "resource_type"]}),
        (
            _("Program example summary"),
            {"fields": ["need", "intervention", "results", "reviewed_on"], "classes": ["collapse"]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Every editable field (library/fields.py) appears, those not placed above at the end.
        placed = {name for _title, options in self.fieldsets for name in options["fields"]}
        others = [name for name in fields_for(Use.EDIT) if name not in placed]
        return [*self.fieldsets, *([(_("Other fields"), {"fields": others})] if others else [])]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from django.utils import timezone

        if obj.status == m.Resource.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        if obj.curated_by is None:
            obj.curated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(m.IndexChange)
class IndexChangeAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "resource_id", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
