"""The table of docs/architecture.md "Work a stranger can cause, and its bound" names real
bounds, and the bounds no other test held are held here."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from lxml import etree

from socialmission.interop import sitemaps
from socialmission.interop.tests.protocol_data import tagged_resource
from socialmission.library.search import MAX_PAGE

pytestmark = [pytest.mark.django_db, pytest.mark.urls("socialmission.interop.tests.urls")]

ARCHITECTURE = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def bounds_section() -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.index("## Work a stranger can cause, and its bound")
    return text[start : text.index("\n## ", start + 1)]


def test_every_bound_the_table_names_exists() -> None:
    section = bounds_section()
    names = re.findall(r"`((?:settings|[a-z]+(?:\.[a-z_]+)+)\.[A-Z][A-Z_]+)`", section)
    assert len(names) >= 20
    for name in names:
        module, _, attribute = name.rpartition(".")
        if module == "settings":
            assert hasattr(settings, attribute), name
        else:
            assert hasattr(importlib.import_module(f"socialmission.{module}"), attribute), name
    # The anonymous paths the audit found costly each have a row.
    for path in (
        "/search/",
        "/search/export/",
        "/library/export/",
        "/guides/<slug>/export/",
        "/feeds/",
        "/api/v1/resources",
        "ListRecords",
        "spelling suggestion",
        "/contribute/resource/",
        "/alerts/new/",
        "/sitemap-",
    ):
        assert path in section, path


def test_api_refuses_pages_past_the_last_one_searched(client: Client) -> None:
    tagged_resource(title="Paged")
    assert client.get("/api/v1/resources", {"page": MAX_PAGE}).status_code == 200
    response = client.get("/api/v1/resources", {"page": MAX_PAGE + 1})
    assert response.status_code == 422
    assert client.get("/api/v1/resources", {"per_page": 101}).status_code == 422


def test_sitemap_is_cut_into_pages(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemaps.ResourcesSitemap, "limit", 2)
    for n in range(5):
        tagged_resource(title=f"Mapped {n}")
    index = etree.fromstring(client.get("/sitemap.xml").content)
    pages = [
        loc.text or ""
        for loc in index.iterfind("s:sitemap/s:loc", SITEMAP_NS)
        if "resources" in (loc.text or "")
    ]
    assert len(pages) == 3
    first = etree.fromstring(client.get("/sitemap-resources.xml").content)
    assert len(first.findall("s:url", SITEMAP_NS)) == 2
    last = etree.fromstring(client.get("/sitemap-resources.xml", {"p": 3}).content)
    assert len(last.findall("s:url", SITEMAP_NS)) == 1
