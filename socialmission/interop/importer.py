"""The one importer: bibliographic Records in, library resources out, one file per transaction.

``import_records`` takes what a parser yields (``Record`` or ``RecordError``, in file order) and
returns an ``ImportReport``; ``import_file`` parses a stream first and turns a file nobody can read
into ``ImportFileError``. The command-line ``import`` and the curator upload page both call
``import_file``.

What the report's lists mean:

- **created**: a new resource (with the default tags, type and status).
- **updated**: the record matched a resource already in the library and brought values for
  fields that resource had empty (an abstract, a DOI, the volume…); those fields were filled.
  Nothing a curator wrote is ever overwritten, and tags are not touched.
- **duplicates**: the record matched a resource in the library and had nothing to add, or it
  repeated an earlier record of the same file (then it is ignored).
- **rejected**: a record the parser could not read, or one without a title; with its position.

Matching, in this order: the normalised DOI, the PMID, then the normalised title + year + first
author's family name (a title match is refused when both sides carry different DOIs or PMIDs:
those are two works, e.g. an article and its erratum).

A whole file is one ``transaction.atomic``: any exception, or the process being killed, leaves the
library as it was. A dry run does the same work inside the transaction and rolls it back, so its
report is exactly what a real run would say. A full disk (``core.diskfull``) becomes
``ImportDiskFull``, an ``ImportFileError`` whose one-line message the command and the upload
page show.

New resources are written in batches of plain bulk SQL (``_Writer``; the throughput target is
thousands of PubMed records per second), so no model signal fires for them: this module writes
their history rows (``simple_history``'s tables, tag relations included) itself and hands their
ids to ``library.signals.enqueue_resources`` for the search index. Updates go through
``Resource.save`` and get both the ordinary way. Imports run one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from django.db import DatabaseError, connection, models, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import slugify

from socialmission.accounts.models import User
from socialmission.bibliography.record import Record, RecordError
from socialmission.bibliography.text import (
    STOP_WORDS,
    normalize_doi,
    normalize_pmid,
    normalize_title,
    strip_accents,
)
from socialmission.core.diskfull import is_disk_full
from socialmission.interop.records import ResourceFields, record_vocabulary_names
from socialmission.library import signals
from socialmission.library.facets import FACETS, Facet
from socialmission.library.fields import Use, fields_for
from socialmission.library.models import Resource, ResourceType, Vocabulary

BATCH_SIZE = 500
# Tag relation rows per INSERT (four parameters each in the history copy).
TAG_ROWS_PER_INSERT = 1000
PROGRESS_EVERY = 100

# The resource type a record gets from its CSL type when neither the record nor the import
# names one. Types not listed fall back to the first resource type whose csl_type matches.
CSL_TYPE_TO_RESOURCE_TYPE = {
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "article",
    "review": "article",
    "report": "report",
    "book": "book",
    "chapter": "book",
    "dataset": "dataset",
    "motion_picture": "video",
    "broadcast": "video",
    "webpage": "website",
    "post-weblog": "website",
}
FALLBACK_RESOURCE_TYPE = "article"

# The fields an import fills in on a matched resource that has them blank (library/fields.py).
UPDATABLE_FIELDS = fields_for(Use.IMPORT)


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unknown format, unreadable, no records)."""


class ImportDiskFull(ImportFileError):
    """The disk filled up during the import; the transaction was rolled back."""

    def __init__(self, label: str = "") -> None:
        message = (
            "the server's disk is full, so nothing of this file was saved. "
            "Free some space (or ask the administrator to), then import it again."
        )
        super().__init__(f"{label}: {message}" if label else message[0].upper() + message[1:])


@contextmanager
def _disk_full_is_an_import_error() -> Iterator[None]:
    try:
        yield
    except (OSError, DatabaseError) as error:
        if is_disk_full(error):
            raise ImportDiskFull() from error
        raise


@dataclass(frozen=True)
class ImportDefaults:
    """Tags and type for the resources an import creates, by slug or name.

    ``resource_type`` is used when a record does not name a library type itself; ``tags``
    (many-valued facet key → terms) are added to every created resource, next to any tags the
    record itself carries.
    """

    tags: Mapping[str, Sequence[str]] = field(default_factory=dict)
    resource_type: str = ""


