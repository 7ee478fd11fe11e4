"""Admin views of contributions. Status changes go through services, never through a field.

The curator queue (/contribute/queue/) is where curators work; the admin is a fallback for
looking things up, editing champion profiles (photo included) and declining spam in bulk.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from socialmission.contributions import models as m
from socialmission.contributions import services

_WORKFLOW_FIELDS = [
    "status",
    "token",
    "claimed_by",
    "claimed_at",
    "decided_by",
    "decided_at",
    "decline_reason",
    "question",
    "asked_at",
    "reply",
    "replied_at",
    "created_at",
    "updated_at",
]


@admin.action(description=_("Decline selected as spam (no e-mail)"))
def decline_as_spam(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:  # type: ignore[type-arg]
    count = services.bulk_decline(list(queryset), curator=request.user, reason="Declined as spam.")  # type: ignore[arg-type]
    modeladmin.message_user(
        request,
        ngettext("Declined %(count)d item(s).", "Declined %(count)d item(s).", count)
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(m.Suggestion)
class SuggestionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "status", "created_at", "claimed_by"]
    list_filter = ["status"]
    search_fields = ["title", "doi", "pmid", "submitter_email"]
    readonly_fields = [*_WORKFLOW_FIELDS, "resource"]
    actions = [decline_as_spam]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(m.Nomination)
class NominationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["nominee_name", "institution", "status", "created_at", "claimed_by"]
    list_filter = ["status"]
    search_fields = ["nominee_name", "institution", "submitter_email"]
    readonly_fields = [*_WORKFLOW_FIELDS, "champion", "consent"]
    actions = [decline_as_spam]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(m.Champion)
class ChampionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "profession", "institution", "is_published", "published_at"]
    list_filter = ["is_published"]
    search_fields = ["name", "institution"]
    readonly_fields = ["curated_by"]

    def save_model(self, request: HttpRequest, obj: m.Champion, form: object, change: bool) -> None:
        from django.utils import timezone

        if obj.is_published and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]


@admin.register(m.ResourceSpotlight)
class ResourceSpotlightAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["resource", "starts_on", "ends_on", "created_by", "created_at"]
    raw_id_fields = ["resource"]
    readonly_fields = ["created_by"]


@admin.register(m.ChampionSpotlight)
class ChampionSpotlightAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["champion", "starts_on", "ends_on", "created_by", "created_at"]
    readonly_fields = ["created_by"]
