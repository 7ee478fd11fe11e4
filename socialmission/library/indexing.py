"""Keeps the search index in step with the database, across processes and crashes.

How it works:

* Every change writes an ``IndexChange`` row in the same transaction (``signals.py``).
* ``sync()`` applies the pending rows in id order under an exclusive file lock (one writer at
  a time across every process), commits the tantivy index, then marks the rows applied. If a
  process dies in between, the rows are still pending and are applied again: applying is
  idempotent (delete by id, add the current version).
* Every search first calls ``engine()``: a cheap check for pending rows (applied at once,
  whoever made them, so a change is searchable in every process as soon as it is committed,
  even if the process that made it died right after commit), then a reader reload (~10 µs).
* The index lives in a generation directory named by the ``CURRENT`` file. A full rebuild
  writes a new generation and switches ``CURRENT`` atomically, so readers never see a
  half-built index. A missing or older-schema generation is rebuilt on first use (and at
  start-up from ``wsgi.py``).
* Failures degrade freshness, not availability. When changes cannot be applied (the directory
  is not writable, the disk is full, tantivy refuses), searches go on from the last good index,
  the problem is logged and shown by ``health()`` (the /healthz/ page), and applying is retried
  after ``RETRY_SECONDS``. A generation is rebuilt only when it is proven damaged
  (``engine.damaged_files``: meta.json unreadable, a segment file missing or truncated); a
  process that already serves an index rebuilds in the background, at most once per
  ``REBUILD_INTERVAL`` seconds, and keeps serving the old one meanwhile.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from socialmission.library.engine import (
    SCHEMA_VERSION,
    IndexDocument,
    SearchEngine,
    damaged_files,
)
from socialmission.library.facets import FACETS
from socialmission.library.models import (
    IndexChange,
    Resource,
    author_names,
)

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
VERSION_FILE = "VERSION"
LOCK_FILE = "write.lock"
APPLY_BATCH = 2_000
KEEP_APPLIED = timedelta(days=7)
RETRY_SECONDS = 30.0
REBUILD_INTERVAL = 300.0
DISPLAY_DESCRIPTION = 400


class IndexUnavailable(RuntimeError):
    """The index could not be opened or rebuilt (for example, the directory is not writable)."""


# ---------------------------------------------------------------------------------------------
# From database rows to index documents


def documents_for(ids: Iterable[int]) -> list[IndexDocument]:
    """Index documents for the given resources that are published; others are left out.

    Plain ``values()`` queries, one per many-to-many field, instead of model instances: a
    full rebuild reads every resource, and this keeps it within the time budget.
    """
    wanted = set(ids)
    if not wanted:
        return []
    low, high = min(wanted), max(wanted)
    if high - low < 2 * len(wanted):
        # Mostly consecutive ids (an import's new resources): a range costs the database and
        # the query compiler far less than thousands of ids in an IN list; the resources in
        # the range that were not asked for are left out before any work is done on them.
        return _documents(Q(pk__gte=low, pk__lte=high), wanted)
    return _documents(Q(pk__in=sorted(wanted)))


# A document's columns, in the order ``_document`` reads them.
_COLUMNS = (
    "id",
    "slug",
    "title",
    "authors",
    "organization",
    "venue",
    "keywords",
    "description",
    "year",
    "published_at",
)


def _rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A ``values_list`` queryset's rows as the database driver returns them.

    Django's per-row machinery (converters, one call per value) cost more than the query
    itself in a full rebuild; the two columns that need converting, ``authors`` (JSON text)
    and ``published_at`` (text on SQLite), are converted by ``_document``.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _documents(where: Q, wanted: set[int] | None = None) -> list[IndexDocument]:
    """Index documents for the published resources ``where`` selects (and ``wanted`` lists)."""
    single = FACETS.single()
    rows = _rows(
        Resource.objects.filter(where, status=Resource.Status.PUBLISHED)
        .order_by("id")
        .values_list(*_COLUMNS, *(f"{facet.field}__slug" for facet in single))
    )
    if wanted is not None:
        rows = [row for row in rows if row[0] in wanted]
    if not rows:
        return []
    tags, tag_slugs = _many_valued_tags(where, [row[0] for row in rows])
    searchable = {facet.key for facet in FACETS if facet.searchable}
    single_keys = [facet.key for facet in single]
    first_single = len(_COLUMNS)
    zone = connection.timezone
    documents = []
    for row in rows:
        single_slugs = {
            key: slug or "" for key, slug in zip(single_keys, row[first_single:], strict=True)
        }
        facets = tags[row[0]]
        facets.extend(f"{key}:{slug}" for key, slug in single_slugs.items() if slug)
        documents.append(_document(row, facets, single_slugs, tag_slugs[row[0]], searchable, zone))
    return documents


def _many_valued_tags(
    where: Q, published_ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, dict[str, list[str]]]]:
    """Each resource's many-valued facet values: as "key:slug" terms, and as slugs by key."""
    # The tag queries select the same rows: by the same condition (a range of ids during a
    # rebuild, which costs the database far less than thousands of ids in an IN list).
    tagged = where & Q(status=Resource.Status.PUBLISHED)
    tags: dict[int, list[str]] = {pk: [] for pk in published_ids}
    tag_slugs: dict[int, dict[str, list[str]]] = {pk: {} for pk in published_ids}
    for facet in FACETS.multiple():
        pairs = _rows(
            Resource.objects.filter(tagged, **{f"{facet.field}__isnull": False})
            .order_by("id", f"{facet.field}__position", f"{facet.field}__name")
            .values_list("id", f"{facet.field}__slug")
        )
        key = facet.key
        for resource_id, slug in pairs:
            terms = tags.get(resource_id)
            if terms is not None:
                terms.append(f"{key}:{slug}")
                tag_slugs[resource_id].setdefault(key, []).append(slug)
    return tags, tag_slugs


