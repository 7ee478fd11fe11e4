"""``socialmission dump``: the whole public library as open data files.

Writes, into ``--output`` (default: the current directory):

- ``library.csl.json``: every published resource as CSL-JSON, which reference managers and
  citation processors read;
- ``library.csv``: the same resources in the library's own CSV columns, tags included, which the
  importer reads back, so the collection can be rebuilt elsewhere;
- ``vocabularies.json``: the domains, topics, professions, resource types and evidence levels
  with their descriptions, which give the tags their meaning.

``--site`` instead (re)builds the site's whole-library download files (every export format, in
``EXPORT_DUMP_DIR``; see ``interop.dumps``), only when the library changed since the last build
unless ``--force``. The periodic job ``library_dumps`` runs ``dump --site``.

Only published resources and only public fields are written: every export goes through the
neutral Record (``interop.records``), which carries no private field. Each file is written
next to its final name and moved into place at the end, so an interrupted dump never leaves a
half-written file where a good one was. Both modes use the same writer (``dumps.write_files``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialmission.interop import dumps
from socialmission.library.facets import FACETS

FORMATS = ("csljson", "csv")


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
    dumps.write_atomically(path, [text])


def _writable_folder(output: Path) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"Cannot create the folder {output}: {exc.strerror}") from exc
    if not os.access(output, os.W_OK):
        raise CommandError(f"Cannot write into the folder {output}.")


class Command(BaseCommand):
    help = "Write every published resource as CSL-JSON and CSV, with the vocabularies, to a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            default=".",
            help="Folder to write into (created if missing; default: the current directory).",
        )
        parser.add_argument(
            "--site",
            action="store_true",
            help="Rebuild the site's whole-library downloads (EXPORT_DUMP_DIR) if the library changed.",
        )
        parser.add_argument(
            "--force", action="store_true", help="With --site: rebuild even if nothing changed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["site"]:
            self._site(force=options["force"])
            return
        output = Path(options["output"]).expanduser()
        _writable_folder(output)
        ids = dumps.published_ids()
        written = dumps.write_files(output, FORMATS, ids)
        write_atomically(
            output / "vocabularies.json",
            json.dumps(vocabularies(), ensure_ascii=False, indent=2) + "\n",
        )
        names = ", ".join([*written.values(), "vocabularies.json"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(ids)} published resources to {output.resolve()}: {names}"
            )
        )

    def _site(self, *, force: bool) -> None:
        folder = dumps.dump_dir()
        _writable_folder(folder)
        result = dumps.build(folder, if_changed=not force)
        messages = {
            "built": f"Built the downloads of {result.count} published resources in {folder}.",
            "unchanged": f"The downloads in {folder} are up to date ({result.count} resources).",
            "busy": f"Another build of {folder} is under way; nothing done.",
        }
        self.stdout.write(messages[result.reason])
