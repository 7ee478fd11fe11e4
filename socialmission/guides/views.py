"""Thin views: the list of reading guides, a guide's page and its bibliography exports."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from socialmission.guides import selectors
from socialmission.interop.exports import (
    EXPORTS,
    FILE_FORMATS,
    STYLE_FORMATS,
    export_response,
    records_for_ids,
    throttle,
)


@require_safe
def guide_list(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/guide_list.html", {"guides": selectors.published_guides()})


def _export_links(slug: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        {
            "key": key,
            "label": EXPORTS[key].label,
            "url": reverse("guides:export", kwargs={"slug": slug, "fmt": key}),
        }
        for key in keys
    ]


@require_safe
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = selectors.guide_for_viewer(slug, request.user)  # type: ignore[arg-type]
    entries = selectors.guide_entries(guide)
    base_url = f"{request.scheme}://{request.get_host()}"
    context = {
        "guide": guide,
        "entries": entries,
        # Safe: item_list_json_ld escapes <, > and & inside the JSON text (interop.page_metadata.json_ld).
        "json_ld": mark_safe(selectors.item_list_json_ld(guide, entries, base_url=base_url)),  # noqa: S308
        "file_exports": _export_links(guide.slug, FILE_FORMATS),
        "style_exports": _export_links(guide.slug, STYLE_FORMATS),
    }
    return render(request, "guides/guide_detail.html", context)


# Exports stream after the view has returned; they only read, so they need no request transaction.
@transaction.non_atomic_requests
@require_safe
def guide_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """A guide's resources in one format: bounded by the guide's size (a curator's list), and
    counted in the per-address export limit like every multi-record download."""
    if fmt not in EXPORTS:
        raise Http404(gettext("No such export format."))
    if limited := throttle(request):
        return limited
    guide = selectors.guide_for_viewer(slug, request.user)  # type: ignore[arg-type]
    ids = selectors.guide_resource_ids(guide)
    return export_response(records_for_ids(ids), fmt, filename=f"guide-{guide.slug}")