@dataclass
class ReportEntry:
    position: str
    title: str = ""
    resource_id: int | None = None
    # For "rejected": why; for "duplicates": what it matched; for "updated": the fields filled.
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool = False
    format: str = ""
    created: list[ReportEntry] = field(default_factory=list)
    updated: list[ReportEntry] = field(default_factory=list)
    duplicates: list[ReportEntry] = field(default_factory=list)
    rejected: list[ReportEntry] = field(default_factory=list)
    # About the file as a whole: how its encoding was guessed.
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.duplicates) + len(self.rejected)

    def summary(self) -> str:
        prefix = "Dry run, nothing saved: " if self.dry_run else ""
        return (
            f"{prefix}{self.total} records: {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.duplicates)} duplicates, "
            f"{len(self.rejected)} rejected"
        )


# ---------------------------------------------------------------------------------------------
# Vocabularies


class _Terms:
    """One vocabulary, looked up by slug or by (case-insensitive) name."""

    def __init__(self, model: type[Vocabulary]) -> None:
        self.label = model._meta.verbose_name
        self.by_key: dict[str, Vocabulary] = {}
        for term in model.objects.all():
            self.by_key[term.slug.casefold()] = term
            self.by_key[term.name.casefold()] = term

    def get(self, key: str) -> Vocabulary | None:
        return self.by_key.get(key.strip().casefold()) if key else None

    def require(self, key: str) -> Vocabulary:
        term = self.get(key)
        if term is None:
            choices = sorted({t.slug for t in self.by_key.values()})
            raise ValueError(f'Unknown {self.label} "{key}". Known: {", ".join(choices)}.')
        return term


# The facet whose term every resource needs; a record's CSL type chooses it when unnamed.
TYPE_FIELD = "resource_type"


@dataclass
class _Vocabularies:
    terms: dict[str, _Terms]  # facet key → its terms

    @classmethod
    def load(cls) -> _Vocabularies:
        return cls(terms={facet.key: _Terms(facet.vocabulary) for facet in FACETS})

    @property
    def types(self) -> _Terms:
        return self.terms[_type_facet().key]


def _type_facet() -> Facet:
    facet = FACETS.by_field(TYPE_FIELD)
    assert facet is not None  # declared in library.facets
    return facet


def validate_defaults(defaults: ImportDefaults) -> None:
    """Raise ValueError naming the first unknown tag or type (for forms and the command)."""
    _resolve_defaults(defaults, _Vocabularies.load())


@dataclass
class _ResolvedDefaults:
    tags: dict[str, list[Vocabulary]]  # many-valued facet key → terms
    resource_type: Vocabulary | None


def _resolve_defaults(defaults: ImportDefaults, vocab: _Vocabularies) -> _ResolvedDefaults:
    unknown = set(defaults.tags) - {facet.key for facet in FACETS.multiple()}
    if unknown:
        raise ValueError(f"No tag list named {', '.join(sorted(unknown))}.")
    return _ResolvedDefaults(
        tags={
            facet.key: [vocab.terms[facet.key].require(k) for k in defaults.tags.get(facet.key, ())]
            for facet in FACETS.multiple()
        },
        resource_type=(
            vocab.types.require(defaults.resource_type) if defaults.resource_type else None
        ),
    )


# ---------------------------------------------------------------------------------------------
# Duplicate matching


def _family_key(authors: list[dict[str, str]]) -> str:
    if not authors:
        return ""
    first = authors[0]
    name = first.get("family") or first.get("literal") or ""
    if name.isascii():
        # No accents to strip (strip_accents walks the name character by character).
        return name.casefold().strip()
    return strip_accents(name).casefold().strip()


_NON_ALNUM_ASCII = re.compile(r"[^a-z0-9]+")


def _normal_title(title: str) -> str:
    """``text.normalize_title``, with a fast path for ASCII titles (most of PubMed).

    For ASCII text casefolding is lowercasing, there are no accents to strip and "alphanumeric"
    is [a-z0-9], so the result is identical (a test checks it); the general function is about
    five times slower and dominated large imports.
    """
    if not title.isascii():
        return normalize_title(title)
    words = _NON_ALNUM_ASCII.sub(" ", title.lower()).split()
    return " ".join(w for w in words if w not in STOP_WORDS)


def _title_key(fields: dict[str, Any]) -> tuple[str, int | None, str] | None:
    title = _normal_title(fields["title"])
    if not title:
        return None
    return (title, fields["year"], _family_key(fields["authors"]))


