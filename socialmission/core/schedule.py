"""Periodic jobs: each is a management command, run by ``socialmission scheduler`` when due.

Apps register their jobs in ``AppConfig.ready()``::

    from socialmission.core import schedule

    schedule.register("check_links", every=timedelta(hours=6), command="check_links")

Any number of schedulers may run (one per machine, or a cron line calling
``socialmission scheduler --once``): a due job is claimed by one conditional UPDATE of its
``ScheduledJob`` row that moves ``next_run_at`` forward and takes a lease, so it runs once per
period however many schedulers see it due at the same moment. The lease is renewed while the
job runs, so a run longer than its period is never started twice; a scheduler that dies
leaves a lease that expires after ``LEASE`` and the job becomes runnable again.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=10)
RENEW_EVERY = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    name: str
    every: datetime.timedelta
    command: str
    args: tuple[str, ...] = ()


_jobs: dict[str, Job] = {}


def register(
    name: str, *, every: datetime.timedelta, command: str, args: Sequence[str] = ()
) -> None:
    """Run ``socialmission <command> <args…>`` every ``every``. Registering again replaces."""
    if every <= datetime.timedelta(0):
        raise ValueError("A periodic job needs a positive period.")
    _jobs[name] = Job(name=name, every=every, command=command, args=tuple(args))


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def jobs() -> list[Job]:
    return [_jobs[name] for name in sorted(_jobs)]


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


Runner = Callable[[Job], None]


def run_command(job: Job) -> None:
    call_command(job.command, *job.args)


def _ensure_rows(now: datetime.datetime, selected: Sequence[Job]) -> None:
    from socialmission.core.models import ScheduledJob

    existing = set(
        ScheduledJob.objects.filter(name__in=[job.name for job in selected]).values_list(
            "name", flat=True
        )
    )
    for job in selected:
        if job.name not in existing:
            try:
                # A new job is due at once; a second scheduler creating it too loses quietly.
                ScheduledJob.objects.bulk_create(
                    [ScheduledJob(name=job.name, next_run_at=now)], ignore_conflicts=True
                )
            except IntegrityError:
                pass


def claim(job: Job, *, now: datetime.datetime, holder: str) -> bool:
    """Take ``job`` if it is due and nobody runs it; True when this caller won it."""
    from socialmission.core.models import ScheduledJob

    return (
        ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            next_run_at=now + job.every,
            lease_until=now + LEASE,
            lease_holder=holder,
            last_started_at=now,
        )
        == 1
    )


def _renew_while(job: Job, holder: str, done: threading.Event) -> None:
    from socialmission.core.models import ScheduledJob

    try:
        while not done.wait(RENEW_EVERY.total_seconds()):
            ScheduledJob.objects.filter(name=job.name, lease_holder=holder).update(
                lease_until=timezone.now() + LEASE
            )
    finally:
        connection.close()


def run_due(
    *,
    now: datetime.datetime | None = None,
    runner: Runner = run_command,
    names: Sequence[str] | None = None,
) -> list[str]:
    """Run every registered job that is due (or those ``names``); returns the names run here."""
    from socialmission.core.mail import redact
    from socialmission.core.models import ScheduledJob

    now = now or timezone.now()
    selected = [job for job in jobs() if names is None or job.name in names]
    _ensure_rows(now, selected)
    holder = holder_id()
    ran: list[str] = []
    for job in selected:
        if not claim(job, now=now, holder=holder):
            continue
        ran.append(job.name)
        done = threading.Event()
        renewer = threading.Thread(target=_renew_while, args=(job, holder, done), daemon=True)
        renewer.start()
        error = ""
        try:
            runner(job)
        except Exception:
            error = redact(traceback.format_exc())
            logger.error("Scheduled job %s failed; see its row in the admin.", job.name)
        finally:
            done.set()
            renewer.join()
        ScheduledJob.objects.filter(name=job.name, lease_holder=holder).update(
            lease_until=None,
            lease_holder="",
            last_finished_at=timezone.now(),
            last_succeeded=not error,
            last_error=error[-10_000:],
            runs=F("runs") + 1,
        )
    return ran
