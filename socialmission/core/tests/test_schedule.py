"""core.schedule and ``socialmission scheduler``: each due job runs once, however many schedulers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from socialmission.core import schedule
from socialmission.core.models import ScheduledJob


@pytest.fixture
def job() -> Iterator[schedule.Job]:
    schedule.register("test_job", every=timedelta(hours=1), command="cleanup", args=["-v", "0"])
    yield schedule.jobs()[[j.name for j in schedule.jobs()].index("test_job")]
    schedule.unregister("test_job")


class Counter:
    def __init__(self) -> None:
        self.runs: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, job: schedule.Job) -> None:
        with self.lock:
            self.runs.append(job.name)


def test_the_cleanup_job_is_registered() -> None:
    names = {j.name: j for j in schedule.jobs()}
    assert names["cleanup"].command == "cleanup"
    assert names["cleanup"].every == timedelta(hours=1)


def test_register_refuses_a_period_that_is_not_positive() -> None:
    with pytest.raises(ValueError):
        schedule.register("never", every=timedelta(0), command="cleanup")


@pytest.mark.django_db
def test_running_twice_does_the_work_once(job: schedule.Job) -> None:
    counter = Counter()
    assert schedule.run_due(runner=counter, names=["test_job"]) == ["test_job"]
    assert schedule.run_due(runner=counter, names=["test_job"]) == []
    assert counter.runs == ["test_job"]
    row = ScheduledJob.objects.get(name="test_job")
    assert row.runs == 1 and row.last_succeeded is True and row.lease_until is None
    # Due again one period later.
    later = timezone.now() + timedelta(hours=1, seconds=1)
    assert schedule.run_due(runner=counter, names=["test_job"], now=later) == ["test_job"]
    assert counter.runs == ["test_job", "test_job"]


@pytest.mark.django_db
def test_each_job_is_a_command_the_scheduler_runs(job: schedule.Job) -> None:
    from django_tasks_db.models import DBTaskResult  # the test inspects the package's table

    assert schedule.run_due(names=["test_job"]) == ["test_job"]
    assert DBTaskResult.objects.count() == 0  # cleanup ran (nothing to delete) without error
    assert ScheduledJob.objects.get(name="test_job").last_succeeded is True


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(job: schedule.Job) -> None:
    schedule.register("second_job", every=timedelta(hours=1), command="cleanup")
    counter = Counter()

    def runner(j: schedule.Job) -> None:
        if j.name == "second_job":
            raise RuntimeError("mail to someone@example.org bounced")
        counter(j)

    try:
        ran = schedule.run_due(runner=runner, names=["second_job", "test_job"])
    finally:
        schedule.unregister("second_job")
    assert ran == ["second_job", "test_job"]
    failed = ScheduledJob.objects.get(name="second_job")
    assert failed.last_succeeded is False
    assert "RuntimeError" in failed.last_error
    assert "someone@example.org" not in failed.last_error
    assert counter.runs == ["test_job"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_scheduler_does_not_start_a_job_under_way() -> None:
    schedule.register("test_job", every=timedelta(minutes=1), command="cleanup")
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow(j: schedule.Job) -> None:
        runs.append("first")
        started.set()
        release.wait(30)

    def first() -> None:
        try:
            schedule.run_due(runner=slow, names=["test_job"])
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(30)
    # Once the period has passed but the first run holds its lease, the job is not started again.
    later = timezone.now() + timedelta(minutes=5)
    try:
        second = schedule.run_due(
            runner=lambda j: runs.append("second"), names=["test_job"], now=later
        )
    finally:
        release.set()
        thread.join(30)
        schedule.unregister("test_job")
    assert second == []
    assert runs == ["first"]
    assert ScheduledJob.objects.get(name="test_job").runs == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_once_run_a_due_job_once(job: schedule.Job) -> None:
    if connection.vendor == "sqlite":
        # Shared-cache in-memory SQLite has table locks, not row locks; the subprocess test
        # below runs two schedulers at once on a SQLite file instead.
        pytest.skip("in-memory SQLite cannot run two writers in threads")
    counter = Counter()
    barrier = threading.Barrier(4)
    results: list[list[str]] = []

    def scheduler() -> None:
        try:
            barrier.wait(30)
            results.append(schedule.run_due(runner=counter, names=["test_job"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert counter.runs == ["test_job"]
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]


def test_list_shows_each_job_with_its_command(capsys: Any) -> None:
    call_command("scheduler", "--list")
    assert "cleanup\tevery 1:00:00\tsocialmission cleanup" in capsys.readouterr().out
