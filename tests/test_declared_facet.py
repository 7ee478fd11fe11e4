"""Runs tests/facet_app/checks.py in a pytest of its own, with the test facet's app installed.

The app must be installed before Django starts (the API's schema and enums are built from the
declarations at import), and the rest of the suite must not see its facet, so its checks run in
a child process with ``TEST_FACET_APP=1``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def test_a_facet_declared_in_a_test_app_reaches_every_consumer() -> None:
    env = {**os.environ, "TEST_FACET_APP": "1"}
    if connection.vendor == "postgresql":
        # Its own test database, beside this run's.
        env["TEST_DATABASE_NAME"] = f"test_facet_app_{os.getpid()}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-q",
            "--create-db",
            str(ROOT / "tests" / "facet_app" / "checks.py"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
