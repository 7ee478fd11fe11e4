"""Outgoing e-mail, scheduled jobs and the task table: read-only, for administrators only.

These rows hold addresses (e-mail) or tracebacks (tasks, jobs), so even curators and other staff
do not see them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from socialmission.accounts.roles import ADMINISTRATOR, has_role
from socialmission.core import tasks
from socialmission.core.models import OutgoingEmail, ScheduledJob


def is_administrator(request: HttpRequest) -> bool:
    return request.user.is_staff and has_role(request.user, ADMINISTRATOR)  # type: ignore[arg-type]


class AdministratorsOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(AdministratorsOnly):
    list_display = ["id", "kind", "subject", "status", "attempts", "created_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["retry"]

    @admin.action(description=_("Send again"))
    def retry(self, request: HttpRequest, queryset: Any) -> None:
        from socialmission.core.mail import send_again

        count = send_again(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d e-mail(s) queued again.") % {"count": count})


@admin.register(ScheduledJob)
class ScheduledJobAdmin(AdministratorsOnly):
    list_display = ["name", "next_run_at", "last_started_at", "last_succeeded", "runs"]
    readonly_fields = [f.name for f in ScheduledJob._meta.fields]


tasks.install_admin(admin.site, allowed=is_administrator)
