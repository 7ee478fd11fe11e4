"""Real processes for tests: a migrated database of their own, `socialmission shell`, gunicorn.

The database is a SQLite file under the test's temporary directory, or a scratch PostgreSQL
database when the suite runs on PostgreSQL (dropped afterwards).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def process_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for child processes: their own migrated database and index directory."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    env.update(DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="socialmission.settings")
    scratch_db = None
    admin_url = ""
    if connection.vendor == "postgresql":
        import psycopg

        base = settings.DATABASES["default"]
        scratch_db = f"smrl_proc_{uuid.uuid4().hex[:10]}"
        admin_url = f"postgresql://{base['USER']}@{base['HOST']}:{base['PORT'] or 5432}/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{scratch_db}"')
        env["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + f"/{scratch_db}"
    subprocess.run(
        [sys.executable, "-m", "socialmission", "migrate", "-v0"], env=env, check=True, timeout=180
    )
    yield env
    if scratch_db:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)')


def run_code(
    env: dict[str, str], code: str, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmission", "shell", "-v", "0", "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=check,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int = 2, ready_path: str = "/search/?q=warm"
) -> Iterator[str]:
    """A production-style server (DEBUG off) with `workers` worker processes; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "socialmission.wsgi",
            "-w",
            str(workers),
            "--threads",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env={"SECRET_KEY": "test", **env, "DEBUG": "false"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}")
            try:
                if httpx.get(f"{url}{ready_path}", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
