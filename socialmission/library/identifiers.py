"""Identifiers a reader types in the search box or a client passes as a filter.

A DOI (bare, ``doi:``, or a doi.org URL, any case), a PMID (7 or 8 bare digits, ``PMID: …``, or a
PubMed URL), a PMCID (``PMC…`` or a PMC URL) or an ISBN (10 or 13 digits, hyphens allowed, valid
check digit) is recognised only when it is the whole query, so words and years are never taken
for one. ``resolve`` finds the published resources that carry it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from socialmission.bibliography.text import normalize_doi, normalize_pmcid
from socialmission.library.models import Resource

# At most this many resources are returned for one identifier, and at most this many
# resources that mention an ISBN are read to find one (an ISBN has no column of its own).
MAX_MATCHES = 50
MAX_ISBN_CANDIDATES = 2_000

_DOI = re.compile(
    r"^(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$",
    re.IGNORECASE,
)
_PMID_BARE = re.compile(r"^\d{7,8}$")
_PMID_LABELLED = re.compile(r"^pmid\s*:?\s*(\d{1,9})$", re.IGNORECASE)
_PMID_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/"
    r"(\d{1,9})/?(?:[?#]\S*)?$",
    re.IGNORECASE,
)
_PMCID = re.compile(
    r"^(?:pmcid\s*:?\s*)?(?:https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/articles|"
    r"pmc\.ncbi\.nlm\.nih\.gov/articles)/)?(PMC\d{1,10})/?$",
    re.IGNORECASE,
)
_ISBN = re.compile(r"^(?:isbn(?:-1[03])?\s*:?\s*)?([0-9][0-9\- ]{8,16}[0-9Xx])$", re.IGNORECASE)
_ISBN_IN_TEXT = re.compile(r"(?<![0-9])(97[89][0-9\- ]{10,14}[0-9]|[0-9][0-9\- ]{8,11}[0-9Xx])")


@dataclass(frozen=True)
class Identifier:
    kind: str  # "doi" | "pmid" | "pmcid" | "isbn"
    value: str  # normalised: bare DOI as written (matched case-insensitively), PMID digits, "PMC…", ISBN-13 digits


def parse(text: str) -> Identifier | None:
    """The identifier that ``text`` is, as a whole; None for anything else."""
    value = " ".join(text.split())
    if not value or len(value) > 300:
        return None
    match = _DOI.match(value)
    if match:
        doi = normalize_doi(match.group(1))
        return Identifier("doi", doi) if doi else None
    for pattern in (_PMID_LABELLED, _PMID_URL):
        match = pattern.match(value)
        if match:
            return Identifier("pmid", match.group(1).lstrip("0") or "0")
    if _PMID_BARE.match(value):
        return Identifier("pmid", value.lstrip("0"))
    match = _PMCID.match(value)
    if match:
        return Identifier("pmcid", normalize_pmcid(match.group(1)))
    match = _ISBN.match(value)
    if match:
        isbn = isbn13(match.group(1))
        return Identifier("isbn", isbn) if isbn else None
    return None


def parse_as(kind: str, text: str) -> Identifier | None:
    """``text`` read as an identifier of ``kind`` (API filters name the kind)."""
    found = parse(text)
    if kind == "pmid" and found is None and text.strip().isdigit():
        found = Identifier("pmid", text.strip().lstrip("0") or "0")
    return found if found is not None and found.kind == kind else None


def isbn13(text: str) -> str:
    """The ISBN-13 digits of an ISBN-10 or ISBN-13 with a valid check digit; "" otherwise."""
    digits = re.sub(r"[\s\-]", "", text).upper()
    if re.fullmatch(r"[0-9]{9}[0-9X]", digits):
        total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(digits))
        if total % 11:
            return ""
        digits = "978" + digits[:9]
        return digits + str(
            (10 - sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))) % 10
        )
    if re.fullmatch(r"97[89][0-9]{10}", digits):
        if sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10:
            return ""
        return digits
    return ""


def resolve(identifier: Identifier) -> list[int]:
    """Ids of the published resources that carry ``identifier``, lowest first."""
    published = Resource.objects.published()
    if identifier.kind == "doi":
        rows = published.filter(doi__iexact=identifier.value)
    elif identifier.kind == "pmid":
        rows = published.filter(pmid=identifier.value)
    elif identifier.kind == "pmcid":
        mention = re.compile(rf"\b{identifier.value}\b", re.IGNORECASE)
        candidates = published.filter(
            Q(url__icontains=identifier.value) | Q(keywords__icontains=identifier.value)
        ).values_list("id", "url", "keywords")[:MAX_MATCHES]
        return sorted(pk for pk, *texts in candidates if any(mention.search(t) for t in texts))
    else:
        return _resolve_isbn(identifier.value)
    return list(rows.order_by("id").values_list("id", flat=True)[:MAX_MATCHES])


def _resolve_isbn(isbn: str) -> list[int]:
    candidates = (
        Resource.objects.published()
        .filter(
            Q(venue__icontains="isbn") | Q(keywords__icontains="isbn") | Q(url__icontains="isbn")
        )
        .order_by("id")
        .values_list("id", "venue", "keywords", "url")[:MAX_ISBN_CANDIDATES]
    )
    found = []
    for pk, *texts in candidates:
        numbers = {isbn13(m) for text in texts for m in _ISBN_IN_TEXT.findall(text)}
        if isbn in numbers:
            found.append(pk)
    return found[:MAX_MATCHES]
