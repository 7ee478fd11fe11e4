"""Formatted citations: exact output of the shipped AMA, APA and Vancouver CSL styles as
citeproc-py renders them, and HTML safety for text that came from a record."""

from __future__ import annotations

import pytest

from socialmission.bibliography import citations
from socialmission.bibliography.record import Name, Record

MULLAN = Record(
    title="The social mission of medical education: ranking the schools",
    authors=[
        Name(family="Mullan", given="F"),
        Name(family="Chen", given="C"),
        Name(family="Petterson", given="S"),
        Name(family="Kolsky", given="G"),
        Name(family="Spagnola", given="M"),
    ],
    year=2010,
    container_title="Annals of Internal Medicine",
    volume="152",
    issue="12",
    pages="804-811",
    doi="10.7326/0003-4819-152-12-201006150-00009",
    pmid="20547907",
    extra={"container_title_short": "Ann Intern Med"},
)

WHO_REPORT = Record(
    title="Defining and measuring the social accountability of medical schools",
    type="report",
    organization="World Health Organization",
    publisher="World Health Organization",
    publisher_place="Geneva",
    year=1995,
    url="http://www.who.int/iris/handle/10665/59441",
)

WEBPAGE = Record(
    title="Social Mission Metrics Initiative",
    type="webpage",
    organization="GW Fitzhugh Mullan Institute for Health Workforce Equity",
    container_title="GW Health Workforce Institute",
    url="https://www.gwhwi.org/socialmissionmetrics.html",
    year=2024,
)

NO_YEAR = Record(
    title="Community health workers in rural clinics",
    authors=[Name(family="Smith", given="Jane A")],
    container_title="Journal of Rural Health",
    volume="12",
    pages="1-9",
)


def test_every_offered_style_formats_a_reference_its_own_way() -> None:
    """Each style offered (the resource page's tabs, the export formats) really is a style:
    it formats the reference article, differently from every other, and is selected by its key."""
    formatted = {style: citations.format_citation_text(MULLAN, style) for style in citations.STYLES}
    assert len(set(formatted.values())) == len(citations.STYLES) >= 2
    for style, text in formatted.items():
        assert "Mullan" in text and "2010" in text, style
        assert citations.STYLES[style].split()[0].casefold() == style.split("-")[0], style
    assert citations.DEFAULT_STYLE in citations.STYLES
    assert citations.format_citation(MULLAN) == citations.format_citation(
        MULLAN, citations.DEFAULT_STYLE
    )


def test_apa_capitalises_the_first_word_of_a_subtitle() -> None:
    """APA 7 (6.17): sentence case, and the first word after a colon or dash is capitalised;
    the record's title is left as typed for the other styles."""
    record = Record(
        title="Rural tracks: a review — what works? lessons from ten schools",
        authors=[Name(family="Doe", given="J")],
        year=2020,
        container_title="Academic Medicine",
    )
    apa = citations.format_citation_text(record, "apa")
    assert "Rural tracks: A review — What works? Lessons from ten schools" in apa
    assert "Rural tracks: a review — what works? lessons from ten schools" in (
        citations.format_citation_text(record, "vancouver")
    )
    assert citations.capitalise_subtitles("No subtitle here") == "No subtitle here"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "ama",
            "Mullan F, Chen C, Petterson S, Kolsky G, Spagnola M. The social mission of medical "
            "education: ranking the schools. <i>Ann Intern Med</i>. 2010;152(12):804-811. "
            "doi:10.7326/0003-4819-152-12-201006150-00009",
        ),
        (
            "apa",
            "Mullan, F., Chen, C., Petterson, S., Kolsky, G., &amp; Spagnola, M. (2010). The "
            "social mission of medical education: Ranking the schools. <i>Annals of Internal "
            "Medicine</i>, <i>152</i>(12), 804\u2013811. "
            "https://doi.org/10.7326/0003-4819-152-12-201006150-00009",
        ),
        (
            "vancouver",
            "Mullan F, Chen C, Petterson S, Kolsky G, Spagnola M. The social mission of medical "
            "education: ranking the schools. Ann Intern Med. 2010;152(12):804\u201311. "
            "doi:10.7326/0003-4819-152-12-201006150-00009 PubMed PMID: 20547907.",
        ),
    ],
)
def test_known_article_in_each_style(style: str, expected: str) -> None:
    assert citations.format_citation(MULLAN, style) == expected


