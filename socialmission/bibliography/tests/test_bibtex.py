"""BibTeX/BibLaTeX: every real-world sample parses (or fails clearly); what we write reads back."""

from __future__ import annotations

import functools
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest

from socialmission.bibliography import bibtex
from socialmission.bibliography.record import Name, Record, RecordError

SAMPLES = Path(__file__).parent / "conformance" / "bibtex"


@functools.cache
def _parsed(name: str) -> tuple[Record | RecordError, ...]:
    # The large samples take a second or more; tests only read the results.
    with (SAMPLES / name).open("rb") as stream:
        return tuple(bibtex.parse(stream))


def read(name: str) -> list[Record | RecordError]:
    return list(_parsed(name))


def records(name: str) -> list[Record]:
    items = read(name)
    assert [item for item in items if isinstance(item, RecordError)] == []
    return [item for item in items if isinstance(item, Record)]


def by_id(items: list[Record | RecordError]) -> dict[str, Record]:
    return {item.id: item for item in items if isinstance(item, Record)}


# Counted with grep: lines opening "@type{" minus @string/@comment/@preamble.
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("Double newlines means parbreak #2789.bib", 1),
        ("Endnote should parse.bib", 1),
        ("Jabref import - groups lost #1730-3.bib", 4),
        ("Literal names.bib", 1),
        ("Qiqqa.bib", 2),
        ("article_missing_coma.bib", 4),
        ("article_start_with_bom.bib", 1),
        ("crossref_entries.bib", 14),
        ("gbk_test.bib", 1),
        ("traps.bib", 1),
        ("web_of_science_bib.bib", 2),
        ("web_page and other mendeley idiocy.bib", 512),
    ],
)
def test_every_sample_parses_to_the_right_number_of_records(name: str, count: int) -> None:
    assert len(records(name)) == count


def test_biblatex_examples_sets_are_reported_not_imported() -> None:
    items = read("biber-examples.bib")
    # 118 entries (126 openings less 8 @string); the 3 @set entries group others.
    assert len(items) == 118
    errors = [item for item in items if isinstance(item, RecordError)]
    assert errors == [
        RecordError(
            f"record {n} (line {line})",
            "a @set entry only groups other entries; it is not a work of its own",
        )
        for n, line in ((2, 26), (3, 34), (4, 41))
    ]
    works = [item for item in items if isinstance(item, Record)]
    assert len(works) == 115
    # The duplicate key tmn4 gives two records, each at its own line.
    assert [w.source for w in works if w.id == "tmn4"] == [
        "record 97 (line 1535)",
        "record 98 (line 1543)",
    ]
    found = by_id(items)
    sigfridsson = found["sigfridsson"]
    assert sigfridsson.authors == [
        Name(family="Sigfridsson", given="Emma"),
        Name(family="Ryde", given="Ulf"),
    ]
    assert sigfridsson.container_title == "Journal of Computational Chemistry"  # journaltitle
    assert (sigfridsson.volume, sigfridsson.issue, sigfridsson.pages) == ("19", "4", "377-395")
    assert sigfridsson.doi == "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
    assert sigfridsson.language == "english"  # langid
    assert sigfridsson.year == 1998
    assert found["shore"].month == 3
    assert found["ctan"].type == "webpage"  # @online
    assert found["jaffe"].type == "book"  # @collection
    assert found["jaffe"].editors[0] == Name(family="Jaffé", given="Philipp")
    assert found["markey"].year is None  # only an urldate


def test_crlf_and_blank_lines_as_paragraphs() -> None:
    (record,) = records("Double newlines means parbreak #2789.bib")
    assert record.title.startswith("How to evaluate an agent's behavior to infrequent events")
    assert "\n\nKeywords: metrics, decision making" in record.abstract
    assert record.pmcid == "PMC3989732"
    assert record.doi == "10.3389/fncom.2014.00043"
    assert record.container_title == "Frontiers in computational neuroscience"


