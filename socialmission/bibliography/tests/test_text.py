"""Shared helpers: names, identifiers, titles and messy dates."""

from __future__ import annotations

import pytest

from socialmission.bibliography.names import (
    format_name,
    initials,
    looks_like_organisation,
    name_key,
    parse_name,
    parse_names,
)
from socialmission.bibliography.record import Name
from socialmission.bibliography.text import (
    clean,
    decode,
    decode_with_note,
    doi_key,
    extract_year,
    find_pmid,
    join_pages,
    month_number,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    normalize_title,
    parse_date,
    split_list,
    split_pages,
    standard_numbers,
    unique,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Smith, John A.", Name(family="Smith", given="John A.")),
        ("Smith JA", Name(family="Smith", given="JA")),
        ("van der Berg H", Name(family="van der Berg", given="H")),
        ("John von Neumann", Name(family="von Neumann", given="John")),
        ("Jean-Paul Sartre", Name(family="Sartre", given="Jean-Paul")),
        ("Smith, Jr., John", Name(family="Smith", given="John Jr.")),
        ("Madonna", Name(family="Madonna")),
        ("World Health Organization", Name(literal="World Health Organization")),
        ("{American Heart Association}", Name(literal="American Heart Association")),
        ("IAAF", Name(literal="IAAF")),
        ("  ", Name()),
    ],
)
def test_parse_name_forms(raw: str, expected: Name) -> None:
    assert parse_name(raw) == expected


def test_parse_names_splits_and_skips_empty_parts() -> None:
    assert parse_names("Smith, J; ; Doe, Jane") == [
        Name(family="Smith", given="J"),
        Name(family="Doe", given="Jane"),
    ]


def test_organisation_detection_does_not_catch_people() -> None:
    assert looks_like_organisation("Canadian Respiratory Research Network")
    assert not looks_like_organisation("Smith JA")
    assert not looks_like_organisation("Ng")


def test_format_name_and_initials() -> None:
    assert format_name(Name(family="Smith", given="John")) == "Smith, John"
    assert format_name(Name(family="Smith", given="John"), inverted=False) == "John Smith"
    assert format_name(Name(literal="WHO")) == "WHO"
    assert format_name(Name(family="Smith")) == "Smith"
    assert initials("John Andrew") == "JA"
    assert initials("J.-A.") == "JA"
    assert initials("JA") == "JA"
    assert name_key(Name(family="Gödel", given="Kurt")) == "godel k"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.1000/ABC.1", "10.1000/ABC.1"),
        ("http://dx.doi.org/10.1186/1479-5868-10-93.", "10.1186/1479-5868-10-93"),
        ("doi: 10.1016/J.X.2019.01.001", "10.1016/J.X.2019.01.001"),
        ("10.1016/j.x.2019.01.001 [doi]", "10.1016/j.x.2019.01.001"),
        ("https://doi.org/10.1000%2Fxyz", "10.1000/xyz"),
        ("10.1000/a\\_b", "10.1000/a_b"),
        ("not a doi", ""),
        (None, ""),
    ],
)
def test_normalize_doi(raw: object, expected: str) -> None:
    assert normalize_doi(raw) == expected


def test_doi_key_compares_in_any_case() -> None:
    assert doi_key("https://doi.org/10.1056/NEJMoa1715274") == "10.1056/nejmoa1715274"
    assert doi_key("doi:10.1056/nejmoa1715274.") == doi_key("10.1056/NEJMOA1715274")
    assert doi_key("no doi here") == ""


def test_pmid_and_pmcid() -> None:
    assert normalize_pmid("21573042") == "21573042"
    assert normalize_pmid("PMID: 0021573042") == "21573042"
    assert normalize_pmid("https://pubmed.ncbi.nlm.nih.gov/123/") == "123"
    assert normalize_pmid("123 [pubmed]") == "123"
    assert normalize_pmid("WOS:000123") == ""
    assert find_pmid("Circulation. {PMID:} 23439512 note") == "23439512"
    assert find_pmid("grant 12345") == ""
    assert normalize_pmcid("PMCID: PMC3104567") == "PMC3104567"
    assert normalize_pmcid("none") == ""


