"""`make run` gives the site its own address, so links in e-mails point at the server it runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(*args: str, env: dict[str, str] | None = None) -> str:
    # -n prints the commands without running any of them.
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "MAKEFLAGS"}}
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "run", *args],
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return next(line for line in result.stdout.splitlines() if "honcho" in line)


def test_make_run_sets_site_url_from_host_and_port() -> None:
    assert "SITE_URL=http://127.0.0.1:8000 " in dry_run()
    assert "SITE_URL=http://0.0.0.0:9001 " in dry_run("HOST=0.0.0.0", "PORT=9001")


def test_a_site_url_already_set_wins() -> None:
    line = dry_run(env={"SITE_URL": "https://library.example.org"})
    assert "SITE_URL=https://library.example.org " in line
