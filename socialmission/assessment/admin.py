"""Institutions and their members only: answers, comments and reports never appear in the admin."""

from django.contrib import admin

from socialmission.assessment.models import Institution, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "ownership", "state", "country"]
    list_filter = ["ownership", "professions"]
    search_fields = ["name"]
    filter_horizontal = ["professions"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["institution", "user", "role"]
    list_filter = ["role"]
    search_fields = ["institution__name", "user__username"]
    raw_id_fields = ["user"]
