"""PubMed XML parsing against real efetch and baseline files in conformance/pubmed_xml,
plus streaming (memory) and throughput checks on generated files."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.bibliography import pubmed_xml
from socialmission.bibliography.benchmarks import bench_pubmed_xml, synthetic_pubmed_articles
from socialmission.bibliography.record import Name, Record, RecordError

SAMPLES = Path(__file__).parent / "conformance" / "pubmed_xml"


def _records(name: str) -> list[Record]:
    with (SAMPLES / name).open("rb") as handle:
        items = list(pubmed_xml.parse(handle))
    assert all(isinstance(item, Record) for item in items), [
        i for i in items if isinstance(i, RecordError)
    ]
    return [item for item in items if isinstance(item, Record)]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("medline16n0902.xml.gz", 604),
        ("pubmed-29768149.xml", 1),
        ("pubmed1.xml", 2),
        ("pubmed2.xml", 2),
        ("pubmed4.xml", 1),
        ("pubmed5.xml", 1),
        ("pubmed6.xml", 1),
        ("pubmed7.xml", 1),
        ("test_current_medline.xml.gz", 4),
    ],
)
def test_every_sample_parses_with_the_right_record_count(name: str, count: int) -> None:
    assert len(_records(name)) == count


def test_nejm_article_fields() -> None:
    (record,) = _records("pubmed-29768149.xml")
    assert record.pmid == "29768149"
    assert record.title == "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma"
    assert record.container_title == "The New England journal of medicine"
    assert record.extra["container_title_short"] == "N Engl J Med"
    assert (record.volume, record.issue, record.pages) == ("378", "20", "1865-1876")
    assert (record.year, record.month, record.day) == (2018, 5, 17)
    assert record.doi == "10.1056/NEJMoa1715274"
    assert len(record.authors) == 10
    assert record.authors[0] == Name(family="O'Byrne", given="Paul M")
    assert record.authors[1] == Name(family="FitzGerald", given="J Mark")
    assert len(record.extra["mesh"].split("; ")) == 23
    assert "Asthma" in record.keywords
    assert record.language == "en"
    assert record.type == "article-journal"
    assert record.source == "pubmed_xml PubmedArticle 1"


def test_single_line_efetch_file_and_doi_from_elocation() -> None:
    first, second = _records("pubmed1.xml")
    assert first.pmid == "12091962"
    assert first.title == "The treatment of AIDS behind the walls of correctional facilities"
    assert first.authors == [Name(family="Olivero", given="J Michael")]
    assert first.abstract == ""
    assert first.doi == ""
    assert second.pmid == "9997"
    assert second.doi == "10.1016/0005-2795(76)90109-4"
    assert (second.year, second.month, second.day) == (1976, 9, 28)
    assert second.source == "pubmed_xml PubmedArticle 2"


def test_inline_markup_is_flattened_and_structured_abstract_labelled() -> None:
    (record,) = _records("pubmed4.xml")
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of "
        "pancreatic cancer"
    )
    assert len(record.authors) == 22
    assert record.abstract.startswith("OBJECTIVE: Telomere shortening occurs as an early event")
    assert " DESIGN: " in record.abstract
    assert " RESULTS: " in record.abstract
    assert " CONCLUSIONS: " in record.abstract
    assert record.pmcid == "PMC5442267"
    assert record.doi == "10.1136/gutjnl-2016-312510"


def test_mathml_in_abstract_is_flattened_without_layout_whitespace() -> None:
    (record,) = _records("pubmed6.xml")
    assert "maximal oxygen uptake ( V.O2max ) 67.6 ± 4.1 ml·kg-1·min-1]" in record.abstract
    assert "mml" not in record.abstract
    assert "than MLSS (P < 0.001; ES: 3.54)" in record.abstract
    assert record.title.startswith('A "Blood Relationship" Between the Overlooked Minimum')
    assert record.keywords[:2] == ["Owles' point", "aerobic capacity"]


def test_collective_name_is_a_literal_author() -> None:
    (record,) = _records("pubmed7.xml")
    assert len(record.authors) == 9
    assert record.authors[0] == Name(family="Guo", given="Fumin")
    assert record.authors[-1] == Name(literal="Canadian Respiratory Research Network")
    assert record.pages == "026002"
    assert record.extra["container_title_short"] == "J Med Imaging (Bellingham)"


def test_old_medline_citation_set_with_medline_dates_and_a_delete_citation() -> None:
    records = _records("medline16n0902.xml.gz")
    first = records[0]
    assert first.pmid == "17942999"
    assert first.title.startswith("Neuroplasticity in the processing of pitch dimensions")
    assert first.container_title == "Restorative neurology and neuroscience"
    assert (first.volume, first.issue, first.pages) == ("25", "3-4", "195-210")
    assert first.abstract.startswith("PURPOSE: An auditory electrophysiological study")
    assert first.source == "pubmed_xml MedlineCitation 1"
    assert records[-1].pmid == "26109528"
    # <DeleteCitation> lists PMIDs to remove; it is not a record.
    assert "26432306" not in {r.pmid for r in records}
    # "2008 Jul-Aug" etc.: the year and the first month of the range.
    by_pmid = {r.pmid: r for r in records}
    assert len(by_pmid) == 604
    medline_dated = [r for r in records if r.year and r.month is None and r.day is None]
    assert medline_dated  # years without months exist (plain <Year>) and must not break
    assert sum(1 for r in records if r.language == "it") == 18
    assert sum(1 for r in records if r.doi) == 579


def test_medline_date_ranges() -> None:
    xml = b"""<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
    <Journal><JournalIssue><PubDate><MedlineDate>2019 Jan-Feb</MedlineDate></PubDate>
    </JournalIssue><Title>J</Title></Journal><ArticleTitle>T.</ArticleTitle>
    <PublicationTypeList><PublicationType>Dataset</PublicationType></PublicationTypeList>
    </Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    (record,) = list(pubmed_xml.parse(io.BytesIO(xml)))
    assert isinstance(record, Record)
    assert (record.year, record.month, record.day) == (2019, 1, None)
    assert record.type == "dataset"