def test_endnote_empty_key_and_tab_indentation() -> None:
    (record,) = records("Endnote should parse.bib")
    assert record.id == ""
    assert record.title == "Alzheimer mechanisms and therapeutic strategies"
    assert record.authors == [Name(family="Huang", given="Y."), Name(family="Mucke", given="L.")]
    assert (record.container_title, record.volume, record.issue, record.pages) == (
        "Cell",
        "148",
        "6",
        "1204-22",
    )
    assert record.year == 2012
    assert record.source == "record 1 (line 2)"


def test_jabref_comments_are_not_records() -> None:
    parsed = records("Jabref import - groups lost #1730-3.bib")
    assert [r.id for r in parsed] == ["Chau2020", "Marvin2020", "Venkateshaiah2020", "Xie2020"]
    assert [r.type for r in parsed] == [
        "article-journal",
        "paper-conference",
        "paper-conference",
        "article-journal",
    ]
    assert parsed[0].doi == "10.3390/electronics9081219"
    assert parsed[1].source == "record 2 (line 19)"


def test_institutional_authors_in_braces_and_pmid_in_note() -> None:
    (record,) = records("Literal names.bib")
    assert len(record.authors) == 20
    assert record.authors[0] == Name(family="Sasson", given="Comilla")
    assert record.authors[15] == Name(
        literal="American Heart Association Council on Quality of Care and Outcomes Research"
    )
    assert record.authors[17] == Name(
        literal="Council on Cardiopulmonary, Critical Care, Perioperative and Resuscitation"
    )
    assert record.pmid == "23439512"
    assert record.doi == "10.1161/CIR.0b013e318288b4dd"
    assert "American Heart Association" in record.keywords
    assert (record.year, record.month) == (2013, 3)


def test_qiqqa_comma_first_layout_and_accents() -> None:
    first, second = records("Qiqqa.bib")
    assert first.authors == [Name(family="Kühne", given="Thomas")]
    assert first.title == "Matters of (meta-) modeling"
    assert first.container_title == "Software and Systems Modeling"
    assert second.type == "chapter"
    assert second.year == 1933
    assert second.container_title == "Collected works"


def test_missing_trailing_comma_and_glued_closing_brace() -> None:
    parsed = records("article_missing_coma.bib")
    assert [r.id for r in parsed] == ["Cesar2013", "Baltazar2013", "Aimar2013", "Doute2013"]
    assert all(r.keywords == ["keyword1", "keyword2"] for r in parsed)
    assert parsed[2].month == 1  # month = "january"
    assert parsed[3].year == 2013


def test_bom_latex_accent_and_month_macro() -> None:
    (record,) = records("article_start_with_bom.bib")
    assert record.authors == [Name(family="César", given="Jean")]
    assert (record.year, record.month, record.pages) == (2013, 1, "12-23")
    assert record.source == "record 1 (line 2)"


def test_crossref_inheritance() -> None:
    found = by_id(read("crossref_entries.bib"))
    assert found["cr1"].type == "chapter"
    assert found["cr1"].container_title == "Graphs of the Continent"  # the parent's title
    assert found["cr1"].year == 1974  # inherited
    assert found["cr1"].publisher == "Grimble"
    assert found["cr7"].title == "Title of Book bit"  # not the parent's subtitle
    assert found["cr7"].container_title == "Book Title: Book Subtitle"
    assert found["cr6"].container_title == "Manual booktitle"  # its own booktitle wins


def test_gbk_encoded_file() -> None:
    (record,) = records("gbk_test.bib")
    assert record.id == "凯撒2013"
    assert record.authors == [Name(family="凯撒")]
    assert record.container_title == "测试期刊"


def test_traps_protection_braces_tilde_and_multiline_values() -> None:
    (record,) = records("traps.bib")
    assert record.title == "An amazing title"
    assert record.volume == "n.s. 2"
    # "Jean Laid{\'e},\n  Ben Loaeb" is one name in BibTeX's eyes: "von Last, First".
    assert record.authors == [Name(family="Jean Laidé", given="Ben Loaeb")]
    assert (
        record.abstract
        == "This is an abstract. This line should be long enough to test multilines... and with a french érudit word"
    )
    assert record.month == 1


