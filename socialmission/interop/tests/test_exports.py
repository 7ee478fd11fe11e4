"""Exports: every format for a resource, a whole search and the library; round trips; safety."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

import bibtexparser
import jsonschema
import pytest
import rispy
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from socialmission.accounts.roles import CURATOR
from socialmission.bibliography import formats
from socialmission.bibliography.record import Record
from socialmission.core import sections
from socialmission.interop import exports
from socialmission.interop.importer import import_file
from socialmission.interop.records import record_fields_for_resource
from socialmission.interop.tests.builders import make_resource
from socialmission.library.models import Resource
from socialmission.library.search import SearchParams, search_ids

pytestmark = [pytest.mark.django_db, pytest.mark.urls("socialmission.interop.tests.urls")]

CONFORMANCE = Path(__file__).resolve().parents[2] / "bibliography" / "tests" / "conformance"
CSL_SCHEMA = json.loads((CONFORMANCE / "specs" / "csl-data.json").read_text())
ROUND_TRIP_FIELDS = ("title", "authors", "year", "venue", "doi", "pmid", "url")


def bibtex_entries(text: str) -> list[dict[str, str]]:
    """Each entry as type, key and field values (bibtexparser reads what we write, unaided)."""
    parsed = bibtexparser.parse_string(text)
    assert parsed.failed_blocks == []
    return [
        {"ENTRYTYPE": e.entry_type, "ID": e.key, **{f.key: f.value for f in e.fields}}
        for e in parsed.entries
    ]


def library() -> list[Resource]:
    """Resources that exercise the awkward cases: accents, markup, literal names, reports."""
    return [
        make_resource(
            title="Holistic review & the <b>diversity</b> of medical school classes",
            authors=[
                {"family": "Grbić", "given": "Douglas"},
                {"family": "Urban", "given": "Karen"},
                {"literal": "Association of American Medical Colleges"},
            ],
            url="https://journals.example.org/article?id=1&lang=en",
            domains=("pathways-admission-graduation",),
        ),
        make_resource(
            type_slug="report",
            title="The social mission of medical education: ranking the schools",
            authors=[
                {"family": "Mullan", "given": "Fitzhugh"},
                {"family": "Chen", "given": "Candice"},
            ],
            year=2010,
            venue="George Washington University",
            volume="",
            issue="",
            pages="",
            doi="10.7326/0003-4819-152-12-201006150-00005",
            pmid="20547907",
            url="https://example.org/report",
        ),
        make_resource(
            title="Community-based education in rural Ontario",
            authors=[{"family": "Strasser", "given": "Roger"}],
            year=2016,
            venue="Medical Teacher",
            doi="",
            pmid="",
            url="",
        ),
    ]


def get(client: Client, url: str) -> tuple[int, str, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response.get("Content-Type", ""), body


@pytest.mark.parametrize(
    ("fmt", "media_type", "extension"),
    [
        ("ris", "application/x-research-info-systems", ".ris"),
        ("bibtex", "application/x-bibtex", ".bib"),
        ("csljson", "application/vnd.citationstyles.csl+json", ".json"),
        ("csv", "text/csv", ".csv"),
        ("ama", "text/plain", ".txt"),
        ("apa", "text/plain", ".txt"),
        ("vancouver", "text/plain", ".txt"),
        ("apa-html", "text/html", ".html"),
    ],
)
def test_resource_export_in_every_format(
    client: Client, fmt: str, media_type: str, extension: str
) -> None:
    resource = library()[1]
    response = client.get(f"/resources/{resource.pk}/export/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert f'filename="resource-{resource.pk}{extension}"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert "social mission of medical education" in body.casefold()
    assert "Mullan" in body


def test_bibliographies_are_numbered_or_not_by_style(client: Client) -> None:
    library()
    _, _, ama = get(client, "/library/export/ama/")
    lines = [line for line in ama.decode().split("\n") if line]
    assert [line.split(" ", 1)[0] for line in lines] == ["1.", "2.", "3."]
    assert lines[0].startswith("1. Grbić D")
    assert lines[1].startswith("2. Mullan F, Chen C.")
    _, _, apa = get(client, "/library/export/apa/")
    assert apa.decode().startswith("Grbić, D.")
    assert "\n\nMullan, F." in apa.decode()


def test_html_bibliography_escapes_record_text(client: Client) -> None:
    make_resource(title="</li><script>alert(1)</script>", doi="", pmid="")
    _, content_type, body = get(client, "/library/export/vancouver-html/")
    text = body.decode()
    assert content_type.startswith("text/html")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count("<li>") == 1


def test_drafts_are_not_exported_to_the_public(client: Client) -> None:
    draft = make_resource(status=Resource.Status.DRAFT, title="Unpublished draft")
    assert client.get(f"/resources/{draft.pk}/export/ris/").status_code == 404
    _, _, body = get(client, "/library/export/ris/")
    assert b"Unpublished draft" not in body
    curator = get_user_model().objects.create_user("c", password="pw")
    curator.groups.add(Group.objects.get_or_create(name=CURATOR)[0])
    client.force_login(curator)
    status, _, body = get(client, f"/resources/{draft.pk}/export/ris/")
    assert status == 200 and b"Unpublished draft" in body


def test_unknown_format_is_404(client: Client) -> None:
    resource = library()[0]
    assert client.get(f"/resources/{resource.pk}/export/docx/").status_code == 404
    assert client.get("/library/export/docx/").status_code == 404
    assert client.get("/search/export/pdf/").status_code == 404


def test_search_export_holds_every_result_not_one_page(client: Client) -> None:
    for n in range(27):
        make_resource(title=f"Rural track program {n}", doi=f"10.5555/rural.{n}", pmid="")
    make_resource(title="Unrelated urban study", doi="10.5555/urban", pmid="")
    status, _, body = get(client, "/search/export/ris/?q=rural&sort=title")
    assert status == 200
    entries = rispy.loads(body.decode())
    assert len(entries) == 27
    assert all("Rural track program" in e["title"] for e in entries)
    # In the search's own order.
    ids = search_ids(SearchParams.from_query({"q": "rural", "sort": "title"}))
    titles = dict(Resource.objects.values_list("pk", "title"))
    assert [e["title"] for e in entries] == [titles[pk] for pk in ids]


@pytest.mark.parametrize("source", ["/library/export/{fmt}/", "/search/export/{fmt}/?q=pathways"])
def test_exports_stream_in_chunks_and_join_them_correctly(
    client: Client, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    # Five records in chunks of two: three chunks, so every join between chunks is exercised.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    chunk_sizes: dict[str, list[int]] = {}
    real_render = formats.render

    def spying_render(records: object, fmt: str) -> str:
        chunk = list(records)  # type: ignore[call-overload]
        chunk_sizes.setdefault(fmt, []).append(len(chunk))
        return real_render(chunk, fmt)

    monkeypatch.setattr(formats, "render", spying_render)
    reads: list[int] = []
    real_published = Resource.objects.published

    def counting_published() -> object:
        reads.append(1)
        return real_published()

    # Same first author, year and first title word: BibTeX keys collide within and across chunks.
    for n in range(5):
        make_resource(title=f"Pathways {n}", year=2020, doi=f"10.5555/p.{n}", pmid="")
    titles = sorted(f"Pathways {n}" for n in range(5))

    def export(fmt: str) -> str:
        status, _, data = get(client, source.format(fmt=fmt))
        assert status == 200
        return data.decode()

    bib = bibtex_entries(export("bibtex"))
    keys = [entry["ID"] for entry in bib]
    assert chunk_sizes["bibtex"] == [2, 2, 1]
    # Unique keys; the ones a later chunk repeated were renamed with a number.
    assert len(keys) == 5 and len({k.casefold() for k in keys}) == 5
    assert [k for k in keys if k.endswith(("-2", "-3"))]
    assert sorted(entry["title"] for entry in bib) == titles

    csv_text = export("csv")
    assert chunk_sizes["csv"] == [2, 2, 1]
    assert csv_text.count("title,authors") == 1
    rows = csv_text.strip().split("\r\n")
    assert len(rows) == 6 and rows[0].startswith("title,authors")

    items = json.loads(export("csljson"))
    assert chunk_sizes["csljson"] == [2, 2, 1]
    assert sorted(item["title"] for item in items) == titles

    ris = export("ris")
    assert chunk_sizes["ris"] == [2, 2, 1]
    assert sorted(e["title"] for e in rispy.loads(ris)) == titles

    # Numbering runs on across chunks, and records are read from the database in chunks too.
    ama = export("ama")
    numbers = [line.split(" ", 1)[0] for line in ama.split("\n") if line]
    assert numbers == ["1.", "2.", "3.", "4.", "5."]
    monkeypatch.setattr(Resource.objects, "published", counting_published)
    ids = list(reversed(Resource.objects.order_by("pk").values_list("pk", flat=True)))
    assert [r.title for r in exports.records_for_ids(ids)] == [
        Resource.objects.get(pk=pk).title for pk in ids
    ]
    assert len(reads) == 3


def test_csl_json_export_is_valid_against_the_schema(client: Client) -> None:
    library()
    _, _, body = get(client, "/library/export/csljson/")
    items = json.loads(body)
    jsonschema.validate(items, CSL_SCHEMA)
    assert {item["type"] for item in items} == {"article-journal", "report"}


def _fields(resource: Resource) -> dict[str, object]:
    return {name: getattr(resource, name) for name in ROUND_TRIP_FIELDS}


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csljson", "csv"])
def test_round_trip_through_our_own_importer(client: Client, fmt: str) -> None:
    originals = {r.title: _fields(r) for r in library()}
    _, _, body = get(client, f"/library/export/{fmt}/")
    Resource.objects.all().delete()
    report = import_file(io.BytesIO(body), filename=f"export{exports.EXPORTS[fmt].extension}")
    assert len(report.created) == 3, report
    for resource in Resource.objects.all():
        expected = originals[resource.title]
        actual = _fields(resource)
        if fmt == "csv":
            # Our CSV writes given names as initials ("Grbić D"), as PubMed does.
            expected["authors"] = [_initials(a) for a in expected["authors"]]  # type: ignore[attr-defined]
            actual["authors"] = [_initials(a) for a in actual["authors"]]  # type: ignore[attr-defined]
        assert actual == expected


def _initials(author: dict[str, str]) -> dict[str, str]:
    if "literal" in author:
        return author
    return {"family": author["family"], "given": author["given"][:1]}


def test_round_trip_through_rispy(client: Client) -> None:
    resources = library()
    _, _, body = get(client, "/library/export/ris/")
    entries = rispy.loads(body.decode())
    assert len(entries) == 3
    article, report, rural = entries
    assert article["title"] == resources[0].title
    assert article["authors"] == [
        "Grbić, Douglas",
        "Urban, Karen",
        "Association of American Medical Colleges",
    ]
    assert article["year"] == "2019"
    assert article["secondary_title"] == "Academic Medicine"
    assert article["doi"] == resources[0].doi
    assert article["urls"] == [resources[0].url]
    assert article["accession_number"] == resources[0].pmid
    assert report["type_of_reference"] == "RPRT"
    assert report["publisher"] == "George Washington University"
    assert report["accession_number"] == "20547907"
    assert rural["title"] == "Community-based education in rural Ontario"
    assert "doi" not in rural


def test_round_trip_through_bibtexparser(client: Client) -> None:
    resources = library()
    _, _, body = get(client, "/library/export/bibtex/")
    article, report, rural = bibtex_entries(body.decode())
    assert article["ENTRYTYPE"] == "article"
    assert article["title"] == r"Holistic review \& the <b>diversity</b> of medical school classes"
    assert article["author"] == (
        "Grbić, Douglas and Urban, Karen and {Association of American Medical Colleges}"
    )
    assert article["year"] == "2019"
    assert article["journal"] == "Academic Medicine"
    assert article["doi"] == resources[0].doi
    assert article["pmid"] == resources[0].pmid
    assert article["url"] == resources[0].url
    assert report["ENTRYTYPE"] == "techreport"
    assert report["institution"] == "George Washington University"
    assert rural["journal"] == "Medical Teacher"


def test_records_carry_library_tags_through_csv(client: Client) -> None:
    library()
    _, _, body = get(client, "/library/export/csv/")
    records = [r for r in formats.parse_file(io.BytesIO(body), "csv") if isinstance(r, Record)]
    assert records[0].domains == ["Pathways, Admission & Graduation"]
    assert records[1].resource_type == "Report"
    assert record_fields_for_resource(records[1])["venue"] == "George Washington University"


def test_search_export_links_carry_the_search_but_not_the_page() -> None:
    params = SearchParams.from_query(
        {"q": "rural <b>", "domain": "community-engagement", "page": "3"}
    )
    html = sections.render_slot(
        "search.before_results", None, {"params": params, "results": SimpleNamespace(total=41)}
    )
    assert "Export all 41 results" in html
    assert 'href="/search/export/ris/?q=rural+%3Cb%3E&amp;domain=community-engagement"' in html
    assert "page=" not in html
    assert 'href="/search/export/apa/?' in html


def test_library_export_links(client: Client) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("interop/library_exports.html")
    for fmt in ("ris", "bibtex", "csljson", "csv"):
        assert f'href="/library/export/{fmt}/"' in html
        assert client.get(f"/library/export/{fmt}/").status_code == 200
