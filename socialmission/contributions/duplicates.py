"""Finding resources the library already holds that look like a suggestion.

Three signals, strongest first: the same DOI (compared after normalisation, so case and
resolver prefixes do not matter), the same PMID, and a nearly identical title (compared on
``normalize_title`` keys: case, punctuation, accents and stop words ignored). A title match
is only ever a warning for a human: two different works can share a title, so nothing here
merges anything, and a title match whose DOIs differ is reported as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from socialmission.bibliography.text import (
    doi_key,
    normalize_pmid,
    normalize_title,
    similarity,
)
from socialmission.library.models import Resource, ResourceQuerySet

# Keys at least this similar count as "nearly the same title" (typos, a dropped word).
TITLE_SIMILARITY = 0.9
MAX_CANDIDATES = 300


@dataclass(frozen=True)
class DuplicateMatch:
    resource: Resource
    reason: str  # "doi", "pmid", "title" or "title-different-doi"

    @property
    def explanation(self) -> str:
        return {
            "doi": "same DOI",
            "pmid": "same PubMed id",
            "title": "nearly the same title",
            "title-different-doi": "same title, but a different DOI: probably a different work",
        }[self.reason]


def titles_match(a: str, b: str) -> bool:
    key_a, key_b = normalize_title(a), normalize_title(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    return similarity(key_a, key_b) >= TITLE_SIMILARITY


def _title_candidates(key: str, queryset: ResourceQuerySet) -> list[Resource]:
    # The key has no accents or punctuation, so search the database for its longest words:
    # a near-identical title shares at least one of them. The final comparison is in Python.
    words = sorted(set(key.split()), key=len, reverse=True)[:3]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    return list(queryset.filter(condition)[:MAX_CANDIDATES])


def find_duplicates(
    *,
    doi: str = "",
    pmid: str = "",
    title: str = "",
    published_only: bool = True,
    exclude_pk: int | None = None,
) -> list[DuplicateMatch]:
    """Resources matching by DOI, PMID or title, strongest reason first, each resource once."""
    queryset = Resource.objects.select_related("resource_type")
    if published_only:
        queryset = queryset.published()
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)

    matches: dict[int, DuplicateMatch] = {}
    wanted_doi = doi_key(doi)
    if wanted_doi:
        # Stored DOIs may still carry a prefix ("https://doi.org/…"), hence contains + re-check.
        for resource in queryset.filter(doi__icontains=wanted_doi)[:MAX_CANDIDATES]:
            if doi_key(resource.doi) == wanted_doi:
                matches.setdefault(resource.pk, DuplicateMatch(resource, "doi"))
    wanted_pmid = normalize_pmid(pmid)
    if wanted_pmid:
        for resource in queryset.filter(pmid__contains=wanted_pmid)[:MAX_CANDIDATES]:
            if normalize_pmid(resource.pmid) == wanted_pmid:
                matches.setdefault(resource.pk, DuplicateMatch(resource, "pmid"))
    key = normalize_title(title)
    if key:
        for resource in _title_candidates(key, queryset):
            if resource.pk in matches or not titles_match(title, resource.title):
                continue
            other_doi = doi_key(resource.doi)
            different = bool(wanted_doi and other_doi and wanted_doi != other_doi)
            reason = "title-different-doi" if different else "title"
            matches[resource.pk] = DuplicateMatch(resource, reason)
    order = {"doi": 0, "pmid": 1, "title": 2, "title-different-doi": 3}
    return sorted(matches.values(), key=lambda m: (order[m.reason], m.resource.pk))


def flag_duplicates(
    items: Iterable[Any], *, published_only: bool = False
) -> dict[int, DuplicateMatch]:
    """For a list page: each item (by pk) whose DOI, PMID or title a resource shares.

    One query for the whole page, however many items: the same DOI or PMID, or a nearly
    identical title among the resources holding the title's longest word (the detail page
    searches wider). An item's own resource (the one it became) does not count.
    """
    items = list(items)
    condition = Q()
    for item in items:
        doi, pmid, words = doi_key(item.doi), normalize_pmid(item.pmid), _longest(item.title)
        if doi:
            condition |= Q(doi__icontains=doi)
        if pmid:
            condition |= Q(pmid__contains=pmid)
        if words:
            condition |= Q(title__icontains=words[0])
    if not condition:
        return {}
    queryset = Resource.objects.published() if published_only else Resource.objects.all()
    rows = queryset.filter(condition).only("pk", "title", "slug", "doi", "pmid", "status")
    candidates = [(r, normalize_title(r.title)) for r in rows[: MAX_CANDIDATES * 4]]
    flags: dict[int, DuplicateMatch] = {}
    for item in items:
        found = _first_match(item, candidates)
        if found is not None:
            flags[item.pk] = found
    return flags


def _longest(title: str) -> list[str]:
    return sorted(set(normalize_title(title).split()), key=len, reverse=True)[:1]


def _first_match(item: Any, candidates: list[tuple[Resource, str]]) -> DuplicateMatch | None:
    doi, pmid, key = doi_key(item.doi), normalize_pmid(item.pmid), normalize_title(item.title)
    own = getattr(item, "resource_id", None) if not isinstance(item, Resource) else item.pk
    tests = (
        ("doi", lambda r, _k: bool(doi) and doi_key(r.doi) == doi),
        ("pmid", lambda r, _k: bool(pmid) and normalize_pmid(r.pmid) == pmid),
        (
            "title",
            lambda _r, k: bool(key and k) and (k == key or similarity(k, key) >= TITLE_SIMILARITY),
        ),
    )
    for reason, same in tests:
        match = next((r for r, k in candidates if r.pk != own and same(r, k)), None)
        if match is not None:
            return DuplicateMatch(match, reason)
    return None