def test_normalize_title_matches_variants_of_one_title() -> None:
    a = normalize_title("The Effect of Café-Culture: A Review!")
    b = normalize_title("effect of cafe culture — a review")
    assert a == b == "effect cafe culture review"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019///", (2019, None, None)),
        ("2019/05/01/", (2019, 5, 1)),
        ("2019-05", (2019, 5, None)),
        ("2015 Oct-Dec", (2015, 10, None)),
        ("May 2019", (2019, 5, None)),
        ("3 May 2019", (2019, 5, 3)),
        ("Spring 2018", (2018, None, None)),
        ("2019/13/01", (2019, None, None)),
        ("Jun", (None, None, None)),
        ("", (None, None, None)),
    ],
)
def test_parse_date(raw: str, expected: tuple[int | None, int | None, int | None]) -> None:
    assert parse_date(raw) == expected


def test_year_month_pages_lists() -> None:
    assert extract_year("c. 1998, reprinted") == 1998
    assert extract_year("12345") is None
    assert extract_year(2020) == 2020
    assert month_number("June") == 6
    assert month_number("06") == 6
    assert month_number("13") is None
    assert month_number("Spring") is None
    assert join_pages("12", "34") == "12-34"
    assert join_pages("e12", "") == "e12"
    assert join_pages("12", "12") == "12"
    assert split_pages("12--34") == ("12", "34")
    assert split_pages("12\u201334") == ("12", "34")
    assert split_pages("e123") == ("e123", "")
    assert split_list("a; b;; c ") == ["a", "b", "c"]
    assert clean(" a\n\tb\u00a0c ") == "a b c"
    assert unique(["a", "b", "a", ""]) == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("TY  - JOUR\r\nTI  - Salud pública \u2013 “equidad” en niños\r\nER  - \r\n", "cp1252"),
        (
            "TY  - JOUR\r\nTI  - Équité en santé à Montréal\r\nAU  - Müller, Jürgen\r\nER  - \r\n",
            "latin-1",
        ),
        ("@article{k, author={凯撒}, journal={测试期刊}}", "gb18030"),
        ("TY  - JOUR\nTI  - Здоровье\nER  - \n", "utf-16"),
        ("TI  - plain ASCII and ünïcode\n", "utf-8"),
    ],
)
def test_decode_guesses_legacy_encodings(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)) == text


def test_decode_drops_a_bom() -> None:
    assert decode(b"\xef\xbb\xbfTY  - JOUR") == "TY  - JOUR"
    assert decode("TY".encode("utf-16-be").join([b"\xfe\xff", b""])) == "TY"


def test_standard_numbers() -> None:
    assert standard_numbers("2689-6575(ELECTRONIC),26896567(PRINT)") == (
        ["2689-6575", "2689-6567"],
        [],
        [],
    )
    assert standard_numbers("1128-045X 1123-6337") == (["1128-045X", "1123-6337"], [], [])
    assert standard_numbers("978-0-12-345678-9; 0-943396-04-2") == (
        [],
        ["978-0-12-345678-9", "0-943396-04-2"],
        [],
    )
    assert standard_numbers("03064530 (ISSN)") == (["0306-4530"], [], [])
    assert standard_numbers("12345") == ([], [], ["12345"])
    assert standard_numbers("") == ([], [], [])


def test_decode_with_note_says_when_the_encoding_was_guessed() -> None:
    assert decode_with_note("Año".encode()) == ("Año", "")
    assert decode_with_note(b"\xef\xbb\xbfA\xc3\xb1o") == ("Año", "")
    mostly = "Núñez, María: año".encode() + b" \xe9"
    assert decode_with_note(mostly) == (
        "Núñez, María: año \ufffd",
        "the file is UTF-8 except for 1 invalid byte, replaced with \ufffd",
    )
    text, note = decode_with_note("Müller, Jürgen: Räume".encode("latin-1"))
    assert text == "Müller, Jürgen: Räume"
    assert note == (
        "the file is not UTF-8; its encoding was guessed as Latin-1 / Windows-1252 (Western European)"
    )
    # Many bad bytes and few UTF-8 sequences: not "mostly UTF-8", so the encoding is guessed.
    text, note = decode_with_note("é".encode() + "für ländliche Räume".encode("latin-1"))
    assert note.startswith("the file is not UTF-8")
