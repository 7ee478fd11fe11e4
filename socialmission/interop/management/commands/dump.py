"""``socialmission dump``: the whole public library as open data files.

Writes, into ``--output`` (default: the current directory):

- ``library.csl.json``: every published resource as CSL-JSON, which reference managers and
  citation processors read;
- ``library.csv``: the same resources in the library's own CSV columns, tags included, which the
  importer reads back, so the collection can be rebuilt elsewhere;
- ``vocabularies.json``: the domains, topics, professions, resource types and evidence levels
  with their descriptions, which give the tags their meaning.

Only published resources and only public fields are written: every export goes through the
neutral Record (``interop.records``), which carries no private field. Each file is written
next to its final name and moved into place at the end, so an interrupted dump never leaves a
half-written file where a good one was.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialmission.bibliography.formats import render
from socialmission.interop.records import records_for
from socialmission.library import models as m
from socialmission.library.facets import FACETS

FILES = {"csljson": "library.csl.json", "csv": "library.csv"}


def vocabularies() -> dict[str, Any]:
    result: dict[str, Any] = {}
    for facet in FACETS:
        result[facet.key] = [
            {
                "slug": term.slug,
                "name": term.name,
                "description": term.description,
                "active": term.is_active,
            }
            for term in facet.vocabulary.objects.order_by("position", "name")
        ]
    return result


def write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Write every published resource as CSL-JSON and CSV, with the vocabularies, to a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            default=".",
            help="Folder to write into (created if missing; default: the current directory).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]).expanduser()
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create the folder {output}: {exc.strerror}") from exc
        if not os.access(output, os.W_OK):
            raise CommandError(f"Cannot write into the folder {output}.")
        published = m.Resource.objects.published().order_by("pk")
        count = published.count()
        for fmt, name in FILES.items():
            write_atomically(output / name, render(records_for(published), fmt))
        write_atomically(
            output / "vocabularies.json",
            json.dumps(vocabularies(), ensure_ascii=False, indent=2) + "\n",
        )
        written = ", ".join([*FILES.values(), "vocabularies.json"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {count} published resources to {output.resolve()}: {written}"
            )
        )
