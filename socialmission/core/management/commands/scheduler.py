"""``socialmission scheduler``: run the periodic jobs registered in ``core.schedule`` when due."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from socialmission.core import schedule


class Command(BaseCommand):
    help = (
        "Run the periodic jobs when they are due (any number of schedulers may run: each due "
        "job runs once). SIGTERM or Ctrl-C: the job under way finishes, then it exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Run the jobs due now, then exit (for cron)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between looks for due jobs (default 30).",
        )
        parser.add_argument(
            "--job", action="append", dest="names", help="Only this job (repeatable)."
        )
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in schedule.jobs():
                line = " ".join([job.command, *job.args])
                self.stdout.write(f"{job.name}\tevery {job.every}\tsocialmission {line}")
            return
        self.stopping = False
        if options["once"]:
            self._run(options["names"])
            return
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping:
                self._run(options["names"])
                deadline = time.monotonic() + options["interval"]
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(min(1.0, options["interval"]))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self, names: list[str] | None) -> None:
        close_old_connections()  # a long-lived process: drop a connection the server closed
        for name in schedule.run_due(names=names):
            self.stdout.write(f"ran {name}")
            self.stdout.flush()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
