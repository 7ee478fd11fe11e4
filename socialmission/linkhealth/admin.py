from django.contrib import admin

from socialmission.linkhealth.models import Link, LinkCheck


class LinkCheckInline(admin.TabularInline):
    model = LinkCheck
    extra = 0
    can_delete = False
    fields = ("checked_at", "outcome", "method", "http_status", "final_url", "error", "checked_by")
    readonly_fields = fields

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    """Read only: the checks write these rows, curators act on the links page."""

    list_display = ("resource", "kind", "status", "last_checked_at", "next_check_at")
    list_filter = ("status", "kind")
    search_fields = ("resource__title", "address")
    inlines = [LinkCheckInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
