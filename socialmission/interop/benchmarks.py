"""Import throughput: PubMed XML records per second through the whole importer.

Builds a synthetic PubMed XML file (``bibliography.benchmarks.synthetic_pubmed_articles``),
migrates a fresh SQLite database in a temporary DATA_DIR, and times ``import_file`` end to end:
parsing, duplicate matching against the library, writing resources, tags, history and the
search outbox, the commit, and the search-index sync that follows it. The target is
2,000 records per second, and (issue 12) 3,000 records per CPU-second: the CPU time of the
process, all its threads (the index writer's included), which a busy machine disturbs much less
than the wall time.

Run: ``python -m socialmission.interop.benchmarks --n 20000`` (``make bench`` calls it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

TARGET_PER_SECOND = 2000
TARGET_PER_CPU_SECOND = 3000


def run(n: int, *, data_dir: Path) -> tuple[float, float]:
    """Import ``n`` synthetic records into a fresh database under ``data_dir``; returns records
    per second and records per CPU-second."""
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmission.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from socialmission.bibliography.benchmarks import synthetic_pubmed_articles
    from socialmission.interop.importer import ImportDefaults, import_file

    call_command("migrate", verbosity=0, interactive=False)
    from socialmission.library import indexing

    # A library has its index before an import; the sync after the commit is then incremental.
    indexing.engine()
    source = data_dir / "bench.xml"
    with source.open("wb") as stream:
        for chunk in synthetic_pubmed_articles(n):
            stream.write(chunk)
    started = time.perf_counter()
    cpu_started = time.process_time()
    with source.open("rb") as stream:
        report = import_file(
            stream,
            filename=source.name,
            defaults=ImportDefaults(
                tags={"domain": ["curriculum-programming"], "profession": ["medicine"]}
            ),
            status="published",
        )
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if len(report.created) != n:
        raise SystemExit(f"expected {n} created, got: {report.summary()}")
    return n / elapsed, n / cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="records to import")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="smrl-import-bench-") as directory:
        rate, cpu_rate = run(args.n, data_dir=Path(directory))
    verdict = "ok" if rate >= TARGET_PER_SECOND else f"below the {TARGET_PER_SECOND}/s target"
    cpu_verdict = (
        "ok" if cpu_rate >= TARGET_PER_CPU_SECOND else f"below the {TARGET_PER_CPU_SECOND} target"
    )
    print(
        f"import: {args.n} PubMed XML records, {rate:,.0f} records/s ({verdict}), "
        f"{cpu_rate:,.0f} records per CPU-second ({cpu_verdict}); load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    # A benchmark reports a figure; it does not fail a build on a noisy machine.
    return 0


if __name__ == "__main__":
    sys.exit(main())
