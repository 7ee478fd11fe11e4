"""``strip_control_characters``: every kind of text a Record holds is cleaned, and a record
without control characters is left alone after one search."""

from __future__ import annotations

from unittest import mock

from socialmission.bibliography import record as record_module
from socialmission.bibliography.record import Name, Record, strip_control_characters


def test_control_characters_are_removed_from_every_kind_of_value() -> None:
    record = Record(
        title="A\x00B",
        authors=[Name(family="Sm\x07ith", given="J")],
        keywords=["ok", "b\x1bad"],
        tags={"regions": ["No\x7frth"]},
        extra={"mesh": "Hu\x0cmans"},
        source="line\x01 3",
    )
    cleaned = strip_control_characters(record)
    assert cleaned.title == "AB"
    assert cleaned.authors == [Name(family="Smith", given="J")]
    assert cleaned.keywords == ["ok", "bad"]
    assert cleaned.tags == {"regions": ["North"]}
    assert cleaned.extra == {"mesh": "Humans"}
    # The position is the parser's own; it is not text of the work.
    assert cleaned.source == "line\x01 3"
    assert cleaned.warnings == [
        "title: removed a control character (U+0000 at character 2)",
        "authors: removed a control character (U+0007 at character 3)",
        "keywords: removed a control character (U+001B at character 2)",
        "tags regions: removed a control character (U+007F at character 3)",
        "extra mesh: removed a control character (U+000C at character 3)",
    ]


def test_tabs_and_line_breaks_are_kept() -> None:
    record = strip_control_characters(Record(title="a\tb", abstract="one\r\ntwo"))
    assert (record.title, record.abstract, record.warnings) == ("a\tb", "one\r\ntwo", [])


def test_a_clean_record_is_not_walked_field_by_field() -> None:
    record = Record(
        title="Title",
        authors=[Name(family="Smith", given="J"), Name(literal="Group")],
        keywords=["a"],
        tags={"regions": ["North"]},
        extra={"mesh": "Humans"},
        year=2001,
    )
    with mock.patch.object(record_module, "_clean_value") as walk:
        assert strip_control_characters(record) is record
    assert walk.call_count == 0
    assert record.warnings == []


def test_a_value_of_an_unexpected_shape_takes_the_careful_path() -> None:
    record = Record(title="T")
    record.extra = {"nested": {"deep": "x\x00y"}}  # type: ignore[dict-item]
    cleaned = strip_control_characters(record)
    assert cleaned.extra == {"nested": {"deep": "xy"}}
    assert cleaned.warnings == [
        "extra nested deep: removed a control character (U+0000 at character 2)"
    ]
