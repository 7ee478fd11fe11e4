"""Pre-built files of the whole library, so a whole-library download costs a file read.

At 60,000 resources one whole-library export takes tens of seconds of CPU (citeproc alone is
~7 ms a record), so the library's downloads are never computed in a request. ``build()`` writes
every format of ``exports.EXPORTS`` into ``EXPORT_DUMP_DIR`` (default ``DATA_DIR/exports``),
each file to a temporary name and then renamed over the old one, then ``manifest.json`` last:
when it was built, how many resources, the library's ``fingerprint()`` at that moment.

Who builds:

- the periodic job ``library_dumps`` (``socialmission dump --site``, every
  ``EXPORT_DUMP_CHECK_MINUTES``), which rebuilds only when the fingerprint moved;
- the task ``interop.tasks.build_library_dumps``, which a download queues (``queue_rebuild``, at
  most once per ``QUEUE_TTL`` per folder) when it finds the files missing or out of date. The
  download itself serves the file it has (a stale one while the new one is built) or, before the
  first build, a "being prepared" page (503 with Retry-After).

A build holds an exclusive lock on ``.build.lock`` in the folder, so two builders never write at
once; the second one returns at once. The folder must be the one the web processes read: on
several machines, a shared volume.

``socialmission dump --output DIR`` writes some of the same files with the same code, for open
data (without the manifest and the lock).
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from socialmission.interop.exports import EXPORTS, export_chunks, records_for_ids
from socialmission.library.models import IndexChange, Resource

MANIFEST = "manifest.json"
LOCK = ".build.lock"
# A queued rebuild is not queued again for this long (the task clears the mark when it ends).
QUEUE_TTL = 3600


def dump_dir() -> Path:
    configured = getattr(settings, "EXPORT_DUMP_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "exports"


def file_name(key: str) -> str:
    """The file of export ``key`` in a dump folder: ``library.ris``, ``library-apa.html``…"""
    kind = EXPORTS[key]
    if kind.style:
        return f"library-{kind.style}{kind.extension}"
    return "library.csl.json" if key == "csljson" else f"library{kind.extension}"


def fingerprint() -> str:
    """Changes whenever a published resource, a vocabulary or the published set changes.

    Every save, tag change, deletion and vocabulary edit writes a row to the search index's
    outbox (``library.IndexChange``); its highest id and row count move with each one (the count
    also catches a row committed late with a lower id, as PostgreSQL can). The published count
    and the latest ``updated_at`` catch bulk updates that bypass the signals. A few aggregate
    queries, whatever the size of the library.
    """
    outbox = IndexChange.objects.aggregate(top=Max("id"), rows=Count("id"))
    resources = Resource.objects.aggregate(latest=Max("updated_at"))
    published = Resource.objects.published().count()
    latest = resources["latest"].isoformat() if resources["latest"] else "-"
    return f"{outbox['top'] or 0}.{outbox['rows']}.{published}.{latest}"


@dataclass(frozen=True)
class Manifest:
    fingerprint: str
    built_at: datetime.datetime
    count: int
    files: dict[str, str]  # export key -> file name


def read_manifest(directory: Path | None = None) -> Manifest | None:
    path = (directory or dump_dir()) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(
            fingerprint=str(data["fingerprint"]),
            built_at=datetime.datetime.fromisoformat(data["built_at"]),
            count=int(data["count"]),
            files={str(k): str(v) for k, v in data["files"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_atomically(path: Path, pieces: Iterable[str]) -> int:
    """Write ``pieces`` to a temporary file beside ``path``, then rename it over ``path``.

    An interrupted write leaves the old file untouched and no temporary behind. Returns bytes.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    size = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            for piece in pieces:
                stream.write(piece)
                size += len(piece)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size


@contextlib.contextmanager
def _exclusive(directory: Path) -> Iterator[bool]:
    """True when this process holds the folder's build lock (released on exit), else False."""
    with open(directory / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass(frozen=True)
class BuildResult:
    built: bool
    count: int
    reason: str  # "built", "unchanged", "busy"


def write_files(directory: Path, keys: Sequence[str], ids: Sequence[int]) -> dict[str, str]:
    """Write export ``keys`` of the published resources ``ids`` into ``directory``."""
    written = {}
    for key in keys:
        write_atomically(directory / file_name(key), export_chunks(records_for_ids(ids), key))
        written[key] = file_name(key)
    return written


def published_ids() -> list[int]:
    return list(Resource.objects.published().order_by("pk").values_list("pk", flat=True))


def build(directory: Path | None = None, *, if_changed: bool = False) -> BuildResult:
    """Write every whole-library export and the manifest into the site's dump folder."""
    directory = directory or dump_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with _exclusive(directory) as mine:
        if not mine:
            return BuildResult(False, 0, "busy")
        # Taken before reading: a change during the build leaves the dump out of date, not lost.
        current = fingerprint()
        old = read_manifest(directory)
        if if_changed and old is not None and old.fingerprint == current:
            return BuildResult(False, old.count, "unchanged")
        ids = published_ids()
        files = write_files(directory, list(EXPORTS), ids)
        manifest: dict[str, Any] = {
            "fingerprint": current,
            "built_at": timezone.now().isoformat(),
            "count": len(ids),
            "files": files,
        }
        write_atomically(directory / MANIFEST, [json.dumps(manifest, indent=2) + "\n"])
        return BuildResult(True, len(ids), "built")


def is_current(manifest: Manifest | None) -> bool:
    return manifest is not None and manifest.fingerprint == fingerprint()


def _queue_key(directory: Path) -> str:
    return f"interop.dumps.queued:{directory.resolve()}"


def queue_rebuild() -> bool:
    """Queue a background rebuild unless one was queued within ``QUEUE_TTL``; True if queued."""
    from socialmission.interop.tasks import build_library_dumps

    if not cache.add(_queue_key(dump_dir()), 1, timeout=QUEUE_TTL):
        return False
    build_library_dumps.enqueue()
    return True


def rebuild_done() -> None:
    cache.delete(_queue_key(dump_dir()))
