"""``socialmission import``: reports, dry run, whole-file rejection, and atomicity under kill -9."""

from __future__ import annotations

import gzip
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from socialmission.bibliography.benchmarks import synthetic_pubmed_articles
from socialmission.library.models import Resource

CONFORMANCE = Path(__file__).resolve().parents[2] / "bibliography" / "tests" / "conformance"
RIS = b"""TY  - JOUR
TI  - Community-based education and rural practice
AU  - Strasser, Roger
PY  - 2016
JO  - Medical Teacher
DO  - 10.3109/0142159X.2016.1000001
ER  -

TY  - RPRT
TI  - The social mission of health professions schools
AU  - Mullan, Fitzhugh
PY  - 2010
PB  - George Washington University
ER  -

TY  - JOUR
TI  - Community-based education and rural practice
AU  - Strasser, Roger
PY  - 2016
DO  - https://doi.org/10.3109/0142159X.2016.1000001
ER  -
"""


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ris_file(tmp_path: Path) -> Path:
    path = tmp_path / "refs.ris"
    path.write_bytes(RIS)
    return path


@pytest.mark.django_db
def test_import_prints_the_report_and_applies_defaults(ris_file: Path) -> None:
    out, _ = run(
        str(ris_file), "--domain", "community-engagement", "--profession", "Nursing",
        "--status", "published",
    )  # fmt: skip
    assert "refs.ris (RIS): 3 records: 2 created, 0 updated, 1 duplicates, 0 rejected" in out
    assert "Duplicate" in out and "DOI 10.3109/0142159x.2016.1000001" in out
    titles = set(Resource.objects.values_list("title", flat=True))
    assert titles == {
        "Community-based education and rural practice",
        "The social mission of health professions schools",
    }
    for resource in Resource.objects.all():
        assert resource.status == "published"
        assert [d.slug for d in resource.domains.all()] == ["community-engagement"]
        assert [p.slug for p in resource.professions.all()] == ["nursing"]
    report = Resource.objects.get(title__startswith="The social")
    assert report.resource_type.slug == "report"
    assert report.history.get().history_change_reason == "Imported from refs.ris"


@pytest.mark.django_db
def test_dry_run_prints_the_report_and_changes_nothing(ris_file: Path) -> None:
    out, _ = run(str(ris_file), "--dry-run")
    assert "Dry run, nothing saved: 3 records: 2 created" in out
    assert not Resource.objects.exists()
    assert not Resource.history.exists()  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_file_rejected_as_a_whole_fails_with_a_clear_message(ris_file: Path) -> None:
    feed = CONFORMANCE / "not_bibliographic" / "rss2sample.xml"
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files could not be imported"):
        call_command("import", str(feed), str(ris_file), stdout=io.StringIO(), stderr=err)
    assert "rss2sample.xml: the file is an RSS or Atom news feed" in err.getvalue()
    # The good file of the same run is imported all the same.
    assert Resource.objects.count() == 2


@pytest.mark.django_db
def test_bad_options_are_refused_before_anything_is_read(ris_file: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match='Unknown domain "astrology"'):
        run(str(ris_file), "--domain", "astrology")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.ris"))
    with pytest.raises(CommandError, match='No user "nobody"'):
        run(str(ris_file), "--user", "nobody")
    assert not Resource.objects.exists()


# --- Real processes against a file-based SQLite database ---------------------------------------


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    env["DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "socialmission.settings"
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialmission", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _snapshot(database: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(database)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'library_%'"
            )
        ]
        return {
            table: connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
            for table in sorted(tables)
        }
    finally:
        connection.close()


def test_kill_9_mid_import_leaves_the_library_exactly_as_before(
    tmp_path: Path, ris_file: Path
) -> None:
    env = _env(tmp_path / "data")
    (tmp_path / "data").mkdir()
    assert _cli(env, "migrate", "--noinput", "-v0").returncode == 0
    assert _cli(env, "import", str(ris_file), "--status", "published").returncode == 0
    database = tmp_path / "data" / "library.sqlite3"
    before = _snapshot(database)
    assert len(before["library_resource"]) == 2

    # Gzipped: unpacked it is larger than the import size cap (IMPORT_MAX_BYTES).
    big = tmp_path / "big.xml.gz"
    with gzip.open(big, "wb") as stream:
        for chunk in synthetic_pubmed_articles(20_000):
            stream.write(chunk)
    wal = database.with_name(database.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    process = subprocess.Popen(
        [sys.executable, "-m", "socialmission", "import", str(big), "-v0"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Wait until the import has written well into the database (several batches).
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > wal_size + 2_000_000:
                break
            assert process.poll() is None, "the import finished before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("the import never started writing")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _snapshot(database) == before


def test_the_command_line_exits_non_zero_for_a_rejected_file(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    (tmp_path / "data").mkdir()
    assert _cli(env, "migrate", "--noinput", "-v0").returncode == 0
    result = _cli(env, "import", str(CONFORMANCE / "not_bibliographic" / "zenodo-Identify.xml"))
    assert result.returncode == 1
    assert "zenodo-Identify.xml: the file is an OAI-PMH response" in result.stderr


def test_the_import_benchmark_runs_end_to_end() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    result = subprocess.run(
        [sys.executable, "-m", "socialmission.interop.benchmarks", "--n", "300"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    assert "import: 300 PubMed XML records, " in result.stdout
    assert "records/s" in result.stdout
