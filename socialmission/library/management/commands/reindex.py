"""``socialmission reindex``: rebuild the search index from the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from socialmission.library import indexing


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the database. With --if-stale, only rebuild when the "
        "index is missing, unreadable or of an older schema, and otherwise apply pending changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-stale", action="store_true")

    def handle(self, *args: Any, if_stale: bool, **options: Any) -> None:
        if if_stale:
            indexing.engine()
            self.stdout.write(f"Search index ready ({indexing.engine().num_docs()} resources).")
            return
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=options.get("verbosity", 1) == 0,
        ) as progress:
            task = progress.add_task("Indexing", total=None)

            def report(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = indexing.rebuild(progress=report)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {result.documents} resources in {result.seconds:.1f} s "
                f"({result.generation})."
            )
        )
