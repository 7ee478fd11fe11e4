"""core.tasks: the decorator others code against, on the immediate and the database backend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from socialmission.core import tasks
from socialmission.core.tests import sample_tasks

pytestmark = pytest.mark.django_db


def test_tests_run_tasks_immediately() -> None:
    sample_tasks.calls.clear()
    result = sample_tasks.record.enqueue(3, label="now")
    assert sample_tasks.calls == [(3, "now")]
    assert result.return_value == 6


def test_decorator_keeps_priority_and_queue() -> None:
    assert sample_tasks.prioritised.priority == 10
    assert sample_tasks.prioritised.queue_name == "slow"
    assert sample_tasks.prioritised.enqueue(5).return_value == 5


def test_database_queue_holds_tasks_until_a_worker_runs_them(database_queue: None) -> None:
    sample_tasks.calls.clear()
    sample_tasks.record.enqueue(1)
    sample_tasks.prioritised.enqueue(2)
    assert sample_tasks.calls == []
    assert tasks.queued_count() == 2
    assert tasks.run_pending() == 2
    assert sample_tasks.calls == [(1, "")]
    assert tasks.queued_count() == 0


def test_enqueue_after_defers_on_the_database_queue(database_queue: None) -> None:
    sample_tasks.calls.clear()
    tasks.enqueue_after(timedelta(minutes=5), sample_tasks.record, 7)
    assert tasks.queued_count() == 1
    assert tasks.queued_count(deferred_too=False) == 0
    assert tasks.run_pending() == 0
    assert sample_tasks.calls == []


def test_enqueue_after_runs_at_once_on_the_immediate_backend() -> None:
    sample_tasks.calls.clear()
    tasks.enqueue_after(timedelta(minutes=5), sample_tasks.record, 8)
    assert sample_tasks.calls == [(8, "")]


def test_cleanup_prunes_old_finished_tasks_and_requeues_interrupted_ones(
    database_queue: None,
) -> None:
    sample_tasks.record.enqueue(1)
    sample_tasks.record.enqueue(2)
    tasks.run_pending()
    old = timezone.now() - timedelta(days=20)
    from django_tasks_db.models import DBTaskResult  # the test inspects the package's table

    first, second = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=first.pk).update(finished_at=old)
    sample_tasks.record.enqueue(3)
    stuck = DBTaskResult.objects.get(status="READY")
    DBTaskResult.objects.filter(pk=stuck.pk).update(status="RUNNING", started_at=old)
    call_command("cleanup", verbosity=0)
    assert set(DBTaskResult.objects.values_list("pk", "status")) == {
        (second.pk, "SUCCESSFUL"),
        (stuck.pk, "READY"),
    }


def test_cleanup_prunes_applied_index_outbox_rows(settings: Any) -> None:
    from socialmission.library.models import IndexChange

    old = IndexChange.objects.create(kind=IndexChange.Kind.SYNONYMS)
    recent = IndexChange.objects.create(kind=IndexChange.Kind.SYNONYMS)
    pending = IndexChange.objects.create(kind=IndexChange.Kind.SYNONYMS)
    IndexChange.objects.filter(pk=old.pk).update(applied_at=timezone.now() - timedelta(days=8))
    IndexChange.objects.filter(pk=recent.pk).update(applied_at=timezone.now())
    call_command("cleanup", verbosity=0)
    assert set(IndexChange.objects.values_list("pk", flat=True)) >= {recent.pk, pending.pk}
    assert not IndexChange.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_share_one_queue_and_run_each_task_once(database_queue: None) -> None:
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("two writers in threads need PostgreSQL (the SIGTERM tests use SQLite)")
    sample_tasks.calls.clear()
    for number in range(40):
        sample_tasks.record.enqueue(number)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        try:
            barrier.wait(30)
            counts.append(tasks.run_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sum(counts) == 40
    assert sorted(n for n, _ in sample_tasks.calls) == list(range(40))
    assert tasks.queued_count() == 0
