"""PubMed XML (efetch ``PubmedArticleSet``, baseline/update files, the older
``MedlineCitationSet``, and ``PubmedBookArticle``): parse and sniff.

Parsing streams with ``lxml.etree.iterparse`` and frees every article once it is mapped, so a
100 MB baseline file needs memory for one article at a time, not for the whole tree. The DTD is
never loaded and entities are not resolved (no network, no XXE); libxml2's size and depth
limits stay on (no ``huge_tree``), since no PubMed record comes near them. Gzipped input is accepted here
too, although the format registry normally gunzips first.

Element reference: https://www.nlm.nih.gov/bsd/licensee/elements_descriptions.html
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from lxml import etree

from socialmission.bibliography.medline import (
    csl_type,
    language_code,
    mesh_keyword,
    strip_final_period,
)
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import (
    clean,
    month_number,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    parse_date,
    unique,
)

FORMAT = "pubmed_xml"

_ROOTS = ("PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet")
_RECORDS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")
_MATHML = "{http://www.w3.org/1998/Math/MathML}"
_SNIFF_RE = re.compile(
    rb"<(?:!DOCTYPE\s+)?(?:PubmedArticleSet|MedlineCitationSet|PubmedBookArticleSet)\b"
)


def sniff(head: bytes) -> bool:
    """True when the start of the file names a PubMed XML root (gzipped heads are opened)."""
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 8192)
        except zlib.error:
            return False
    return bool(_SNIFF_RE.search(head[:8192]))


def _children(element: etree._Element | None) -> dict[object, etree._Element]:
    """The first child of ``element`` of each tag, by tag (empty for no element).

    One pass over the children instead of one ``find`` per field: ElementPath lookups were
    most of the parser's time. PubMed's DTD allows each of these children once; where a list
    may repeat (authors, abstract sections, keyword lists, ids), the callers iterate it.
    """
    children: dict[object, etree._Element] = {}
    if element is not None:
        for child in element:
            children.setdefault(child.tag, child)
    return children


def _text(element: etree._Element | None) -> str:
    """All text inside ``element`` with inline markup (<i>, <sub>, MathML) flattened."""
    if element is None:
        return ""
    if len(element) == 0:
        text = element.text
        return " ".join(text.split()) if text else ""
    return clean("".join(_flatten(element)))


def _flatten(element: etree._Element) -> Iterator[str]:
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str) and child.tag.startswith(_MATHML):
            # MathML is pretty-printed one token per line; its layout whitespace is not text.
            yield "".join(part.strip() for part in child.itertext())
        else:
            yield from _flatten(child)
        yield child.tail or ""


def _names(author_list: etree._Element | None) -> list[Name]:
    names: list[Name] = []
    if author_list is None:
        return names
    for author in author_list.iterchildren("Author"):
        # ValidYN="N" marks a name the publisher got wrong and later corrected in the list.
        if author.get("ValidYN") == "N":
            continue
        parts = _children(author)
        collective = _text(parts.get("CollectiveName"))
        if collective:
            names.append(Name(literal=collective))
            continue
        family = _text(parts.get("LastName"))
        given = _text(parts.get("ForeName")) or _text(parts.get("Initials"))
        suffix = _text(parts.get("Suffix"))
        if suffix:
            given = f"{given}, {suffix}" if given else suffix
        if family:
            names.append(Name(family=family, given=given))
    return names


def _raw(element: etree._Element | None) -> str:
    """What ``findtext`` gives for a found or missing element: its text or ""."""
    return (element.text or "") if element is not None else ""


def _date(node: etree._Element | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from a PubDate-like element: Year/Month/Day or a MedlineDate string
    such as "2019 Jan-Feb" or "2015 Oct-Dec" (first month kept)."""
    if node is None:
        return None, None, None
    parts = _children(node)
    year_text = _raw(parts.get("Year"))
    if year_text:
        if len(year_text) == 4 and year_text.isascii() and year_text.isdigit():
            # What parse_date gives for a plain year, without its general parsing.
            year = int(year_text) if 1500 <= int(year_text) <= 2100 else None
        else:
            year, _, _ = parse_date(year_text)
        month_text = _raw(parts.get("Month"))
        month = month_number(month_text) if month_text else None
        day_text = clean(_raw(parts.get("Day")))
        day = int(day_text) if month and day_text.isdigit() and 1 <= int(day_text) <= 31 else None
        return year, month, day
    return parse_date(_raw(parts.get("MedlineDate")))


