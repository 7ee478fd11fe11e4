"""Alerts in the admin, for administrators only: the addresses are private.

Curators and editors are staff too, but the alerts hold readers' e-mail addresses, so every
permission here asks for the Administrator role (superusers hold it), whatever model
permissions a group was given.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from socialmission.accounts.roles import ADMINISTRATOR, has_role
from socialmission.alerts import searches
from socialmission.alerts.models import Alert, Digest, Subscriber


class AdministratorsOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def _allowed(self, request: HttpRequest) -> bool:
        return has_role(request.user, ADMINISTRATOR)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # states change through the reader's links and the services

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class AlertInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Alert
    fields = readonly_fields = (
        "query",
        "frequency",
        "status",
        "created_at",
        "confirmed_at",
        "last_checked_at",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(AdministratorsOnly):
    list_display = ["__str__", "email", "created_at"]
    search_fields = ["email"]
    fields = readonly_fields = ("email", "created_at")
    inlines = [AlertInline]


@admin.register(Alert)
class AlertAdmin(AdministratorsOnly):
    list_display = ["__str__", "search", "frequency", "status", "created_at", "last_checked_at"]
    list_filter = ["status", "frequency"]
    fields = readonly_fields = (
        "subscriber",
        "query",
        "frequency",
        "status",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "last_checked_at",
    )

    @admin.display(description=_("Search"))
    def search(self, alert: Alert) -> str:
        return searches.describe(alert.query)


@admin.register(Digest)
class DigestAdmin(AdministratorsOnly):
    list_display = ["__str__", "alert", "created_at", "total"]
    fields = readonly_fields = ("alert", "created_at", "total")
