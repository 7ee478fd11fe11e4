"""Template tags for the resource page: citation metadata and export links."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from socialmission.interop.exports import EXPORTS, FILE_FORMATS, STYLE_FORMATS
from socialmission.interop.page_metadata import PageMetadata, page_metadata
from socialmission.library.models import Resource

register = template.Library()


@register.simple_tag(takes_context=True)
def resource_page_metadata(context: dict[str, Any], resource: Resource) -> PageMetadata:
    request = context.get("request")
    page_url = request.build_absolute_uri(resource.get_absolute_url()) if request else ""
    return page_metadata(resource, page_url=page_url)


@register.filter
def ld_json(metadata: PageMetadata) -> SafeString:
    # Safe: page_metadata.json_ld escapes <, > and & inside the JSON, so no value can close the
    # <script> element or start markup; everything else in it is JSON text.
    return mark_safe(metadata.json_ld)  # noqa: S308


@register.simple_tag
def resource_export_links(resource: Resource) -> dict[str, list[dict[str, str]]]:
    """Download links for one resource: {"files": [...], "styles": [...]}, each {url, label}."""

    def link(key: str) -> dict[str, str]:
        url = reverse("exports:resource", kwargs={"pk": resource.pk, "fmt": key})
        return {"key": key, "label": EXPORTS[key].label, "url": url}

    return {
        "files": [link(key) for key in FILE_FORMATS],
        "styles": [link(key) for key in STYLE_FORMATS],
    }
