"""``socialmission cleanup``: delete old bookkeeping rows and recover work a crash left behind.

Run hourly by the scheduler (job ``cleanup``); safe to run any time, on any number of machines.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from socialmission.core import mail, tasks


class Command(BaseCommand):
    help = (
        "Delete applied search-index outbox rows, finished task rows and sent e-mails older than "
        "their retention; requeue tasks a killed worker left running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--task-days", type=int, default=14, help="Keep successful task rows this long."
        )
        parser.add_argument(
            "--failed-days",
            type=int,
            default=30,
            help="Keep failed task rows and failed e-mails this long.",
        )
        parser.add_argument("--mail-days", type=int, default=7, help="Keep sent e-mails this long.")
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=60,
            help="A task or e-mail 'running' this long belongs to a killed worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from socialmission.library import indexing

        now = timezone.now()
        stale = now - timedelta(minutes=options["stale_minutes"])
        counts = {
            "index outbox rows deleted": indexing.prune_applied_changes(),
            "task rows deleted": tasks.prune_finished(
                successful_before=now - timedelta(days=options["task_days"]),
                failed_before=now - timedelta(days=options["failed_days"]),
            ),
            "e-mails deleted": mail.prune(
                sent_before=now - timedelta(days=options["mail_days"]),
                failed_before=now - timedelta(days=options["failed_days"]),
            ),
            "interrupted tasks requeued": tasks.requeue_interrupted(started_before=stale),
            "interrupted e-mails marked failed": mail.give_up_interrupted(started_before=stale),
            "lost e-mails requeued": mail.requeue_lost(overdue_before=stale),
        }
        if options["verbosity"] >= 1:
            for label, count in counts.items():
                self.stdout.write(f"{label}: {count}")
