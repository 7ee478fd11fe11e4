"""A full disk during an import: one clear line, nothing saved (issue 10 §7).

Simulated twice: a fault injected at the database write (OSError ENOSPC, SQLite's "database or
disk is full", PostgreSQL's SQLSTATE 53100), and a real SQLite database on a small tmpfs that
fills up under a real `socialmission import` (when this machine lets the test mount one).
"""

from __future__ import annotations

import errno
import io
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client

from socialmission.accounts.roles import CURATOR
from socialmission.core.diskfull import is_disk_full
from socialmission.interop.importer import ImportDiskFull, import_file
from socialmission.library.models import IndexChange, Resource

pytestmark = pytest.mark.django_db

RECORDS = 30


def ris(count: int = RECORDS, tag: str = "") -> bytes:
    return b"".join(
        f"TY  - JOUR\nTI  - Community health workers {tag} study {n}\nAU  - Smith, Jane\n"
        f"PY  - 2021\nJO  - Academic Medicine\nDO  - 10.5555/full{tag}.{n}\n"
        f"AB  - {'An abstract that takes some room. ' * 20}\nER  - \n\n".encode()
        for n in range(count)
    )


class PgDiskFull(Exception):
    """What psycopg raises: SQLSTATE 53100 (wrapped by Django in OperationalError)."""

    sqlstate = "53100"


def _pg_disk_full() -> Exception:
    error = OperationalError('could not extend file "base/1/2": wrote only 4096 of 8192 bytes')
    error.__cause__ = PgDiskFull("could not extend file")
    return error


FAULTS: dict[str, Callable[[], Exception]] = {
    "ENOSPC": lambda: OSError(errno.ENOSPC, "No space left on device"),
    "SQLITE_FULL": lambda: OperationalError("database or disk is full"),
    "postgres 53100": _pg_disk_full,
}


