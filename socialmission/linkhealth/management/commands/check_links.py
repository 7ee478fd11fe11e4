"""``socialmission check_links``: check the links that are due, with a progress bar.

It is also the periodic job the scheduler runs (registered in ``apps.py``). Runs at the same
time split the due links between them; each link is checked once.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from socialmission.library.models import Resource
from socialmission.linkhealth import services
from socialmission.linkhealth.models import Link


class Command(BaseCommand):
    help = (
        "Check published resources' web addresses and DOIs that are due (or, with --resource, "
        "one resource's links at once) and record what each answered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--resource", type=int, help="Check this resource's links now.")
        parser.add_argument(
            "--limit",
            type=int,
            default=settings.LINKHEALTH_BATCH,
            help="Check at most this many links (default: %(default)s).",
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=settings.LINKHEALTH_RUN_SECONDS,
            help="Start no new batch of checks after this long; 0 for no limit "
            "(default: %(default)s).",
        )

    def handle(
        self, *args: Any, resource: int | None, limit: int, max_seconds: float, **options: Any
    ) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        if resource is not None and not Resource.objects.published().filter(pk=resource).exists():
            raise CommandError(f"No published resource #{resource}.")
        console = Console(file=cast(IO[str], self.stdout))
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options.get("verbosity", 1) == 0,
        ) as progress:
            task = progress.add_task("Checking links", total=None)

            def claimed(count: int) -> None:
                progress.update(task, total=count)

            def checked(link: Link) -> None:
                progress.advance(task)

            report = services.check_links(
                limit=limit,
                resource_id=resource,
                max_seconds=max_seconds,
                on_claimed=claimed,
                on_checked=checked,
            )
        counts = ", ".join(f"{status} {n}" for status, n in sorted(report.by_status.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked {report.checked} links" + (f": {counts}." if counts else ".")
            )
        )