@dataclass
class _Known:
    """What a match needs to know about a resource (in the library or created by this file)."""

    resource_id: int | None
    doi: str
    pmid: str
    # Set for resources created by this file: the record that created it.
    position: str = ""
    # For library resources: which of UPDATABLE_FIELDS are empty, so that a record with nothing
    # to add is known to be a duplicate without reading the resource.
    empty: frozenset[str] = frozenset()


class _Index:
    def __init__(self) -> None:
        self.by_doi: dict[str, _Known] = {}
        self.by_pmid: dict[str, _Known] = {}
        self.by_title: dict[tuple[str, int | None, str], _Known] = {}

    def add(self, known: _Known, title_key: tuple[str, int | None, str] | None) -> None:
        if known.doi:
            # Keyed case-insensitively: a DOI is stored as registered, compared in any case.
            self.by_doi.setdefault(known.doi.lower(), known)
        if known.pmid:
            self.by_pmid.setdefault(known.pmid, known)
        if title_key:
            self.by_title.setdefault(title_key, known)

    def find(
        self, fields: dict[str, Any], key: tuple[str, int | None, str] | None
    ) -> tuple[_Known, str] | None:
        # DOIs are stored as registered and compared case-insensitively.
        doi, pmid = fields["doi"].lower(), fields["pmid"]
        if doi and doi in self.by_doi:
            return self.by_doi[doi], f"DOI {doi}"
        if pmid and pmid in self.by_pmid:
            return self.by_pmid[pmid], f"PMID {pmid}"
        if key and key in self.by_title:
            known = self.by_title[key]
            conflicting = (doi and known.doi and doi != known.doi.lower()) or (
                pmid and known.pmid and pmid != known.pmid
            )
            if not conflicting:
                return known, "title, year and first author"
        return None

    @classmethod
    def of_library(cls) -> _Index:
        index = cls()
        text_fields = [
            name
            for name in UPDATABLE_FIELDS
            if isinstance(Resource._meta.get_field(name), models.CharField | models.TextField)
        ]
        lengths = {f"length_{name}": Length(name) for name in text_fields}
        rows = Resource.objects.annotate(**lengths).values_list(
            "pk", "doi", "pmid", "title", "year", "authors", *lengths
        )
        for pk, doi, pmid, title, year, authors, *sizes in rows.iterator(chunk_size=5000):
            empty = {name for name, size in zip(text_fields, sizes, strict=True) if not size}
            if not authors:
                empty.add("authors")
            if year is None:
                empty.add("year")
            known = _Known(
                resource_id=pk,
                doi=normalize_doi(doi),
                pmid=normalize_pmid(pmid),
                empty=frozenset(empty),
            )
            index.add(known, _title_key({"title": title, "year": year, "authors": authors or []}))
        return index


# ---------------------------------------------------------------------------------------------
# The import


@dataclass
class _Pending:
    """A resource to create, with its tags, waiting for the next batch write."""

    values: dict[str, Any]  # Resource attribute names (``resource_type_id`` …) → values
    entry: ReportEntry
    tags: dict[str, list[Vocabulary]]  # many-valued facet key → terms
    known: _Known


