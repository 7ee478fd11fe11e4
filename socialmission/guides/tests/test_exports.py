"""A guide exported as a bibliography: every format, the guide's order, published resources only."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from socialmission.bibliography.citations import STYLES
from socialmission.bibliography.formats import parse_file
from socialmission.bibliography.record import Record
from socialmission.guides.models import ReadingGuide
from socialmission.guides.tests.factories import guide_with
from socialmission.interop.exports import EXPORTS
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

TITLES = ["Zebra crossings in rural clinics", "Admissions for equity", "Mission statements"]


@pytest.fixture
def guide() -> ReadingGuide:
    draft = ResourceFactory(title="Draft never exported", status=Resource.Status.DRAFT)
    draft.published_at = None
    draft.save()
    published = [ResourceFactory(title=title) for title in TITLES]
    # The order is the guide's, not by title or id: a draft sits in the middle.
    return guide_with([published[0], draft, published[1], published[2]], slug="starter")


def _body(client: Client, fmt: str) -> str:
    response = client.get(f"/guides/starter/export/{fmt}/")
    assert response.status_code == 200, fmt
    assert response["Content-Type"].startswith(EXPORTS[fmt].media_type)
    assert f'filename="guide-starter{EXPORTS[fmt].extension}"' in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def _in_order(text: str) -> bool:
    positions = [text.find(title) for title in TITLES]
    return -1 not in positions and positions == sorted(positions)


def test_ris_parses_back_in_the_guide_order(client: Client, guide: ReadingGuide) -> None:
    body = _body(client, "ris")
    records = list(parse_file(io.BytesIO(body.encode()), "ris"))
    assert all(isinstance(r, Record) for r in records)
    assert [r.title for r in records if isinstance(r, Record)] == TITLES


def test_bibtex(client: Client, guide: ReadingGuide) -> None:
    body = _body(client, "bibtex")
    assert body.count("@article{") == 3
    assert _in_order(body)
    assert "Draft never exported" not in body


def test_csljson(client: Client, guide: ReadingGuide) -> None:
    items = json.loads(_body(client, "csljson"))
    assert [item["title"] for item in items] == TITLES


def test_csv(client: Client, guide: ReadingGuide) -> None:
    rows = list(csv.DictReader(io.StringIO(_body(client, "csv"))))
    assert [row["title"] for row in rows] == TITLES


@pytest.mark.parametrize("style", list(STYLES))
def test_formatted_bibliographies(client: Client, guide: ReadingGuide, style: str) -> None:
    body = _body(client, style)
    assert _in_order(body)
    assert "Draft never exported" not in body
    assert "<i>" not in body


def test_every_export_format_leaves_out_unpublished(client: Client, guide: ReadingGuide) -> None:
    for fmt in EXPORTS:
        body = _body(client, fmt)
        assert _in_order(body), fmt
        assert "Draft never exported" not in body, fmt


def test_unknown_format_is_404(client: Client, guide: ReadingGuide) -> None:
    assert client.get("/guides/starter/export/docx/").status_code == 404


def test_empty_guide_exports_an_empty_file(client: Client) -> None:
    guide_with([], slug="starter")
    assert json.loads(_body(client, "csljson")) == []
    assert _body(client, "ris").strip() == ""