def test_current_baseline_file_gzipped() -> None:
    records = _records("test_current_medline.xml.gz")
    assert [r.pmid for r in records] == ["36400559", "2930949", "11446611", "28786991"]
    assert records[0].title == "Back Pain: Differential Diagnosis and Management"
    assert records[0].doi == "10.1016/j.ncl.2022.07.002"
    assert records[1].pmcid == "PMC1306303"
    # The reference list holds ArticleIds of cited works; only the article's own ids count.
    assert records[1].doi == ""


def test_book_article() -> None:
    xml = b"""<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>20301295</PMID>
    <Book><Publisher><PublisherName>University of Washington</PublisherName>
    <PublisherLocation>Seattle (WA)</PublisherLocation></Publisher>
    <BookTitle>GeneReviews</BookTitle><PubDate><Year>1993</Year></PubDate>
    <AuthorList Type="editors"><Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName></Author></AuthorList>
    </Book><ArticleTitle>Alpha-Thalassemia.</ArticleTitle>
    <AuthorList Type="authors"><Author><LastName>Tamary</LastName><ForeName>Hannah</ForeName></Author></AuthorList>
    <Language>eng</Language></BookDocument></PubmedBookArticle></PubmedArticleSet>"""
    (record,) = list(pubmed_xml.parse(io.BytesIO(xml)))
    assert isinstance(record, Record)
    assert record.type == "chapter"
    assert record.title == "Alpha-Thalassemia"
    assert record.container_title == "GeneReviews"
    assert record.authors == [Name(family="Tamary", given="Hannah")]
    assert record.editors == [Name(family="Adam", given="Margaret P")]
    assert (record.publisher, record.publisher_place) == (
        "University of Washington",
        "Seattle (WA)",
    )
    assert record.source == "pubmed_xml PubmedBookArticle 1"


def test_malformed_xml_is_reported_with_its_line() -> None:
    xml = b"<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>1</PMID>\n<Article><ArticleTitle>A</Art"
    items = list(pubmed_xml.parse(io.BytesIO(xml)))
    assert len(items) == 1
    assert isinstance(items[0], RecordError)
    assert items[0].position.startswith("line ")
    assert items[0].reason.startswith("the XML is not well-formed")


def test_other_xml_is_rejected_naming_its_root() -> None:
    (error,) = list(pubmed_xml.parse(io.BytesIO(b"<rss><channel/></rss>")))
    assert error == RecordError(
        position="line 1",
        reason="not PubMed XML: the document root is <rss>, expected <PubmedArticleSet> or "
        "<MedlineCitationSet>",
    )


def test_article_without_title_is_an_error_not_a_crash() -> None:
    xml = (
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>5</PMID><Article>"
        b"<Journal><Title>J</Title></Journal></Article></MedlineCitation></PubmedArticle>"
        b"</PubmedArticleSet>"
    )
    assert list(pubmed_xml.parse(io.BytesIO(xml))) == [
        RecordError(position="PubmedArticle 1", reason="PMID 5 has no ArticleTitle")
    ]


def test_entities_are_not_expanded() -> None:
    xml = b"""<?xml version="1.0"?>
    <!DOCTYPE PubmedArticleSet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
    <PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
    <ArticleTitle>Leak &secret;</ArticleTitle></Article></MedlineCitation></PubmedArticle>
    </PubmedArticleSet>"""
    (record,) = list(pubmed_xml.parse(io.BytesIO(xml)))
    assert isinstance(record, Record)
    assert "root:" not in record.title