class _Writer:
    """Bulk SQL for new resources: rows, history rows and tag rows, a batch at a time.

    Plain parameterised SQL instead of ``bulk_create``: preparing model instances field by field
    was most of an import's time. Values go through each field's ``get_db_prep_save`` only where
    the database needs a conversion (JSON, dates); identifiers in the SQL are quoted names from
    the models' own metadata.
    """

    _PLAIN = (
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.ForeignKey,
        models.BooleanField,
    )

    def __init__(self) -> None:
        self.fields = [f for f in Resource._meta.concrete_fields if not f.primary_key]
        self.prepare = [None if isinstance(f, self._PLAIN) else f for f in self.fields]
        qn = connection.ops.quote_name
        self.qn = qn
        self.table = qn(Resource._meta.db_table)
        self.columns = ", ".join(qn(str(f.column)) for f in self.fields)
        self.row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        if not connection.features.can_return_rows_from_bulk_insert:
            # SQLite >= 3.35 and PostgreSQL can; Django 5.2 supports nothing older here.
            raise RuntimeError("The database cannot return ids from bulk inserts.")
        self.constants: dict[str, Any] = {}

    def _prepared(self, model_field: models.Field[Any, Any], value: Any) -> Any:
        index = self.fields.index(model_field)
        prepare = self.prepare[index]
        return value if prepare is None else prepare.get_db_prep_save(value, connection)

    def set_constants(self, values: dict[str, Any]) -> None:
        """Values every row of this import shares, converted for the database once."""
        self.constants = {
            f.attname: self._prepared(f, values[f.attname])
            for f in self.fields
            if f.attname in values
        }
        # A row starts as a copy of this; a record's own values then replace their columns.
        self.template = [self.constants.get(f.attname) for f in self.fields]
        self.position = {f.attname: index for index, f in enumerate(self.fields)}
        self.converted = [
            (f.attname, index, f)
            for index, (f, prepare) in enumerate(zip(self.fields, self.prepare, strict=True))
            if prepare is not None
        ]

    def _row(self, values: dict[str, Any]) -> list[Any]:
        row = self.template.copy()
        position = self.position
        for name, value in values.items():
            row[position[name]] = value
        for name, index, model_field in self.converted:
            if name in values:
                row[index] = model_field.get_db_prep_save(values[name], connection)
        return row

    def insert_resources(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert resource rows; their ids in the same order."""
        params: list[Any] = []
        for values in rows:
            params.extend(self._row(values))
        # Rows come back in VALUES order on SQLite and PostgreSQL; Django's bulk_create relies
        # on the same behaviour.
        sql = (
            f"INSERT INTO {self.table} ({self.columns}) VALUES "  # noqa: S608
            f"{', '.join([self.row] * len(rows))} RETURNING {self.qn('id')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def insert_history(
        self, ids: list[int], *, user: User | None, reason: str, date: Any
    ) -> dict[int, int]:
        """One "created" history row per resource, copied from its row by INSERT … SELECT;
        returns each resource's history id (by resource id), for the copies of its tag rows."""
        history_model = Resource.history.model  # type: ignore[attr-defined]
        own = {"history_id", "history_date", "history_change_reason", "history_type"}
        own.add("history_user_id")
        resource_columns = {f.column for f in Resource._meta.concrete_fields}
        copied = [
            f.column
            for f in history_model._meta.concrete_fields
            if f.attname not in own and f.column in resource_columns
        ]
        qn = self.qn
        columns = ", ".join(qn(c) for c in copied)
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"INSERT INTO {qn(history_model._meta.db_table)} ({columns}, {qn('history_date')}, "  # noqa: S608
            f"{qn('history_change_reason')}, {qn('history_type')}, {qn('history_user_id')}) "
            f"SELECT {columns}, %s, %s, %s, %s FROM {self.table} "
            f"WHERE {qn('id')} IN ({placeholders}) ORDER BY {qn('id')} "
            f"RETURNING {qn('id')}, {qn('history_id')}"
        )
        params = [
            connection.ops.adapt_datetimefield_value(date),
            reason[:100],
            "+",
            user.pk if user else None,
            *ids,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # Pairs, so nothing depends on the order RETURNING gives the rows in.
            return dict(cursor.fetchall())

    def insert_tags(
        self, facet: Facet, pairs: list[tuple[int, int]], history_ids: dict[int, int]
    ) -> None:
        """Rows of one tag relation, and their copies in the creation history rows.

        The relation rows' ids come back from their INSERT, so the copies are written from
        values in hand rather than by reading the rows just written back with a join.
        """
        if not pairs:
            return
        name = facet.field
        relation = Resource._meta.get_field(name)
        if relation.auto_created:
            # Declared on the vocabulary's side (another app's facet): not in Resource's history.
            through = relation.through  # type: ignore[union-attr]
            resource_column = relation.field.m2m_reverse_field_name()  # type: ignore[union-attr]
            term_column = relation.field.m2m_field_name()  # type: ignore[union-attr]
            through.objects.bulk_create(
                through(**{f"{resource_column}_id": pk, f"{term_column}_id": term})
                for pk, term in pairs
            )
            return
        qn = self.qn
        through = relation.remote_field.through  # type: ignore[union-attr]
        source = qn(relation.m2m_column_name())  # type: ignore[union-attr]
        target = qn(relation.m2m_reverse_name())  # type: ignore[union-attr]
        through_table = qn(through._meta.db_table)
        # simple_history keeps, per history row, a copy of the relation rows (with their ids).
        history_model = Resource.history.model  # type: ignore[attr-defined]
        m2m_history_table = qn(getattr(history_model, name).model._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(pairs), TAG_ROWS_PER_INSERT):
                part = pairs[start : start + TAG_ROWS_PER_INSERT]
                cursor.execute(
                    f"INSERT INTO {through_table} ({source}, {target}) VALUES "  # noqa: S608
                    + ", ".join(["(%s, %s)"] * len(part))
                    + f" RETURNING {qn('id')}, {source}, {target}",
                    [value for pair in part for value in pair],
                )
                # Sorted by the relation row's id: the order the join used to copy them in.
                written = sorted(cursor.fetchall())
                cursor.execute(
                    f"INSERT INTO {m2m_history_table} "  # noqa: S608
                    f"({qn('id')}, {source}, {target}, {qn('history_id')}) VALUES "
                    + ", ".join(["(%s, %s, %s, %s)"] * len(written)),
                    [
                        value
                        for row_id, pk, term in written
                        for value in (row_id, pk, term, history_ids[pk])
                    ],
                )


class _Importer:
    def __init__(
        self,
        *,
        defaults: _ResolvedDefaults,
        vocab: _Vocabularies,
        status: str,
        user: User | None,
        report: ImportReport,
        change_reason: str,
    ) -> None:
        self.defaults = defaults
        self.vocab = vocab
        self.status = status
        self.user = user
        self.report = report
        self.change_reason = change_reason
        self.library = _Index.of_library()
        self.this_file = _Index()
        self.pending: list[_Pending] = []
        self.unresolved: list[tuple[ReportEntry, _Known]] = []
        self.now = timezone.now()
        self.writer = _Writer()
        # Column values every resource of this import shares (model defaults included, since
        # rows are inserted without going through the model).
        self.constant_values: dict[str, Any] = {
            f.attname: f.get_default() for f in Resource._meta.concrete_fields if not f.primary_key
        }
        self.constant_values.update(
            status=self.status,
            published_at=self.now if self.status == Resource.Status.PUBLISHED else None,
            curated_by_id=self.user.pk if self.user else None,
            created_at=self.now,
            updated_at=self.now,
        )
        self.writer.set_constants(self.constant_values)
        # Worked out once per import rather than per record.
        self.resource_fields = ResourceFields()
        self.type_key = _type_facet().key
        self.types = self.vocab.types
        self.single_facets = [
            (
                facet,
                cast("models.ForeignKey[Any]", Resource._meta.get_field(facet.field)).attname,
                self.vocab.terms[facet.key],
            )
            for facet in FACETS.single()
        ]
        self.multiple_facets = [(facet, self.vocab.terms[facet.key]) for facet in FACETS.multiple()]
        # What a record without tags of its own gets: the default tags, shared by every such
        # record (the lists are only read, when the batch is written).
        self.default_tags = {
            facet.key: _merge(self.defaults.tags[facet.key], []) for facet in FACETS.multiple()
        }
        # The resource type of a record that names none, by its CSL type.
        self.type_by_csl: dict[str, Vocabulary] = {}

    def add(self, item: Record | RecordError, number: int) -> None:
        if isinstance(item, RecordError):
            self.report.rejected.append(ReportEntry(position=item.position, reason=item.reason))
            return
        position = item.source or f"record {number}"
        fields = self.resource_fields(item)
        if not fields["title"]:
            self.report.rejected.append(ReportEntry(position=position, reason="no title"))
            return
        title = fields["title"]

        key = _title_key(fields)
        earlier = self.this_file.find(fields, key)
        if earlier:
            known, how = earlier
            entry = ReportEntry(
                position=position,
                title=title,
                resource_id=known.resource_id,
                reason=f"same {how} as {known.position} of this file",
            )
            self.report.duplicates.append(entry)
            if known.resource_id is None:
                # Created by this file but not written yet: the id is filled in after the write.
                self.unresolved.append((entry, known))
            return

        match = self.library.find(fields, key)
        if match:
            known, how = match
            self._update(known, fields, how, position)
            # A later record of the same file matching this one is a duplicate of this one.
            self.this_file.add(
                _Known(known.resource_id, fields["doi"], fields["pmid"], position=position),
                key,
            )
            return

        self._create(item, fields, key, position)

    def _update(self, known: _Known, fields: dict[str, Any], how: str, position: str) -> None:
        fillable = [name for name in UPDATABLE_FIELDS if name in known.empty and fields[name]]
        if not fillable:
            self.report.duplicates.append(
                ReportEntry(
                    position=position,
                    title=fields["title"],
                    resource_id=known.resource_id,
                    reason=f"same {how} as resource {known.resource_id}",
                )
            )
            return
        assert known.resource_id is not None  # library resources always have one
        resource = Resource.objects.get(pk=known.resource_id)
        for name in fillable:
            setattr(resource, name, fields[name])
        resource._history_user = self.user  # type: ignore[attr-defined]
        resource._change_reason = self.change_reason  # type: ignore[attr-defined]
        resource.save()
        known.empty = known.empty - set(fillable)
        # Identifiers it gained now match later records too.
        if "doi" in fillable or "pmid" in fillable:
            known.doi, known.pmid = normalize_doi(resource.doi), normalize_pmid(resource.pmid)
            self.library.add(known, None)
        self.report.updated.append(
            ReportEntry(
                position=position,
                title=resource.title,
                resource_id=resource.pk,
                reason=f"matched resource {resource.pk} by {how}; filled {', '.join(fillable)}",
            )
        )

    def _with_defaults(self, key: str, found: list[Vocabulary]) -> list[Vocabulary]:
        """The import's default terms of a facet, then a record's own (without repeats)."""
        return _merge(self.defaults.tags[key], found) if found else self.default_tags[key]

    def _tags(self, terms: _Terms, names: list[str], warnings: list[str]) -> list[Vocabulary]:
        found = []
        for name in filter(None, names):
            term = terms.get(name)
            if term is None:
                warnings.append(f'unknown {terms.label} "{name}" ignored')
            else:
                found.append(term)
        return found

    def _resource_type(
        self, record: Record, names: dict[str, list[str]], warnings: list[str]
    ) -> Vocabulary:
        named = next(iter(names[self.type_key]), "")
        if named:
            term = self.types.get(named)
            if term is not None:
                return term
            warnings.append(f'unknown resource type "{named}" ignored')
        if self.defaults.resource_type is not None:
            return self.defaults.resource_type
        known = self.type_by_csl.get(record.type)
        if known is not None:
            return known
        slug = CSL_TYPE_TO_RESOURCE_TYPE.get(record.type)
        term = self.types.get(slug) if slug else None
        if term is None:
            term = next(
                (
                    t
                    for t in self.types.by_key.values()
                    if getattr(t, "csl_type", "") == record.type
                ),
                None,
            )
        term = term or self.types.require(FALLBACK_RESOURCE_TYPE)
        self.type_by_csl[record.type] = term
        return term

    def _create(
        self,
        record: Record,
        fields: dict[str, Any],
        key: tuple[str, int | None, str] | None,
        position: str,
    ) -> None:
        warnings: list[str] = list(record.warnings)
        names = record_vocabulary_names(record)
        values = {
            **fields,
            # What Resource.save() would set.
            "slug": slugify(fields["title"])[:100] or "resource",
        }
        for facet, attname, terms in self.single_facets:
            if facet.field == TYPE_FIELD:
                values[attname] = self._resource_type(record, names, warnings).pk
            else:
                found = self._tags(terms, names[facet.key][:1], warnings)
                values[attname] = found[0].pk if found else None
        pending = _Pending(
            values=values,
            entry=ReportEntry(position=position, title=fields["title"]),
            tags={
                facet.key: self._with_defaults(
                    facet.key, self._tags(terms, names[facet.key], warnings)
                )
                for facet, terms in self.multiple_facets
            },
            known=_Known(None, fields["doi"], fields["pmid"], position=position),
        )
        pending.entry.warnings = warnings
        self.this_file.add(pending.known, key)
        self.report.created.append(pending.entry)
        self.pending.append(pending)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Write the pending resources, their tags, history rows and index outbox rows."""
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        ids = self.writer.insert_resources([p.values for p in batch])
        for pending, pk in zip(batch, ids, strict=True):
            pending.known.resource_id = pk
            pending.entry.resource_id = pk
        history_ids = self.writer.insert_history(
            ids, user=self.user, reason=self.change_reason, date=self.now
        )
        for facet in FACETS.multiple():
            pairs = [
                (pk, term.pk)
                for p, pk in zip(batch, ids, strict=True)
                for term in p.tags[facet.key]
            ]
            self.writer.insert_tags(facet, pairs, history_ids)
        signals.enqueue_resources(ids)

    def finish(self) -> None:
        self.flush()
        for entry, known in self.unresolved:
            entry.resource_id = known.resource_id


def _merge(first: list[Vocabulary], second: list[Vocabulary]) -> list[Vocabulary]:
    seen: set[int] = set()
    merged = []
    for term in [*first, *second]:
        if term.pk not in seen:
            seen.add(term.pk)
            merged.append(term)
    return merged


# Any constant shared by every import; PostgreSQL advisory locks are keyed by a bigint.
_IMPORT_LOCK_KEY = 0x534D524C494D5054  # "SMRLIMPT"


def _serialize_imports() -> None:
    """One import at a time, so two files cannot both create the same new resource.

    Each import reads the library's identifiers once, at its start. On PostgreSQL a transaction
    advisory lock makes a second import wait for the first to commit. SQLite needs nothing:
    a second writer that read before the first committed cannot write afterwards (its snapshot
    is stale), so it fails and rolls back instead of adding duplicates.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])


