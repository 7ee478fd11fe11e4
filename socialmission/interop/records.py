"""The bridge between library resources (ORM) and neutral bibliographic Records (pure).

Owns the one mapping in each direction:

- ``resource_to_record(resource)``: what every export, feed and page-metadata block starts from.
- ``records_for(queryset)``: the same for many resources, with vocabularies prefetched and rows
  read in chunks, so exporting the whole library stays flat in memory and queries.
- ``record_fields_for_resource(record)``: the concrete ``Resource`` field values an imported
  Record gives, cleaned and cut to the column sizes (vocabularies are resolved by the importer,
  which knows the database; see ``record_vocabulary_names``).

Where a resource's "venue" goes: for works that live inside a container (articles, web pages,
chapters) it is the CSL ``container-title``; for works that stand alone (books, reports,
datasets, documents, videos) it is the ``publisher``. Going back, venue is the container title,
or the publisher when there is none, so a round trip through any format keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import CharField, QuerySet, TextField

from socialmission.bibliography.record import STANDALONE_CSL_TYPES, Name, Record
from socialmission.bibliography.text import (
    clean,
    normalize_doi,
    normalize_pmid,
    unique,
)
from socialmission.library.facets import FACETS
from socialmission.library.fields import RECORD_NAMES, Use, fields_for
from socialmission.library.models import Resource

CHUNK_SIZE = 2000

# Column sizes of ``Resource``; values are cut to these so PostgreSQL never refuses a row.
_MAX_LENGTHS: dict[str, int] = {
    f.name: f.max_length or 0 for f in Resource._meta.concrete_fields if f.max_length
}
# Fields with a shape of their own in the Record; every other field of ``Use.EXPORT`` goes to
# the Record attribute of its name (``fields.RECORD_NAMES``), else into ``Record.extra``.
_SPECIAL_FIELDS = frozenset({"authors", "venue", "year", "doi", "pmid", "url", "keywords"})

_url_validator = URLValidator(schemes=["http", "https"])


def record_id(resource: Resource) -> str:
    """The stable record id of a resource in exports (a BibTeX key, a CSL-JSON id)."""
    return f"smrl{resource.pk}"


def name_from_json(author: Any) -> Name | None:
    if not isinstance(author, dict):
        text = clean(author)
        return Name(literal=text) if text else None
    literal = clean(author.get("literal"))
    family = clean(author.get("family"))
    given = clean(author.get("given"))
    if literal:
        return Name(literal=literal)
    if family or given:
        return Name(family=family, given=given)
    return None


def name_to_json(name: Name) -> dict[str, str] | None:
    if name.literal:
        return {"literal": clean(name.literal)}
    family, given = clean(name.family), clean(name.given)
    if not family and not given:
        return None
    # A name with only a given part is a single-word name; keep it as the family name.
    if not family:
        return {"family": given, "given": ""}
    return {"family": family, "given": given}


def resource_to_record(resource: Resource) -> Record:
    """The neutral Record of one resource (vocabularies as names, in their display order).

    Reads every facet's relation (``library.facets``); use ``records_for`` for many
    resources so those come prefetched. A facet the Record has no attribute for goes into
    ``Record.tags`` under its field name.
    """
    csl_type = resource.resource_type.csl_type or "article-journal"
    standalone = csl_type in STANDALONE_CSL_TYPES
    authors = [n for n in (name_from_json(a) for a in (resource.authors or [])) if n]
    record = Record(
        id=record_id(resource),
        type=csl_type,
        authors=authors,
        year=resource.year,
        container_title="" if standalone else resource.venue,
        publisher=resource.venue if standalone else "",
        doi=resource.doi,
        pmid=resource.pmid,
        url=resource.url,
        keywords=resource.keyword_list(),
        source=f"resource {resource.pk}",
        **_facet_names(resource),
    )
    for name in fields_for(Use.EXPORT):
        if name in _SPECIAL_FIELDS:
            continue
        value = getattr(resource, name)
        attribute = RECORD_NAMES.get(name, name)
        if attribute in _RECORD_ATTRIBUTES:
            setattr(record, attribute, value)
        elif value not in (None, ""):
            record.extra[attribute] = str(value)
    return record


_RECORD_ATTRIBUTES = frozenset(Record.__dataclass_fields__)


def _facet_names(resource: Resource) -> dict[str, Any]:
    """Each facet's term names: a Record attribute when it has one, else under ``tags``."""
    values: dict[str, Any] = {}
    tags: dict[str, list[str]] = {}
    for facet in FACETS:
        value = getattr(resource, facet.field)
        names: Any
        if facet.multiple:
            names = [term.name for term in _ordered(value.all())]
        else:
            names = value.name if value is not None else ""
        if facet.field in _RECORD_ATTRIBUTES:
            values[facet.field] = names
        else:
            tags[facet.field] = names if facet.multiple else [names] if names else []
    return {**values, "tags": tags}