def _abstract(abstract: etree._Element | None) -> str:
    if abstract is None:
        return ""
    parts: list[str] = []
    for section in abstract.iterchildren("AbstractText"):
        text = _text(section)
        if not text:
            continue
        label = clean(section.get("Label", ""))
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def _article_ids(pubmed_data: etree._Element | None) -> dict[str, str]:
    ids: dict[str, str] = {}
    if pubmed_data is None:
        return ids
    id_list = _children(pubmed_data).get("ArticleIdList")
    if id_list is None:
        return ids
    for article_id in id_list.iterchildren("ArticleId"):
        id_type = article_id.get("IdType", "")
        if id_type and id_type not in ids and article_id.text:
            ids[id_type] = clean(article_id.text)
    return ids


def _keywords(citation: etree._Element) -> tuple[list[str], list[str]]:
    """(keywords, MeSH headings): author keywords, then MeSH descriptors."""
    mesh = []
    for heading_list in citation.iterchildren("MeshHeadingList"):
        for heading in heading_list.iterchildren("MeshHeading"):
            for descriptor in heading.iterchildren("DescriptorName"):
                text = _text(descriptor)
                if text:
                    mesh.append(text)
    author_keywords = [
        _text(keyword)
        for keyword_list in citation.iterchildren("KeywordList")
        for keyword in keyword_list.iterchildren("Keyword")
    ]
    return unique([mesh_keyword(m) for m in mesh] + author_keywords), mesh


def _at(node: etree._Element | None, path: str) -> str:
    """The clean text at ``path`` under ``node`` ("" when either is missing)."""
    return clean(node.findtext(path) or "") if node is not None else ""


def _find(node: etree._Element | None, path: str) -> etree._Element | None:
    return node.find(path) if node is not None else None


# Record attribute -> (path under a BookDocument's Book, cleaner).
_BOOK_FIELDS: dict[str, tuple[str, Callable[[str], str]]] = {
    "publisher": ("Publisher/PublisherName", clean),
    "publisher_place": ("Publisher/PublisherLocation", clean),
    "isbn": ("Isbn", clean),
}


def _article_title(parts: dict[object, etree._Element]) -> str:
    title = strip_final_period(_text(parts.get("ArticleTitle")))
    if not title or title in ("[Not Available]", "Not Available"):
        title = strip_final_period(_text(parts.get("VernacularTitle")))
    return title


def _pages(pagination: etree._Element | None) -> str:
    parts = _children(pagination)
    pages = clean(_raw(parts.get("MedlinePgn")))
    start, end = clean(_raw(parts.get("StartPage"))), clean(_raw(parts.get("EndPage")))
    return pages or (f"{start}-{end}" if start and end else start)


def _article_doi(article: etree._Element, ids: dict[str, str]) -> str:
    for location in article.iterchildren("ELocationID"):
        if location.get("EIdType") == "doi":
            doi = normalize_doi(location.text or "")
            if doi:
                return doi
    return normalize_doi(ids.get("doi", ""))


def _citation_extra(short: str, publication_types: list[str], mesh: list[str]) -> dict[str, str]:
    extra = {
        "container_title_short": short,
        "publication_types": "; ".join(publication_types),
        "mesh": "; ".join(mesh),
    }
    return {key: value for key, value in extra.items() if value}


def _citation_record(
    citation: etree._Element, pubmed_data: etree._Element | None, position: str
) -> Record | RecordError:
    """Map a MedlineCitation (with its PubmedData sibling when there is one)."""
    parts = _children(citation)
    pmid = normalize_pmid(_raw(parts.get("PMID")))
    article = parts.get("Article")
    if article is None:
        return RecordError(position=position, reason=f"PMID {pmid or '?'} has no <Article>")
    fields = _children(article)
    title = _article_title(fields)
    if not title:
        return RecordError(position=position, reason=f"PMID {pmid or '?'} has no ArticleTitle")
    journal = _children(fields.get("Journal"))
    issue = _children(journal.get("JournalIssue"))
    year, month, day = _date(issue.get("PubDate"))
    if year is None:
        year, month, day = _date(fields.get("ArticleDate"))
    medline_ta = clean(_raw(_children(parts.get("MedlineJournalInfo")).get("MedlineTA")))
    ids = _article_ids(pubmed_data)
    publication_types = [
        _text(publication_type)
        for type_list in article.iterchildren("PublicationTypeList")
        for publication_type in type_list.iterchildren("PublicationType")
    ]
    keywords, mesh = _keywords(citation)
    return Record(
        title=title,
        type=csl_type(publication_types),
        authors=_names(fields.get("AuthorList")),
        year=year,
        month=month,
        day=day,
        container_title=_text(journal.get("Title")) or medline_ta,
        volume=clean(_raw(issue.get("Volume"))),
        issue=clean(_raw(issue.get("Issue"))),
        pages=_pages(fields.get("Pagination")),
        doi=_article_doi(article, ids),
        pmid=pmid,
        pmcid=normalize_pmcid(ids.get("pmc", "")),
        issn=clean(_raw(journal.get("ISSN"))),
        abstract=_abstract(fields.get("Abstract")),
        keywords=keywords,
        language=language_code(_raw(fields.get("Language"))),
        id=f"pmid:{pmid}" if pmid else "",
        source=f"{FORMAT} {position}",
        extra=_citation_extra(medline_ta, publication_types, mesh),
    )