def test_sniff() -> None:
    assert pubmed_xml.sniff((SAMPLES / "pubmed1.xml").read_bytes()[:1024])
    assert pubmed_xml.sniff((SAMPLES / "medline16n0902.xml.gz").read_bytes()[:1024])
    assert pubmed_xml.sniff(gzip.compress(b"<?xml version='1.0'?><PubmedArticleSet>"))
    assert not pubmed_xml.sniff(b"<?xml version='1.0'?><rss version='2.0'>")
    assert not pubmed_xml.sniff(b"PMID- 1\nTI  - x\n")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux /proc")
def test_large_file_streams_in_little_memory(tmp_path: Path) -> None:
    """A 30 MB file parsed in a fresh interpreter: peak RSS stays far below what the whole
    tree would need (about 8x the file size in lxml), so articles are freed as they go."""
    path = tmp_path / "big.xml"
    with path.open("wb") as handle:
        for chunk in synthetic_pubmed_articles(10_000):
            handle.write(chunk)
    assert path.stat().st_size > 25_000_000
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from socialmission.bibliography import pubmed_xml
        from socialmission.bibliography.record import Record
        with open({str(path)!r}, "rb") as handle:
            count = sum(1 for r in pubmed_xml.parse(handle) if isinstance(r, Record))
        # VmHWM (peak RSS of this image); getrusage's maxrss would include pytest's own peak,
        # which Linux carries over the exec.
        status = Path("/proc/self/status").read_text()
        peak_kb = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
        print(count, peak_kb // 1024)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    count, peak_mb = map(int, result.stdout.split())
    assert count == 10_000
    assert peak_mb < 100, f"peak RSS {peak_mb} MB for a 30 MB file: the tree is not being freed"


def test_the_throughput_benchmark_parses_every_record_it_makes() -> None:
    # The rate itself is a figure of `make bench` (bench/run.py), not a test: no test times.
    result = bench_pubmed_xml(300)
    assert result.records == 300


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_errors_never_an_exception(data: bytes) -> None:
    items = list(pubmed_xml.parse(io.BytesIO(b"<PubmedArticleSet>" + data)))
    assert all(isinstance(item, Record | RecordError) for item in items)


def test_articles_are_mapped_without_element_path_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each field is read from one pass over its parent's children, not by a ``find``: an
    ElementPath lookup per field (~40 an article) was most of the parser's time."""
    from lxml import _elementpath

    calls = {"n": 0}
    for name in ("find", "findtext", "findall", "iterfind"):
        original = getattr(_elementpath, name)

        def counted(*args: object, _original: object = original, **kwargs: object) -> object:
            calls["n"] += 1
            return _original(*args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(_elementpath, name, counted)
    data = b"".join(synthetic_pubmed_articles(50))
    records = [r for r in pubmed_xml.parse(io.BytesIO(data)) if isinstance(r, Record)]
    assert len(records) == 50
    assert records[0].doi == "10.5555/synthetic.10000000"
    assert calls["n"] == 0


def test_only_the_first_of_a_single_element_counts_and_every_list_entry_does() -> None:
    xml = b"""<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>7</PMID><Article>
    <Journal><ISSN>1111-2222</ISSN><ISSN>3333-4444</ISSN><JournalIssue><Volume>3</Volume>
    <PubDate><Year>2001</Year><Month>02</Month><Day>3</Day></PubDate></JournalIssue>
    <Title>J</Title></Journal><ArticleTitle>First.</ArticleTitle><ArticleTitle>Second</ArticleTitle>
    <ELocationID EIdType="pii">S1</ELocationID><ELocationID EIdType="doi"> </ELocationID>
    <ELocationID EIdType="doi">10.1000/Two</ELocationID>
    <PublicationTypeList><PublicationType>Journal Article</PublicationType></PublicationTypeList>
    <PublicationTypeList><PublicationType>Dataset</PublicationType></PublicationTypeList>
    </Article><KeywordList><Keyword>a</Keyword></KeywordList>
    <KeywordList Owner="NLM"><Keyword>b</Keyword><Keyword>a</Keyword></KeywordList>
    </MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    (record,) = list(pubmed_xml.parse(io.BytesIO(xml)))
    assert isinstance(record, Record)
    assert (record.title, record.issn, record.volume) == ("First", "1111-2222", "3")
    assert (record.year, record.month, record.day) == (2001, 2, 3)
    assert record.doi == "10.1000/Two"
    assert record.type == "dataset"
    assert record.keywords == ["a", "b"]
    assert record.extra["publication_types"] == "Journal Article; Dataset"
