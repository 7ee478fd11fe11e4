"""Throughput benchmarks for the bibliography parsers (called by ``make bench``).

``bench_pubmed_xml(n)`` builds ``n`` synthetic but realistic PubmedArticle records in memory
(authors, structured abstract with inline markup, MeSH, keywords, ids) and times
``pubmed_xml.parse`` over them. ``synthetic_pubmed_articles`` is also what the tests use to
write a large file and check that parsing streams.

Run directly: ``python -m socialmission.bibliography.benchmarks --n 20000``.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from socialmission.bibliography import pubmed_xml
from socialmission.bibliography.record import Record

_HEADER = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)
_FOOTER = b"</PubmedArticleSet>\n"

_ARTICLE = """<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>
<Article PubModel="Print"><Journal><ISSN IssnType="Print">0003-4819</ISSN><JournalIssue CitedMedium="Print">
<Volume>{volume}</Volume><Issue>{issue}</Issue><PubDate><Year>{year}</Year><Month>Jun</Month></PubDate></JournalIssue>
<Title>Annals of internal medicine</Title><ISOAbbreviation>Ann Intern Med</ISOAbbreviation></Journal>
<ArticleTitle>Social mission of health professions schools, study {pmid}: <i>community</i> outcomes.</ArticleTitle>
<Pagination><MedlinePgn>{first_page}-{last_page}</MedlinePgn></Pagination>
<ELocationID EIdType="doi" ValidYN="Y">10.5555/synthetic.{pmid}</ELocationID>
<Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Schools differ in how many graduates
practise in underserved areas and primary care (n = {pmid}).</AbstractText>
<AbstractText Label="METHODS" NlmCategory="METHODS">We compared graduates of {volume} schools using
national workforce data, H<sub>2</sub> models and mixed effects.</AbstractText>
<AbstractText Label="RESULTS" NlmCategory="RESULTS">Community-based schools ranked higher.</AbstractText></Abstract>
<AuthorList CompleteYN="Y">{authors}<Author ValidYN="Y"><CollectiveName>Social Mission Study Group</CollectiveName></Author></AuthorList>
<Language>eng</Language><PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>
</PublicationTypeList></Article><MedlineJournalInfo><Country>United States</Country><MedlineTA>Ann Intern Med</MedlineTA>
</MedlineJournalInfo><MeshHeadingList>
<MeshHeading><DescriptorName UI="D004501" MajorTopicYN="Y">Education, Medical</DescriptorName></MeshHeading>
<MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans</DescriptorName></MeshHeading>
<MeshHeading><DescriptorName UI="D011320" MajorTopicYN="N">Primary Health Care</DescriptorName></MeshHeading>
</MeshHeadingList><KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">social mission</Keyword>
<Keyword MajorTopicYN="N">health equity</Keyword></KeywordList></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId><ArticleId IdType="doi">10.5555/synthetic.{pmid}</ArticleId>
<ArticleId IdType="pmc">PMC{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>
"""

_AUTHOR = (
    '<Author ValidYN="Y"><LastName>{family}</LastName><ForeName>{given}</ForeName>'
    "<Initials>{initials}</Initials><AffiliationInfo><Affiliation>Department of Health Policy, "
    "George Washington University, Washington, DC, USA.</Affiliation></AffiliationInfo></Author>"
)
_PEOPLE = [
    ("Mullan", "Fitzhugh", "F"),
    ("Chen", "Candice", "C"),
    ("Petterson", "Stephen", "S"),
    ("Kolsky", "Gretchen", "G"),
    ("Spagnola", "Michael", "M"),
]


def synthetic_pubmed_articles(n: int, first_pmid: int = 10_000_000) -> Iterator[bytes]:
    """The bytes of a PubmedArticleSet with ``n`` articles, in chunks (one article each)."""
    yield _HEADER
    for index in range(n):
        count = 1 + index % len(_PEOPLE)
        authors = "".join(
            _AUTHOR.format(family=f, given=g, initials=i) for f, g, i in _PEOPLE[:count]
        )
        yield _ARTICLE.format(
            pmid=first_pmid + index,
            volume=100 + index % 80,
            issue=1 + index % 12,
            year=1990 + index % 35,
            first_page=100 + index % 700,
            last_page=110 + index % 700,
            authors=authors,
        ).encode()
    yield _FOOTER


@dataclass(frozen=True)
class BenchResult:
    """What one benchmark run measured."""

    name: str
    records: int
    megabytes: float
    seconds: float

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else float("inf")

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.records} records ({self.megabytes:.1f} MB) in "
            f"{self.seconds:.2f} s = {self.records_per_second:,.0f} records/s"
        )


def bench_pubmed_xml(
    n: int = 10_000, clock: Callable[[], float] = time.perf_counter
) -> BenchResult:
    """Parse ``n`` synthetic PubmedArticle records held in memory; time the parse only.

    ``clock`` is wall time by default; tests pass ``time.process_time`` so that other work on
    a busy machine does not count against the parser.
    """
    data = b"".join(synthetic_pubmed_articles(n))
    started = clock()
    parsed = sum(1 for item in pubmed_xml.parse(io.BytesIO(data)) if isinstance(item, Record))
    seconds = clock() - started
    if parsed != n:
        raise RuntimeError(f"expected {n} records, parsed {parsed}")
    return BenchResult("pubmed_xml", parsed, len(data) / 1_000_000, seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="number of synthetic records")
    args = parser.parse_args(argv)
    print(bench_pubmed_xml(args.n))


if __name__ == "__main__":
    main()