def test_web_of_science_bibtex() -> None:
    first, second = records("web_of_science_bib.bib")
    assert first.id == "WOS:000223334444221"
    assert first.type == "paper-conference"
    assert first.doi == "10.1007/999-9-999-99999-9_3"  # "\_" unescaped
    assert first.isbn == "999-9-999-99999-9"  # first of "a; b"
    assert first.issn == "0111-9119"
    assert first.source == "record 1 (line 3)"
    assert second.container_title == "Dummy Journal for nice writing"


def test_mendeley_types_and_empty_keys() -> None:
    parsed = records("web_page and other mendeley idiocy.bib")
    assert sum(1 for r in parsed if r.id == "") == 37  # '@article{,' lines, counted with grep
    mills = next(r for r in parsed if r.id == "Mills2010")
    assert mills.type == "chapter"  # @book_section
    assert mills.source == "record 7 (line 70)"
    assert parsed[0].issn == "2689-6575"  # "2689-6575(ELECTRONIC),26896567(PRINT)"
    assert parsed[0].pages == ""  # "No Pagination Specified"
    assert sum(1 for r in parsed if r.type == "webpage") == 25


def test_unreadable_entry_is_reported_at_its_line() -> None:
    text = "@article{good1, title={One}, year={2001}}\n\n@article{bad, title={Two\n\n@book{good2, title={Three}, year={2003}}\n"
    items = list(bibtex.parse_text(text))
    assert [type(i).__name__ for i in items] == ["Record", "RecordError", "Record"]
    assert items[1] == RecordError(
        "record 2 (line 3)", "could not read this @article entry: check its braces and commas"
    )
    assert isinstance(items[2], Record)
    assert (items[2].title, items[2].source) == ("Three", "record 3 (line 5)")


def test_undefined_string_macro_does_not_lose_the_file() -> None:
    (record,) = list(bibtex.parse_text("@article{k, title={T}, journal=undefinedmacro, year=2020}"))
    assert isinstance(record, Record)
    assert (record.title, record.year, record.container_title) == ("T", 2020, "")


def test_sniff() -> None:
    assert bibtex.sniff(b"\xef\xbb\xbf\n@article{x,\n title={y}}")
    assert bibtex.sniff(b"% Encoding: UTF-8\n\n@Article{Chau2020,")
    assert not bibtex.sniff(b"TY  - JOUR\nER  - \n")
    assert not bibtex.sniff(b"Contact me @ home {today}")


FULL = Record(
    title="Social mission & HIV care: 50% of $costs_ #1 {braces} ~tilde^ back\\slash",
    type="article-journal",
    authors=[Name(family="Núñez", given="María"), Name(literal="World Health Organization")],
    year=2021,
    month=3,
    container_title="Journal of Health Equity & Policy",
    volume="12",
    issue="3",
    pages="101-115",
    doi="10.1000/xyz_123",
    pmid="33333333",
    url="https://example.org/a_b?x=1&y=50%25",
    abstract="First paragraph.",
    keywords=["equity", "workforce"],
    publisher="Equity Press",
)


def test_render_round_trip_keeps_the_essentials() -> None:
    (back,) = list(bibtex.parse_text(bibtex.render([FULL])))
    assert isinstance(back, Record)
    assert back.title == FULL.title
    assert back.authors == FULL.authors
    assert (back.year, back.month) == (2021, 3)
    assert back.container_title == FULL.container_title
    assert (back.volume, back.issue, back.pages) == ("12", "3", "101-115")
    assert back.doi == FULL.doi
    assert back.pmid == FULL.pmid
    assert back.url == FULL.url
    assert back.keywords == FULL.keywords
    assert back.type == "article-journal"