def import_records(
    records_or_errors: Iterable[Record | RecordError],
    *,
    dry_run: bool = False,
    defaults: ImportDefaults | None = None,
    status: str = Resource.Status.DRAFT,
    user: User | None = None,
    progress: Callable[[int], None] | None = None,
    change_reason: str = "Imported",
    format_name: str = "",
) -> ImportReport:
    """Import parsed records in one transaction and report what became of each.

    Raises ValueError for an unknown default tag/type or status (before anything is written);
    any exception raised while iterating ``records_or_errors`` (a parser giving up on the whole
    file) propagates after the transaction has been rolled back.
    """
    if status not in (Resource.Status.DRAFT, Resource.Status.PUBLISHED):
        raise ValueError(f'Status must be "draft" or "published", not "{status}".')
    report = ImportReport(dry_run=dry_run, format=format_name)
    # The transaction ends (rolled back) before a full disk becomes ImportDiskFull.
    with _disk_full_is_an_import_error(), transaction.atomic():
        _serialize_imports()
        vocab = _Vocabularies.load()
        importer = _Importer(
            defaults=_resolve_defaults(defaults or ImportDefaults(), vocab),
            vocab=vocab,
            status=status,
            user=user,
            report=report,
            change_reason=change_reason,
        )
        number = 0
        for number, item in enumerate(records_or_errors, start=1):
            importer.add(item, number)
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number)
        importer.finish()
        if progress is not None:
            progress(number)
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        # Ids of rows that were rolled back point at nothing (and may be reused).
        rolled_back = {entry.resource_id for entry in report.created}
        for entry in report.created + report.duplicates:
            if entry.resource_id in rolled_back:
                entry.resource_id = None
    return report


