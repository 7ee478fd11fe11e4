"""Send the digests of every due alert (registered as an hourly periodic job)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.progress import track

from socialmission.alerts import services


class Command(BaseCommand):
    help = "E-mail each due alert the new resources matching its search (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ignore-schedule",
            action="store_true",
            help="Treat every confirmed alert as due (for testing a mail set-up). A resource "
            "already sent to an alert is never sent to it again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])

        def progress(ids: Iterable[int]) -> Iterator[int]:
            if verbosity < 2:
                yield from ids
            else:
                yield from track(list(ids), description="Alerts")

        report = services.send_alerts(
            ignore_schedule=bool(options["ignore_schedule"]), progress=progress
        )
        if verbosity:
            self.stdout.write(
                f"{report.due} alerts due: {report.sent} digests sent, {report.empty} with "
                f"nothing new, {report.rate_limited} held back by the per-address limit."
            )