def _book_people(document: etree._Element, book: etree._Element | None) -> list[Name]:
    authors = _names(document.find("AuthorList[@Type='authors']")) or _names(
        document.find("AuthorList")
    )
    return authors or _names(_find(book, "AuthorList[@Type='authors']"))


def _book_record(book_article: etree._Element, position: str) -> Record | RecordError:
    """Map a PubmedBookArticle (NCBI Bookshelf): a whole book or a chapter of one."""
    document = book_article.find("BookDocument")
    if document is None:
        return RecordError(position=position, reason="PubmedBookArticle without <BookDocument>")
    pmid = normalize_pmid(document.findtext("PMID") or "")
    book = document.find("Book")
    book_title = strip_final_period(_text(_find(book, "BookTitle")))
    chapter_title = strip_final_period(_text(document.find("ArticleTitle")))
    title = chapter_title or book_title
    if not title:
        return RecordError(position=position, reason=f"PMID {pmid or '?'} has no title")
    year, month, day = _date(_find(book, "PubDate"))
    ids = _article_ids(book_article.find("PubmedBookData"))
    record = Record(
        title=title,
        type="chapter" if chapter_title and book_title else "book",
        authors=_book_people(document, book),
        editors=_names(_find(book, "AuthorList[@Type='editors']")),
        year=year,
        month=month,
        day=day,
        container_title=book_title if chapter_title else "",
        doi=normalize_doi(ids.get("doi", "")),
        pmid=pmid,
        pmcid=normalize_pmcid(ids.get("pmc", "")),
        abstract=_abstract(document.find("Abstract")),
        language=language_code(document.findtext("Language") or ""),
        id=f"pmid:{pmid}" if pmid else "",
        source=f"{FORMAT} {position}",
    )
    for attribute, (path, cleaner) in _BOOK_FIELDS.items():
        setattr(record, attribute, cleaner(_at(book, path)))
    return record


def _free(element: etree._Element) -> None:
    """Drop a mapped article and the already-processed siblings before it from the tree."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _gunzipped(stream: BinaryIO) -> BinaryIO:
    """``stream`` itself, or a decompressing view of it when it starts with the gzip magic."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = peek(2)[:2]
    elif stream.seekable():
        position = stream.tell()
        head = stream.read(2)
        stream.seek(position)
    else:
        head = b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
    return stream


def parse(stream: BinaryIO) -> Iterator[Record | RecordError]:
    """Stream records out of a PubMed XML file (gzipped or not)."""
    stream = _gunzipped(stream)
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=_ROOTS + _RECORDS,
        load_dtd=False,
        no_network=True,
        resolve_entities=False,
        remove_comments=True,
    )
    counts = {name: 0 for name in _RECORDS}
    root_seen = False
    try:
        for event, element in events:
            tag = element.tag
            if event == "start":
                if tag in _ROOTS:
                    root_seen = True
                continue
            if tag in _ROOTS:
                continue
            if tag == "MedlineCitation":
                # Inside a PubmedArticle the citation is mapped with its parent, not alone.
                parent = element.getparent()
                if parent is not None and parent.tag == "PubmedArticle":
                    continue
                counts[tag] += 1
                yield _citation_record(element, None, f"{tag} {counts[tag]}")
            elif tag == "PubmedArticle":
                counts[tag] += 1
                position = f"{tag} {counts[tag]}"
                parts = _children(element)
                citation = parts.get("MedlineCitation")
                if citation is None:
                    yield RecordError(
                        position=position, reason="PubmedArticle without <MedlineCitation>"
                    )
                else:
                    yield _citation_record(citation, parts.get("PubmedData"), position)
            else:
                counts[tag] += 1
                yield _book_record(element, f"{tag} {counts[tag]}")
            _free(element)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or "?"
        yield RecordError(position=f"line {line}", reason=f"the XML is not well-formed: {exc.msg}")
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield RecordError(position="file", reason=f"the file could not be read: {exc}")
        return
    if not root_seen:
        root = getattr(events, "root", None)
        found = f"<{root.tag}>" if root is not None else "no XML element"
        yield RecordError(
            position="line 1",
            reason=f"not PubMed XML: the document root is {found}, expected <PubmedArticleSet> "
            "or <MedlineCitationSet>",
        )