def test_default_style_is_ama_and_plain_text_has_no_markup() -> None:
    assert citations.format_citation(MULLAN) == citations.format_citation(MULLAN, "ama")
    assert citations.format_citation_text(MULLAN) == (
        "Mullan F, Chen C, Petterson S, Kolsky G, Spagnola M. The social mission of medical "
        "education: ranking the schools. Ann Intern Med. 2010;152(12):804-811. "
        "doi:10.7326/0003-4819-152-12-201006150-00009"
    )
    assert citations.format_citation_text(MULLAN, "apa").startswith(
        "Mullan, F., Chen, C., Petterson, S., Kolsky, G., & Spagnola, M. (2010)."
    )


def test_full_journal_title_is_used_without_an_abbreviation() -> None:
    record = Record(
        title="A title", authors=[Name(family="Doe", given="J")], year=2001,
        container_title="Academic Medicine", volume="76", pages="1-2",
    )  # fmt: skip
    assert citations.format_citation(record) == (
        "Doe J. A title. <i>Academic Medicine</i>. 2001;76:1-2."
    )


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "ama",
            "World Health Organization. <i>Defining and Measuring the Social Accountability of "
            "Medical Schools</i>. World Health Organization; 1995. "
            "http://www.who.int/iris/handle/10665/59441",
        ),
        (
            "apa",
            "World Health Organization. (1995). <i>Defining and measuring the social "
            "accountability of medical schools</i>. World Health Organization. "
            "http://www.who.int/iris/handle/10665/59441",
        ),
        (
            "vancouver",
            "World Health Organization. Defining and measuring the social accountability of "
            "medical schools [Internet]. Geneva: World Health Organization; 1995. Available from: "
            "http://www.who.int/iris/handle/10665/59441",
        ),
    ],
)
def test_report_by_an_organisation(style: str, expected: str) -> None:
    assert citations.format_citation(WHO_REPORT, style) == expected


def test_organisation_is_author_only_when_there_are_no_people() -> None:
    item = citations.csl_item(WHO_REPORT)
    assert item["author"] == [{"literal": "World Health Organization"}]
    assert item["type"] == "report"
    with_people = citations.csl_item(MULLAN)
    assert with_people["author"][0] == {"family": "Mullan", "given": "F"}
    assert with_people["container-title-short"] == "Ann Intern Med"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "ama",
            "GW Fitzhugh Mullan Institute for Health Workforce Equity. Social Mission Metrics "
            "Initiative. GW Health Workforce Institute. 2024. "
            "https://www.gwhwi.org/socialmissionmetrics.html",
        ),
        (
            "apa",
            "GW Fitzhugh Mullan Institute for Health Workforce Equity. (2024). <i>Social Mission "
            "Metrics Initiative</i>. GW Health Workforce Institute. "
            "https://www.gwhwi.org/socialmissionmetrics.html",
        ),
    ],
)
def test_webpage(style: str, expected: str) -> None:
    assert citations.format_citation(WEBPAGE, style) == expected


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "ama",
            "Smith JA. Community health workers in rural clinics. <i>Journal of Rural Health</i>. 12:1-9.",
        ),
        (
            "apa",
            "Smith, J. A. (n.d.). Community health workers in rural clinics. <i>Journal of Rural "
            "Health</i>, <i>12</i>, 1\u20139.",
        ),
        (
            "vancouver",
            "Smith JA. Community health workers in rural clinics. Journal of Rural Health. 12:1\u20139.",
        ),
    ],
)
def test_missing_year(style: str, expected: str) -> None:
    assert citations.format_citation(NO_YEAR, style) == expected


def test_collective_and_accented_authors() -> None:
    record = Record(
        title="Asthma outcomes",
        authors=[
            Name(literal="Canadian Respiratory Research Network"),
            Name(family="García-López", given="María José"),
        ],
        year=2019,
        container_title="Can J Respir",
        volume="3",
        issue="2",
        pages="10-20",
    )
    assert citations.format_citation(record) == (
        "Canadian Respiratory Research Network, García-López MJ. Asthma outcomes. "
        "<i>Can J Respir</i>. 2019;3(2):10-20."
    )


def test_record_text_is_escaped_in_every_style() -> None:
    hostile = Record(
        title='<script>alert("x")</script> & <b>bold</b>',
        authors=[Name(family="O'<img src=x onerror=alert(1)>", given="J")],
        year=2020,
        container_title="J <i>x</i>",
    )
    for style in citations.STYLES:
        html = citations.format_citation(hostile, style)
        assert "<script" not in html
        assert "<img" not in html
        assert "<b>" not in html
        assert (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
            in html
        )
    assert citations.format_citation(hostile, "ama") == (
        "O&#x27;&lt;img src=x onerror=alert(1)&gt; J. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        " &amp; &lt;b&gt;bold&lt;/b&gt;. <i>J &lt;i&gt;x&lt;/i&gt;</i>. Published online 2020."
    )