def _milliseconds(value: datetime | str | None, zone: tzinfo | None) -> int:
    """A ``published_at`` as read by ``_rows``: milliseconds since the epoch, 0 for none.

    ``zone``: the database connection's time zone, which Django's converter gives a naive value
    (SQLite stores UTC text: "2024-09-19 01:19:00[.123456]").
    """
    if value is None:
        return 0
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return int(value.timestamp() * 1000)


def _document(
    row: tuple[Any, ...],
    facets: list[str],
    single_slugs: dict[str, str],
    tag_slugs: dict[str, list[str]],
    searchable: set[str],
    zone: tzinfo | None,
) -> IndexDocument:
    (
        resource_id,
        slug,
        title,
        authors,
        organization,
        venue,
        keywords,
        description,
        year,
        published_at,
    ) = row[: len(_COLUMNS)]
    if isinstance(authors, (str, bytes)):
        authors = json.loads(authors)
    search_names, display_names = author_names(authors)
    # The names of a record's searchable terms ("curriculum", "pharmacy"), at low weight.
    words = (
        term.replace("-", " ")
        for facet_key, terms in (
            *tag_slugs.items(),
            *((k, [v]) for k, v in single_slugs.items() if v),
        )
        if facet_key in searchable
        for term in terms
    )
    return IndexDocument(
        id=resource_id,
        title=title,
        authors="; ".join(search_names),
        organization=organization,
        venue=venue,
        keywords=keywords,
        description=description,
        tags=" ".join(words),
        facets=facets,
        year=year,
        added=_milliseconds(published_at, zone),
        display={
            "slug": slug,
            "title": title,
            "authors": display_names,
            "organization": organization,
            "year": year,
            "venue": venue,
            # Single-valued facets by key ("type", "evidence"), many-valued under "tags".
            **single_slugs,
            "tags": tag_slugs,
            "description": description[:DISPLAY_DESCRIPTION],
        },
    )


