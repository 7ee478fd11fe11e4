"""CSL-JSON: the real-world samples parse; what we write validates against the CSL schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from socialmission.bibliography import csljson
from socialmission.bibliography.record import Name, Record, RecordError

HERE = Path(__file__).parent / "conformance"
SAMPLES = HERE / "csl_json"
SCHEMA = json.loads((HERE / "specs" / "csl-data.json").read_text(encoding="utf-8"))
ZOTERO = "CSL exporters; ignore [Fields to omit from export] setting #1179.csl.json"
DATES = "Date export to Better CSL-JSON #360 #811.csl.json"


def records(name: str) -> list[Record]:
    with (SAMPLES / name).open("rb") as stream:
        items = list(csljson.parse(stream))
    assert [item for item in items if isinstance(item, RecordError)] == []
    return [item for item in items if isinstance(item, Record)]


@pytest.mark.parametrize(("name", "count"), [(ZOTERO, 26), (DATES, 15)])
def test_samples_parse_to_the_right_number_of_records(name: str, count: int) -> None:
    # Counted with json.load on the file: 26 and 15 array items.
    assert len(json.loads((SAMPLES / name).read_text(encoding="utf-8"))) == count
    assert len(records(name)) == count


def test_zotero_items_fields() -> None:
    parsed = records(ZOTERO)
    first = parsed[0]
    assert first.id == "brittain2004"
    assert first.type == "article-journal"
    assert first.authors == [Name(family="Brittain", given="Ian")]
    assert first.year == 2004  # date-parts as a string: [["2004"]]
    assert first.container_title == "Journal of Sport and Social Issues"
    assert (first.volume, first.issue, first.pages) == ("28", "4", "429-452")  # en dash
    # The DOI field holds a short DOI ("10/fqd6hj"); the full one is in the URL.
    assert first.doi == "10.1177/0193723504268729"
    assert first.issn == "0193-7235"
    assert first.language == "en"
    assert first.source == "record 1 (line 2)"
    court = parsed[3]
    assert court.authors == [Name(literal="Court of Arbitration for Sport")]
    assert (court.type, court.year, court.month, court.day) == ("webpage", 2019, 3, 21)
    assert parsed[4].type == "chapter"
    assert parsed[4].isbn == "978-0-203-01405-9"
    assert parsed[23].pmid == "30894351"
    assert parsed[23].pages == "l1120"
    assert parsed[25].authors == [Name(literal="TIME USA")]
    assert parsed[25].source == "record 26 (line 922)"


def test_edtf_dates() -> None:
    found = {record.id: record for record in records(DATES)}
    assert (
        found["doe10_edtf_2011"].year,
        found["doe10_edtf_2011"].month,
        found["doe10_edtf_2011"].day,
    ) == (2011, 5, 25)
    assert (found["doe12_edtf_2011"].year, found["doe12_edtf_2011"].month) == (2011, 5)
    assert (found["doe13_season_2017"].year, found["doe13_season_2017"].month) == (2017, None)
    assert found["t2"].year is None  # no issued date at all
    assert (found["t3"].year, found["t3"].month, found["t3"].day) == (2014, 12, 31)  # open range
    assert found["t5"].year is None  # 334 BC is not a publication year we store
    assert found["doe14_date2010_2010"].authors == [Name(literal="Doe14")]
    assert found["doe15_multiple_2017"].isbn == "0-943396-04-2"


def test_other_shapes_and_bad_items() -> None:
    single = list(
        csljson.parse_text(
            '{"id": "a", "type": "book", "title": "One", "issued": {"raw": "2019-05-01"}}'
        )
    )
    assert isinstance(single[0], Record)
    assert (single[0].title, single[0].year, single[0].month) == ("One", 2019, 5)
    wrapped = list(
        csljson.parse_text(
            '{"items": [{"type": "report", "title": "A"}, {"type": "x", "title": "B"}]}'
        )
    )
    assert [r.type for r in wrapped if isinstance(r, Record)] == ["report", "document"]
    mixed = list(
        csljson.parse_text('[\n{"type": "book", "title": "Fine"},\n42,\n{"type": "book"}\n]')
    )
    assert isinstance(mixed[0], Record)
    assert mixed[1] == RecordError(
        "record 2 (line 3)", "expected a CSL item (a JSON object), found int"
    )
    assert mixed[2] == RecordError(
        "record 3 (line 4)",
        "the item has no title, author, DOI or URL: it does not describe a work",
    )
    broken = list(
        csljson.parse_text('[{"type": "book", "title": "Fine"},\n{"type": "book", "title": }]')
    )
    assert isinstance(broken[0], Record)
    assert isinstance(broken[1], RecordError)
    assert broken[1].reason.startswith("not valid JSON: Expecting value (line 2")


def test_particles_and_string_names() -> None:
    (record,) = list(csljson.parse_text(
        '[{"type": "book", "title": "T", "author": [{"family": "Beethoven", "given": "Ludwig",'
        ' "non-dropping-particle": "van"}, "Doe, Jane"], "keyword": "a, b; c", "PMID": "PMID: 123"}]'
    ))  # fmt: skip
    assert isinstance(record, Record)
    assert record.authors == [
        Name(family="van Beethoven", given="Ludwig"),
        Name(family="Doe", given="Jane"),
    ]
    assert record.keywords == ["a", "b", "c"]
    assert record.pmid == "123"


def test_sniff() -> None:
    assert csljson.sniff((SAMPLES / ZOTERO).read_bytes()[:4096])
    assert csljson.sniff(b'{"type": "book", "title": "x", "author": []}')
    assert not csljson.sniff(b'{"name": "package", "version": "1.0", "type": "module"}')
    assert not csljson.sniff(b"TY  - JOUR")


FULL = Record(
    title="Community health workers",
    type="article-journal",
    authors=[Name(family="Núñez", given="María"), Name(literal="World Health Organization")],
    editors=[Name(family="Ed", given="E")],
    year=2021,
    month=3,
    day=9,
    container_title="Journal of Health Equity",
    volume="12",
    issue="3",
    pages="101-115",
    doi="10.1000/xyz.123",
    pmid="33333333",
    pmcid="PMC1234567",
    url="https://example.org/article",
    abstract="Abstract.",
    keywords=["equity", "workforce"],
    language="en",
    publisher="Equity Press",
    isbn="978-3-16-148410-0",
    issn="1234-5678",
    note="A note.",
    id="nunez2021",
)


def test_render_validates_against_the_csl_schema() -> None:
    odd = Record(title="Odd type", type="resource-type-we-invented")
    blank = Record()
    items = json.loads(csljson.render([FULL, odd, blank, FULL]))
    jsonschema.validate(items, SCHEMA)
    assert [item["id"] for item in items] == ["nunez2021", "item-2", "item-3", "nunez2021-4"]
    assert items[1]["type"] == "document"
    assert items[0]["issued"] == {"date-parts": [[2021, 3, 9]]}
    assert items[0]["author"] == [
        {"family": "Núñez", "given": "María"},
        {"literal": "World Health Organization"},
    ]


def test_every_sample_still_validates_after_a_round_trip() -> None:
    items = json.loads(csljson.render(records(ZOTERO) + records(DATES)))
    jsonschema.validate(items, SCHEMA)
    assert len(items) == 41


def test_render_round_trip_keeps_the_essentials() -> None:
    (back,) = list(csljson.parse_text(csljson.render([FULL])))
    assert isinstance(back, Record)
    for name in ("title", "type", "authors", "editors", "year", "month", "day", "container_title",
                 "volume", "issue", "pages", "doi", "pmid", "pmcid", "url", "abstract", "keywords",
                 "language", "publisher", "isbn", "issn", "note", "id"):  # fmt: skip
        assert getattr(back, name) == getattr(FULL, name), name
