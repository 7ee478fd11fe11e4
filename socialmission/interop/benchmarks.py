"""Import throughput: PubMed XML records per second through the whole importer.

Builds a synthetic PubMed XML file (``bibliography.benchmarks.synthetic_pubmed_articles``),
migrates a fresh SQLite database in a temporary DATA_DIR, and times ``import_file`` end to end:
parsing, duplicate matching against the library, writing resources, tags, history and the
search outbox, the commit, and the search-index sync that follows it. The target is
2,000 records per second.

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


def run(n: int, *, data_dir: Path) -> float:
    """Import ``n`` synthetic records into a fresh database under ``data_dir``; records/s."""
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
    if len(report.created) != n:
        raise SystemExit(f"expected {n} created, got: {report.summary()}")
    return n / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="records to import")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="smrl-import-bench-") as directory:
        rate = run(args.n, data_dir=Path(directory))
    verdict = "ok" if rate >= TARGET_PER_SECOND else f"below the {TARGET_PER_SECOND}/s target"
    print(f"import: {args.n} PubMed XML records, {rate:,.0f} records/s ({verdict})")
    # A benchmark reports a figure; it does not fail a build on a noisy machine.
    return 0


if __name__ == "__main__":
    sys.exit(main())