def resource_type_csl_types() -> dict[str, str]:
    """The live resource types, by casefolded name and slug, with their CSL types: what a
    parser needs to read a file that names them (a type renamed or added in the admin too)."""
    rows = ResourceType.objects.exclude(csl_type="").values_list("name", "slug", "csl_type")
    return {key.casefold(): csl for name, slug, csl in rows for key in (slug, name)}


def _parsed(items: Iterator[Record | RecordError], label: str) -> Iterator[Record | RecordError]:
    """The parser's items; a parser that gives up mid-file rejects the file as a whole."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as error:
            raise ImportFileError(
                f"{label}: the file could not be read to the end ({error})."
            ) from error
        yield item


def import_file(
    stream: BinaryIO,
    *,
    filename: str = "",
    fmt: str | None = None,
    dry_run: bool = False,
    defaults: ImportDefaults | None = None,
    status: str = Resource.Status.DRAFT,
    user: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Detect the format, parse and import one file.

    Raises ImportFileError, with a message naming the file and the problem, when the file is
    not a bibliography we read, cannot be read to the end, or holds no records; then nothing
    has been written.
    """
    from socialmission.bibliography import formats

    label = filename or "The file"
    try:
        parsed = formats.read_file(stream, fmt, filename, resource_types=resource_type_csl_types())
    except formats.UnsupportedFormat as error:
        raise ImportFileError(f"{label}: {error}.") from error
    try:
        report = import_records(
            _parsed(iter(parsed.items), label),
            dry_run=dry_run,
            defaults=defaults,
            status=status,
            user=user,
            progress=progress,
            change_reason=f"Imported from {filename}" if filename else "Imported",
            format_name=formats.FORMATS[parsed.format].label,
        )
    except ImportDiskFull as error:
        raise ImportDiskFull(label) from error.__cause__
    report.notes = parsed.notes
    if report.total == 0:
        raise ImportFileError(f"{label}: no bibliographic records found in it.")
    return report