def iter_all_documents(chunk: int = APPLY_BATCH) -> Iterator[list[IndexDocument]]:
    """Every published resource's document, ``chunk`` resources at a time, by ranges of ids."""
    ids = list(
        Resource.objects.filter(status=Resource.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        yield _documents(Q(pk__gte=part[0], pk__lte=part[-1]))


# ---------------------------------------------------------------------------------------------
# Directories and the cross-process write lock


def index_root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def _current_generation(root: Path) -> str | None:
    try:
        name = (root / CURRENT_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def _set_current_generation(root: Path, name: str) -> None:
    temporary = root / f"{CURRENT_FILE}.{os.getpid()}.tmp"
    temporary.write_text(name)
    os.replace(temporary, root / CURRENT_FILE)


@contextlib.contextmanager
def write_lock(root: Path, *, timeout: float | None) -> Iterator[bool]:
    """Hold the exclusive writer lock; yields False if it could not be had within ``timeout``.

    An flock, so the kernel releases it when a holder dies, even by kill -9.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a+") as handle:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.01)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class IndexDamaged(IndexUnavailable):
    """The generation on disk is proven damaged: only a rebuild helps."""


def _open_generation(root: Path, name: str) -> SearchEngine | None:
    """Open a generation; None if it is missing or of another schema version (rebuild it).

    Raises IndexDamaged when its files prove it damaged, IndexUnavailable when it cannot be
    opened for another reason (which a rebuild would not cure).
    """
    path = root / name
    try:
        if (path / VERSION_FILE).read_text().strip() != str(SCHEMA_VERSION):
            return None
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexUnavailable(f"Search index {path} cannot be read: {exc}") from exc
    damaged = damaged_files(path)
    if damaged:
        raise IndexDamaged(f"Search index {path} is damaged: {', '.join(damaged[:5])}")
    try:
        return SearchEngine(path)
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"Search index {path} cannot be opened: {exc}") from exc


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class RebuildReport:
    documents: int
    seconds: float
    generation: str


def rebuild(*, progress: Callable[[int, int], None] | None = None) -> RebuildReport:
    """Build a fresh index from the database and switch every process to it."""
    root = index_root()
    with write_lock(root, timeout=None):
        report = _rebuild_locked(root, progress=progress)
    _state.forget()
    return report


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused (for the whole process) while documents are built.

    A rebuild allocates millions of short-lived containers (rows, dicts, lists) and creates no
    reference cycles, so reference counting frees all of it; the collections that those
    allocations trigger found nothing to free and scanned every live object of the process
    again and again, about 5 % of a 100k rebuild's CPU time (measured with perf).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rebuild_locked(
    root: Path, *, progress: Callable[[int, int], None] | None = None
) -> RebuildReport:
    started = time.perf_counter()
    name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path = root / name
    path.mkdir(parents=True)
    engine = SearchEngine(path)
    # One indexing thread: a quarter less CPU than two for the same documents (measured at 30k),
    # and it still runs beside this thread, which reads the database and builds documents.
    writer = engine.writer(heap_size=256_000_000, threads=1)
    count = 0
    # The outbox rows already committed now are what this build covers: it reads the resources
    # after this point, so it sees those changes. Rows committed later (even with a smaller id,
    # which PostgreSQL allows) stay pending and the next sync applies them.
    covered = list(IndexChange.objects.filter(applied_at__isnull=True).values_list("id", flat=True))
    total = Resource.objects.filter(status=Resource.Status.PUBLISHED).count()
    with _no_cycle_collection():
        for documents in iter_all_documents():
            for document in documents:
                writer.add_document(document.to_tantivy())
            count += len(documents)
            if progress:
                progress(count, total)
    writer.commit()
    writer.wait_merging_threads()
    (path / VERSION_FILE).write_text(str(SCHEMA_VERSION))
    _mark_applied(covered)
    _set_current_generation(root, name)
    for old in root.glob("gen-*"):
        # A process still reading an old generation keeps its open files (POSIX semantics).
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return RebuildReport(documents=count, seconds=time.perf_counter() - started, generation=name)


def _open_or_rebuild_locked(root: Path) -> SearchEngine:
    """The current generation, built first when there is none yet (or it is of an older
    schema, or damaged). For callers that have no index to serve meanwhile."""
    name = _current_generation(root)
    try:
        engine = _open_generation(root, name) if name else None
    except IndexDamaged:
        logger.warning("Search index generation %s is damaged; rebuilding it.", name)
        engine = None
    if engine is None:
        report = _rebuild_locked(root)
        engine = _open_generation(root, report.generation)
        if engine is None:
            raise IndexUnavailable(f"The search index at {root} could not be built.")
    return engine


def _mark_applied(ids: list[int]) -> None:
    # By their ids, never by a range: on PostgreSQL a row inside the range may commit later.
    # Plain SQL: the ORM prepared each of thousands of ids one by one (a twentieth of an import).
    qn = connection.ops.quote_name
    table = qn(IndexChange._meta.db_table)
    applied_at = qn(str(IndexChange._meta.get_field("applied_at").column))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):  # under SQLite's limit on query parameters
            part = [int(pk) for pk in ids[start : start + 900]]
            cursor.execute(
                f"UPDATE {table} SET {applied_at} = %s "  # noqa: S608
                f"WHERE {qn('id')} IN ({', '.join(['%s'] * len(part))})",
                [now, *part],
            )


def _pending_exists() -> bool:
    return IndexChange.objects.filter(applied_at__isnull=True).exists()


@dataclass(frozen=True)
class OutboxState:
    """What a search must know of the outbox, read in one query: the id of the latest
    vocabulary or synonym change (the vocabulary cache's version) and whether any change is
    still to be applied to the index."""

    vocabulary_version: int | None
    pending: bool


def outbox_state() -> OutboxState:
    """Both checks a search makes, in one query that reads two index entries (the
    ``indexchange_kind`` and ``indexchange_pending`` indexes), so they cost next to nothing
    when nothing changed."""
    table = connection.ops.quote_name(IndexChange._meta.db_table)
    kinds = [IndexChange.Kind.VOCABULARY.value, IndexChange.Kind.SYNONYMS.value]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {table} WHERE kind IN (%s, %s)),"  # noqa: S608
            f" EXISTS (SELECT 1 FROM {table} WHERE applied_at IS NULL)",
            kinds,
        )
        version, pending = cursor.fetchone()
    return OutboxState(vocabulary_version=version, pending=bool(pending))


def sync(*, timeout: float = 5.0) -> int:
    """Apply every pending change; returns how many outbox rows were applied.

    Returns 0 without waiting longer than ``timeout`` when another process holds the lock
    (it is applying the same rows).
    """
    root = index_root()
    if not _pending_exists():
        return 0
    applied = 0
    with write_lock(root, timeout=timeout) as acquired:
        if not acquired:
            return 0
        name = _current_generation(root)
        engine = _open_generation(root, name) if name else None  # IndexDamaged: the caller's
        if engine is None:  # no index yet, or an older schema: build it, then apply the rest
            report = _rebuild_locked(root)
            engine = _open_generation(root, report.generation)
            if engine is None:
                raise IndexUnavailable(f"The search index at {root} could not be built.")
        while True:
            rows = list(
                IndexChange.objects.filter(applied_at__isnull=True)
                .order_by("id")
                .values_list("id", "resource_id")[:APPLY_BATCH]
            )
            if not rows:
                break
            resource_ids = {rid for _, rid in rows if rid is not None}
            if resource_ids:
                writer = engine.writer()
                try:
                    engine.replace_documents(writer, resource_ids, documents_for(resource_ids))
                    writer.commit()
                finally:
                    writer.wait_merging_threads()
            _mark_applied([pk for pk, _ in rows])
            applied += len(rows)
        IndexChange.objects.filter(applied_at__lt=timezone.now() - KEEP_APPLIED).delete()
    return applied


def prune_applied_changes() -> int:
    """Delete outbox rows applied more than ``KEEP_APPLIED`` ago (the ``cleanup`` job)."""
    deleted, _ = IndexChange.objects.filter(applied_at__lt=timezone.now() - KEEP_APPLIED).delete()
    return deleted


def sync_quietly() -> None:
    """Run after a commit: make the change searchable now, never fail the request for it."""
    try:
        sync()
    except Exception:
        logger.exception("Applying index changes failed; the next search will retry.")


# ---------------------------------------------------------------------------------------------
# Reading


class _Health:
    """What went wrong with the index in this process, and when to try again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.problem: str | None = None
        self.since: float | None = None
        self.retry_at = 0.0
        self.rebuild_started_at: float | None = None

    def may_retry(self) -> bool:
        return time.monotonic() >= self.retry_at

    def failed(self, what: str, error: BaseException) -> None:
        with self.lock:
            first = self.problem is None
            self.problem = f"{what}: {error.__class__.__name__}"
            self.since = self.since or time.time()
            self.retry_at = time.monotonic() + RETRY_SECONDS
        # Once per retry period at most, so a broken disk does not flood the log.
        logger.error(
            "Search index: %s failed (%s); serving the last good index, retrying in %.0f s.",
            what,
            error,
            RETRY_SECONDS,
            exc_info=first,
        )

    def recovered(self) -> None:
        with self.lock:
            if self.problem is not None:
                logger.warning("Search index: %s is resolved.", self.problem)
            self.problem = self.since = None
            self.retry_at = 0.0

    def claim_rebuild(self) -> bool:
        """True for the one caller per REBUILD_INTERVAL that may start a background rebuild."""
        with self.lock:
            now = time.monotonic()
            if (
                self.rebuild_started_at is not None
                and now - self.rebuild_started_at < REBUILD_INTERVAL
            ):
                return False
            self.rebuild_started_at = now
            return True


def _in_background(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="search-index-rebuild", daemon=True).start()


# Tests replace this to run the work at once.
run_in_background: Callable[[Callable[[], None]], None] = _in_background


def _rebuild_damaged(damaged: str | None) -> None:
    """Rebuild unless another process already replaced the damaged generation."""
    root = index_root()
    try:
        with write_lock(root, timeout=None):
            name = _current_generation(root)
            if name != damaged:
                try:
                    if name and _open_generation(root, name) is not None:
                        return
                except IndexUnavailable:
                    pass
            _rebuild_locked(root)
        _health.recovered()
    except Exception as exc:
        _health.failed("rebuilding a damaged index", exc)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def _schedule_rebuild(damaged: str | None) -> None:
    if _health.claim_rebuild():
        run_in_background(lambda: _rebuild_damaged(damaged))


class _ProcessState:
    """The engine this process reads from; reopened when CURRENT names another generation."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.root: Path | None = None
        self.generation: str | None = None
        self.engine: SearchEngine | None = None

    def forget(self) -> None:
        with self.lock:
            self.root = self.generation = self.engine = None

    def current(self) -> SearchEngine:
        root = index_root()
        with self.lock:
            name = _current_generation(root)
            if self.engine is None or root != self.root or name != self.generation:
                serving = self.engine if root == self.root else None
                try:
                    engine = _open_generation(root, name) if name else None
                except IndexUnavailable as exc:
                    if serving is None:
                        # Nothing to serve meanwhile: build (damage) or give up (other errors).
                        if not isinstance(exc, IndexDamaged):
                            raise
                        engine = None
                    else:
                        _health.failed("opening the current index", exc)
                        if isinstance(exc, IndexDamaged):
                            _schedule_rebuild(name)
                        return serving
                if engine is None:
                    with write_lock(root, timeout=None):
                        engine = _open_or_rebuild_locked(root)
                    name = _current_generation(root)
                self.root, self.generation, self.engine = root, name, engine
            return self.engine


_state = _ProcessState()
_health = _Health()


def engine(*, pending: bool | None = None) -> SearchEngine:
    """The engine to search, brought up to date with every committed change it can apply.

    ``pending``: whether the outbox has changes to apply, when the caller has just read it
    (``outbox_state``); None to ask the database here. When applying fails, the last good index
    answers and applying is retried later.
    """
    current = _state.current()
    if pending is None and _health.may_retry():
        pending = _pending_exists()
    if _health.may_retry() and pending:
        # Short wait: if another process holds the lock, it is applying these very rows.
        try:
            sync(timeout=0.5)
        except IndexDamaged as exc:
            _health.failed("applying changes", exc)
            _schedule_rebuild(_current_generation(index_root()))
        except Exception as exc:  # not writable, disk full, tantivy refused the write
            _health.failed("applying changes", exc)
        else:
            _health.recovered()
        current = _state.current()
    current.reload()
    return current


def search_failed(error: ValueError) -> None:
    """A search raised inside tantivy. Rebuild in the background if the current generation is
    proven damaged; otherwise only log it (a rebuild would not cure it)."""
    root = index_root()
    name = _current_generation(root)
    _health.failed("searching", error)
    if name and damaged_files(root / name):
        _schedule_rebuild(name)


@dataclass(frozen=True)
class Health:
    ok: bool
    problem: str | None
    since: float | None  # a Unix time
    pending_changes: int


def health() -> Health:
    """How the index is doing in this process, for the health check."""
    try:
        _state.current()
    except Exception as exc:
        _health.failed("opening the index", exc)
    pending = IndexChange.objects.filter(applied_at__isnull=True).count()
    return Health(
        ok=_health.problem is None,
        problem=_health.problem,
        since=_health.since,
        pending_changes=pending,
    )


def ensure_index_at_startup() -> None:
    """Open (or rebuild) the index and apply what is pending; logs rather than crashing."""
    try:
        engine()
    except Exception:
        logger.exception("The search index could not be prepared at start-up.")


def reset_for_tests() -> None:
    _state.forget()
    _health.reset()