def test_marker_characters_in_record_text_cannot_forge_tags() -> None:
    sneaky = Record(title="A \ue000title\ue001", authors=[Name(family="Doe", given="J")], year=2001)
    html = citations.format_citation(sneaky)
    assert "<i>title</i>" not in html
    assert "A title" in html


def test_unknown_style_is_an_error() -> None:
    with pytest.raises(citations.UnknownStyle, match="unknown citation style 'harvard'"):
        citations.format_citation(MULLAN, "harvard")
    with pytest.raises(citations.UnknownStyle):
        citations.format_citation_text(MULLAN, "chicago")


def test_style_key_is_case_insensitive() -> None:
    assert citations.format_citation(MULLAN, "APA") == citations.format_citation(MULLAN, "apa")


def test_full_dates_keep_their_spaces_in_vancouver() -> None:
    dated = Record(
        title="Dated article",
        authors=[Name(family="Doe", given="J")],
        year=2010,
        month=6,
        day=15,
        container_title="Ann Intern Med",
        volume="152",
        issue="12",
        pages="804-811",
    )
    assert citations.format_citation(dated, "vancouver") == (
        "Doe J. Dated article. Ann Intern Med. 2010 Jun 15;152(12):804\u201311."
    )
    assert citations.format_citation(dated, "ama") == (
        "Doe J. Dated article. <i>Ann Intern Med</i>. 2010;152(12):804-811."
    )


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "ama",
            "Beyond Flexner Alliance. Beyond Flexner Alliance. Accessed March 5, 2024. "
            "https://beyondflexner.org/",
        ),
        (
            "apa",
            "Beyond Flexner Alliance. (n.d.). <i>Beyond Flexner Alliance</i>. Retrieved March 5, "
            "2024, from https://beyondflexner.org/",
        ),
        (
            "vancouver",
            "Beyond Flexner Alliance. Beyond Flexner Alliance [Internet]. [cited 2024 Mar 5]. "
            "Available from: https://beyondflexner.org/",
        ),
    ],
)
def test_undated_webpage_with_access_date(style: str, expected: str) -> None:
    page = Record(
        title="Beyond Flexner Alliance",
        type="webpage",
        organization="Beyond Flexner Alliance",
        url="https://beyondflexner.org/",
        extra={"accessed": "2024-03-05"},
    )
    assert citations.format_citation(page, style) == expected


def test_compact_initials_keep_every_letter() -> None:
    record = Record(
        title="Defining and measuring the social accountability of medical schools",
        type="report",
        authors=[Name(family="Boelen", given="C"), Name(family="Heck", given="JE")],
        publisher="World Health Organization",
        year=1995,
    )
    assert citations.format_citation(record, "ama").startswith("Boelen C, Heck JE. ")
    assert citations.format_citation(record, "apa").startswith(
        "Boelen, C., &amp; Heck, J. E. (1995)."
    )
    assert citations.format_citation(record, "vancouver").startswith("Boelen C, Heck JE. ")


def test_edited_book_lists_its_editors_once() -> None:
    book = Record(
        title="In the nation's compelling interest: ensuring diversity in the health-care workforce",
        type="book",
        editors=[
            Name(family="Smedley", given="BD"),
            Name(family="Stith Butler", given="A"),
            Name(family="Bristow", given="LR"),
        ],
        publisher="National Academies Press",
        publisher_place="Washington, DC",
        year=2004,
    )
    assert citations.format_citation(book, "ama") == (
        "Smedley BD, Stith Butler A, Bristow LR. <i>In the Nation&#x27;s Compelling Interest: "
        "Ensuring Diversity in the Health-care Workforce</i>. National Academies Press; 2004."
    )
    for style in citations.STYLES:
        assert citations.format_citation(book, style).count("Smedley") == 1


def test_et_al_rules_of_each_style() -> None:
    many = Record(
        title="Seven plus authors",
        authors=[Name(family=f"Author{i}", given="A B") for i in range(8)],
        year=2019,
        container_title="Academic Medicine",
        volume="94",
        issue="3",
        pages="300-305",
    )
    assert citations.format_citation(many, "ama").startswith(
        "Author0 AB, Author1 AB, Author2 AB, et al. Seven plus authors."
    )
    assert citations.format_citation(many, "vancouver").startswith(
        "Author0 AB, Author1 AB, Author2 AB, Author3 AB, Author4 AB, Author5 AB, et al."
    )
    assert "&amp; Author7, A. B. (2019)" in citations.format_citation(many, "apa")