def _ordered(terms: Iterable[Any]) -> list[Any]:
    # Sorted in Python so a prefetched relation is not queried again.
    return sorted(terms, key=lambda term: (term.position, term.name))


def records_for(queryset: QuerySet[Resource], *, chunk_size: int = CHUNK_SIZE) -> Iterator[Record]:
    """Records for every resource of ``queryset``, in its order, read ``chunk_size`` at a time.

    Each chunk costs one query for the resources and one per vocabulary relation, whatever
    the size of the library.
    """
    resources = queryset.select_related(*(f.field for f in FACETS.single())).prefetch_related(
        *(f.field for f in FACETS.multiple())
    )
    for resource in resources.iterator(chunk_size=chunk_size):
        yield resource_to_record(resource)


def _cut(field_name: str, value: str) -> str:
    limit = _MAX_LENGTHS[field_name]
    return value[:limit] if limit else value


def _valid_url(value: str) -> str:
    url = clean(value)
    if not url or len(url) > _MAX_LENGTHS["url"]:
        return ""
    try:
        _url_validator(url)
    except ValidationError:
        return ""
    return url


class ResourceFields:
    """``record_fields_for_resource`` with the field list worked out once, for an importer
    that maps thousands of records (looking the fields up again per record was a tenth of an
    import). Make one per import: the list follows the facets registered at that time."""

    def __init__(self) -> None:
        # (field, its Record attribute or ``extra`` key, which of the two, is text, column size)
        self.plan: list[tuple[str, str, bool, bool, int]] = []
        for name in fields_for(Use.EXPORT):
            if name in _SPECIAL_FIELDS or name == "description":
                continue
            attribute = RECORD_NAMES.get(name, name)
            model_field = Resource._meta.get_field(name)
            self.plan.append(
                (
                    name,
                    attribute,
                    attribute in _RECORD_ATTRIBUTES,
                    isinstance(model_field, CharField | TextField),
                    _MAX_LENGTHS.get(name, 0),
                )
            )
        self.names = fields_for(Use.EXPORT)

    def __call__(self, record: Record) -> dict[str, Any]:
        # An edited volume without authors is listed under its editors, as citations do.
        authors = [a for a in (name_to_json(n) for n in record.authors or record.editors) if a]
        venue = clean(record.container_title) or clean(record.publisher)
        year = record.year if isinstance(record.year, int) and 1 <= record.year <= 32767 else None
        values: dict[str, Any] = {
            "authors": authors,
            "year": year,
            "venue": _cut("venue", venue),
            "doi": _cut("doi", normalize_doi(record.doi)),
            "pmid": _cut("pmid", normalize_pmid(record.pmid)),
            "url": _valid_url(record.url) if record.url else "",
            "keywords": "; ".join(unique(clean(k).replace(";", ",") for k in record.keywords)),
            # Abstracts keep their paragraph breaks; only the ends are trimmed.
            "description": (record.abstract or "").strip(),
        }
        extra = record.extra
        for name, attribute, is_attribute, is_text, limit in self.plan:
            value = getattr(record, attribute) if is_attribute else extra.get(attribute, "")
            if is_text:
                text = " ".join(str(value).split()) if value is not None else ""
                values[name] = text[:limit] if limit else text
            else:
                values[name] = value if value not in ("", None) else None
        # In model order, as callers have always had them.
        return {name: values[name] for name in self.names}


def record_fields_for_resource(record: Record) -> dict[str, Any]:
    """The ``Resource`` field values a Record gives (concrete columns only, no relations).

    Identifiers are normalised (a bare DOI as registered, PMID digits); a URL that is not a valid
    http(s) address is dropped rather than stored; text is cut to the column sizes. Keys are
    always all present, with "" / None / [] for what the record lacks, so callers can tell
    "empty" from "unknown" by value.
    """
    return ResourceFields()(record)


def record_vocabulary_names(record: Record) -> dict[str, list[str]]:
    """The vocabulary term names a Record gives, by facet key (our own CSV export has them)."""
    names: dict[str, list[str]] = {}
    for facet in FACETS:
        value = (
            getattr(record, facet.field)
            if facet.field in _RECORD_ATTRIBUTES
            else record.tags.get(facet.field, [])
        )
        values = value if isinstance(value, list) else [value]
        names[facet.key] = unique(clean(v) for v in values if clean(v))
    return names