@contextmanager
def disk_fills_at(table: str, fault: Callable[[], Exception]) -> Iterator[None]:
    """The first INSERT into ``table`` fails as a full disk would (earlier writes succeeded)."""

    def fail(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT") and f'"{table}"' in sql:
            raise fault()
        return execute(sql, *args)

    with connection.execute_wrapper(fail):
        yield


def counts() -> tuple[int, int, int]:
    return (
        Resource.objects.count(),
        Resource.history.count(),
        IndexChange.objects.count(),
    )


# The importer writes resources, then their history, tags and outbox rows: a disk filling at
# the history or at the very last write (the outbox) leaves resources written in the transaction.
@pytest.mark.parametrize("table", ["library_historicalresource", "library_indexchange"])
@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_a_full_disk_rolls_the_whole_file_back(table: str, fault: Callable[[], Exception]) -> None:
    before = counts()
    with disk_fills_at(table, fault), pytest.raises(ImportDiskFull) as raised:
        import_file(io.BytesIO(ris()), filename="refs.ris", status="published")
    assert str(raised.value) == (
        "refs.ris: the server's disk is full, so nothing of this file was saved. "
        "Free some space (or ask the administrator to), then import it again."
    )
    assert counts() == before
    # The library is still writable afterwards and the same file imports whole.
    report = import_file(io.BytesIO(ris()), filename="refs.ris")
    assert len(report.created) == RECORDS


def test_other_database_errors_are_not_called_a_full_disk() -> None:
    with (
        disk_fills_at("library_indexchange", lambda: OperationalError("database is locked")),
        pytest.raises(OperationalError),
    ):
        import_file(io.BytesIO(ris()), filename="refs.ris")
    assert not is_disk_full(OperationalError("database is locked"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


def test_the_command_prints_one_clear_line_and_exits_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "refs.ris"
    path.write_bytes(ris())
    out, err = io.StringIO(), io.StringIO()
    with (
        disk_fills_at("library_indexchange", FAULTS["SQLITE_FULL"]),
        pytest.raises(CommandError, match="nothing of those files was saved"),
    ):
        call_command("import", str(path), stdout=out, stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert "refs.ris: the server's disk is full, so nothing of this file was saved" in lines[0]
    assert "Traceback" not in err.getvalue() + out.getvalue()
    assert Resource.objects.count() == 0


@pytest.mark.urls("socialmission.interop.tests.urls")
def test_the_upload_page_says_so_clearly(client: Client) -> None:
    user = get_user_model().objects.create_user("curator", password="pw")
    user.groups.add(Group.objects.get_or_create(name=CURATOR)[0])
    client.force_login(user)
    before = counts()
    upload = SimpleUploadedFile("refs.ris", ris(), content_type="application/octet-stream")
    with disk_fills_at("library_indexchange", FAULTS["ENOSPC"]):
        response = client.post("/curate/import/", {"file": upload, "status": "draft"})
    assert response.status_code == 400
    assert "the server&#x27;s disk is full, so nothing of this file was saved" in (
        response.content.decode()
    )
    assert counts() == before


# A real full disk: a SQLite library on a 32 MiB tmpfs, filled up but for a little room.


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32M", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_under_the_import_command(small_disk: Path, tmp_path: Path) -> None:
    data = small_disk / "data"
    env = {
        "PATH": "/usr/bin:/bin",
        "DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "socialmission.settings",
        "SECRET_KEY": "test",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    command = [sys.executable, "-m", "socialmission"]
    subprocess.run([*command, "migrate", "-v0"], env=env, check=True, timeout=300)
    database = data / "library.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # Leave about 200 KiB: far less than the file's records, history and outbox need.
    filler = small_disk / f"filler-{uuid.uuid4().hex}"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(free - 200 * 1024, 0))
    big = tmp_path / "big.ris"
    big.write_bytes(ris(2000, tag="big"))
    done = subprocess.run(
        [*command, "import", str(big), "--status", "published"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert "big.ris: the server's disk is full, so nothing of this file was saved" in done.stderr
    filler.unlink()
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM library_resource").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM library_historicalresource").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM library_indexchange").fetchone() == (0,)


# The upload itself: Django spools a file over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file
# while it parses the request. A full disk there is a 400 that says so (core/uploads.py).


def _curator_client(client: Client) -> Client:
    user = get_user_model().objects.create_user("uploader", password="pw")
    user.groups.add(Group.objects.get_or_create(name=CURATOR)[0])
    client.force_login(user)
    return client


BIG_UPLOAD = 4000  # records: about 3.3 MB, over the 2.5 MB Django keeps in memory


@pytest.mark.urls("socialmission.interop.tests.urls")
def test_an_upload_spooled_to_a_full_disk_is_a_clear_400(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", disk_full)
    client = _curator_client(client)
    client.raise_request_exception = False
    upload = SimpleUploadedFile("big.ris", ris(BIG_UPLOAD), content_type="application/x-ris")
    response = client.post("/curate/import/", {"file": upload, "status": "draft"})
    assert response.status_code == 400
    assert "The server&#x27;s disk is full, so the file could not be received" in (
        response.content.decode()
    )
    assert Resource.objects.count() == 0


@pytest.mark.urls("socialmission.interop.tests.urls")
def test_an_upload_to_a_really_full_temporary_directory(
    client: Client, small_disk: Path, settings: Any
) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (shutil.disk_usage(small_disk).free - 256 * 1024))
    client = _curator_client(client)
    client.raise_request_exception = False
    upload = SimpleUploadedFile("big.ris", ris(BIG_UPLOAD), content_type="application/x-ris")
    response = client.post("/curate/import/", {"file": upload, "status": "draft"})
    assert response.status_code == 400
    assert "disk is full, so the file could not be received" in response.content.decode()
    assert Resource.objects.count() == 0
    # With room again, the same upload imports.
    filler.unlink()
    upload = SimpleUploadedFile("big.ris", ris(BIG_UPLOAD), content_type="application/x-ris")
    response = client.post("/curate/import/", {"file": upload, "status": "draft"})
    assert response.status_code == 200
    assert Resource.objects.count() == BIG_UPLOAD