def test_render_escapes_special_characters() -> None:
    text = bibtex.render([FULL])
    assert r"\& HIV" not in text  # the ampersand is escaped where it stands
    assert (
        r"Social mission \& {HIV} care: 50\% of \$costs\_ \#1 \textbraceleft{}braces\textbraceright{}"
        in text
    )
    assert r"\textasciitilde{}tilde\textasciicircum{} back\textbackslash{}slash" in text
    assert "author = {Núñez, María and {World Health Organization}}" in text
    assert "pages = {101--115}" in text
    assert "doi = {10.1000/xyz_123}" in text  # identifiers are verbatim


def test_render_gives_unique_citation_keys() -> None:
    twin = Record(title="Same title", authors=[Name(family="Smith", given="A")], year=2020)
    text = bibtex.render([twin, twin, twin, Record(title="No author")])
    keys = [entry.key for entry in bibtexparser.parse_string(text).entries]
    assert keys == ["smith2020Same", "smith2020Samea", "smith2020Sameb", "anonNo"]


def test_bibtexparser_reads_what_we_render() -> None:
    chapter = Record(
        title="A chapter", type="chapter", authors=[Name(family="Roe", given="R")], year=2000,
        container_title="The book", editors=[Name(family="Ed", given="E")],
    )  # fmt: skip
    text = bibtex.render([FULL, chapter, Record(title="A report", type="report", publisher="WHO")])
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    entries = [e.fields_dict for e in library.entries]
    assert [e.entry_type for e in library.entries] == ["article", "incollection", "techreport"]
    assert entries[0]["journal"].value == r"Journal of Health Equity \& Policy"
    assert entries[1]["booktitle"].value == "The book"
    assert entries[1]["editor"].value == "Ed, E"
    assert entries[2]["institution"].value == "WHO"


def test_parse_bytes_latin1() -> None:
    data = "@article{k, title={Caf\\'e und Stra\xdfe}, author={M\xfcller, J\xfcrgen}, year={1999}}".encode(
        "latin-1"
    )
    (record,) = list(bibtex.parse(io.BytesIO(data)))
    assert isinstance(record, Record)
    assert record.title == "Café und Straße"
    assert record.authors == [Name(family="Müller", given="Jürgen")]


MAPPINGS = Path(__file__).parent / "conformance" / "mappings"
# Where our CSL type deliberately differs from citation-js's: the more specific CSL type.
OUR_TYPE_CHOICES = {
    ("Booklet", "book"): "pamphlet",
    ("tolkien:single", "book"): "chapter",  # @bookinbook: it has a booktitle and pages
    ("francis:chapter", "book"): "chapter",
    ("francis:book", "book"): "chapter",
    ("winklerprins:entry", "entry"): "entry-encyclopedia",  # @inreference
}


@pytest.mark.parametrize("kind", ["bibtex", "biblatex"])
def test_mapping_agrees_with_citation_js(kind: str) -> None:
    expected = json.loads((MAPPINGS / f"citation-js-{kind}-csl.json").read_text(encoding="utf-8"))
    with (MAPPINGS / f"citation-js-{kind}-input.bib").open("rb") as stream:
        parsed = [item for item in bibtex.parse(stream) if isinstance(item, Record)]
    assert len(parsed) == len(expected) == {"bibtex": 16, "biblatex": 28}[kind]
    for item, record in zip(expected, parsed, strict=True):
        key = item["id"]
        assert record.id == key
        assert record.type == OUR_TYPE_CHOICES.get((key, item["type"]), item["type"]), key
        # citation-js keeps <i>/<sup> markup in titles; we keep plain text.
        assert record.title == _plain(item.get("title", "")), key
        assert record.container_title == _plain(item.get("container-title", "")), key
        issued = item.get("issued", {}).get("date-parts", [[None]])[0][0]
        assert record.year == (int(issued) if issued else None), key
        assert record.doi == item.get("DOI", ""), key  # kept as registered
        families = [a.get("family", a.get("literal", "")) for a in item.get("author", [])]
        assert [n.family or n.literal for n in record.authors] == families, key


def _plain(html: str) -> str:
    return re.sub(r"</?\w+>", "", html)


def _macro_bomb(levels: int) -> str:
    """Each @string repeats the previous one ten times: 10**levels characters from a few bytes."""
    lines = ['@string{m0 = "xxxxxxxxxx"}']
    lines += [f"@string{{m{n} = " + " # ".join([f"m{n - 1}"] * 10) + "}" for n in range(1, levels)]
    return "\n".join(lines) + f"\n@article{{bomb, title = m{levels - 1}, year = 2020}}\n"


def test_string_macro_bomb_is_refused_under_a_memory_cap() -> None:
    bomb = _macro_bomb(10)  # asks for 10**10 characters: 10 GB
    assert len(bomb) < 700
    script = (
        "import json, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (768 * 2**20, 768 * 2**20))\n"
        "from socialmission.bibliography import bibtex\n"
        "items = list(bibtex.parse_text(sys.stdin.read()))\n"
        "print(json.dumps([[type(i).__name__, getattr(i, 'reason', '')] for i in items]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=bomb, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == [
        ["RecordError", "the @string macro 'm9' is too long"],
    ]


def test_each_field_is_capped_while_parsing() -> None:
    text = "@article{a, title = {" + "x" * (bibtex.MAX_FIELD_LENGTH + 1) + "}}\n"
    text += "@article{b, title = {Fine}}\n"
    first, second = bibtex.parse_text(text)
    assert first == RecordError(
        "record 1 (line 1)", f"a field is longer than {bibtex.MAX_FIELD_LENGTH:,} characters"
    )
    assert isinstance(second, Record) and second.title == "Fine"


def test_macro_expansion_has_a_budget_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex, "MAX_EXPANSION", 25)
    text = '@string{j = "Ten chars!"}\n' + "".join(
        f"@article{{k{n}, title = {{T{n}}}, journal = j}}\n" for n in range(4)
    )
    items = list(bibtex.parse_text(text))
    assert [i.container_title for i in items if isinstance(i, Record)] == ["Ten chars!"] * 2
    assert items[2:] == [
        RecordError(
            f"record {n} (line {n + 1})",
            "the file's @string macros expand to more than 25 characters",
        )
        for n in (3, 4)
    ]


def test_concatenation_case_insensitive_macros_and_months() -> None:
    text = (
        '@String{JNL = "Journal"}\n@string{full = jnl # " of " # {Equity}}\n'
        '@article{k, title = "A " # {B} # " " # 12, journal = FULL, month = oct, year = 2001}\n'
    )
    (record,) = bibtex.parse_text(text)
    assert isinstance(record, Record)
    assert (record.title, record.container_title, record.month) == (
        "A B 12",
        "Journal of Equity",
        10,
    )


def test_entry_without_key_or_comma_keeps_its_fields_and_line() -> None:
    text = "% a comment\n@article{\n  title = {No key at all},\n  year = {2004}\n}\n"
    (record,) = bibtex.parse_text(text)
    assert isinstance(record, Record)
    assert (record.id, record.title, record.year, record.source) == (
        "",
        "No key at all",
        2004,
        "record 1 (line 2)",
    )


def test_crossref_chain_and_cycle_terminate() -> None:
    text = (
        "@inproceedings{child, title = {Paper}, crossref = {mid}}\n"
        "@proceedings{mid, title = {Proceedings}, crossref = {root}}\n"
        "@proceedings{root, publisher = {Root Press}, year = {1999}}\n"
        "@misc{loop1, title = {L1}, crossref = {loop2}}\n"
        "@misc{loop2, title = {L2}, crossref = {loop1}}\n"
    )
    found = by_id(list(bibtex.parse_text(text)))
    assert found["child"].container_title == "Proceedings"
    assert (found["child"].publisher, found["child"].year) == ("Root Press", 1999)
    assert (found["loop1"].title, found["loop2"].title) == ("L1", "L2")
