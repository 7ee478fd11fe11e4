"""Background tasks: the only module of ours that imports django-tasks and its database backend.

Django's tasks framework (the ``django-tasks`` backport, ``django.tasks`` from Django 6) with the
``django-tasks-db`` backend: the queue is a table in our own database, so one machine needs no
broker, and several workers on several machines share one PostgreSQL queue (rows are claimed
with ``SELECT … FOR UPDATE SKIP LOCKED``). Under pytest the immediate backend runs each task as
it is enqueued (``TASKS_BACKEND=immediate``, set by the root conftest).

Usage, in any app::

    from socialmission.core.tasks import task

    @task(queue_name="default")
    def check_one(resource_id: int) -> None: ...

    check_one.enqueue(resource.pk)          # arguments must be JSON: pass ids, not objects

Enqueue after the transaction commits (``transaction.on_commit``) when the task reads rows the
caller is writing. Tasks must be idempotent: a task interrupted by a forced stop or a crash is
run again (see ``requeue_interrupted``).
"""

from __future__ import annotations

import datetime
import logging
import sys
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, overload

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks import task as _task
from django_tasks.base import Task, TaskResult

if TYPE_CHECKING:
    from django.contrib.admin import AdminSite
    from django.http import HttpRequest

__all__ = [
    "Task",
    "TaskResult",
    "enqueue_after",
    "install_admin",
    "prune_finished",
    "requeue_interrupted",
    "task",
    "worker_command",
]

P = ParamSpec("P")
T = TypeVar("T")

logger = logging.getLogger(__name__)


@overload
def task(function: Callable[P, T], /) -> Task[P, T]: ...


@overload
def task(
    *, priority: int = 0, queue_name: str = "default"
) -> Callable[[Callable[P, T]], Task[P, T]]: ...


def task(
    function: Callable[P, T] | None = None,
    /,
    *,
    priority: int = 0,
    queue_name: str = "default",
) -> Task[P, T] | Callable[[Callable[P, T]], Task[P, T]]:
    """Make a module-level function a task: ``@task`` or ``@task(priority=…, queue_name=…)``.

    The result has ``.enqueue(*args, **kwargs)`` (JSON-serialisable arguments) and ``.call``.
    ``priority`` runs from -100 to 100 (higher first); any queue name is accepted, and
    ``socialmission worker`` serves every queue unless told otherwise.
    """
    decorator = _task(priority=priority, queue_name=queue_name)
    if function is not None:
        return decorator(function)
    return decorator


def enqueue_after(
    delay: datetime.timedelta, task_: Task[P, T], *args: P.args, **kwargs: P.kwargs
) -> None:
    """Enqueue ``task_`` to run no sooner than ``delay`` from now.

    A backend that cannot defer (the immediate backend of the tests) runs it at once, so a
    retry schedule still plays out, only without the waiting.
    """
    backend = task_.get_backend()
    if backend.supports_defer and delay > datetime.timedelta(0):
        task_ = task_.using(run_after=timezone.now() + delay)
    task_.enqueue(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# The worker


def worker_command() -> type[Any]:
    """The class of ``socialmission worker``: django-tasks-db's ``db_worker``, with our defaults.

    Imported lazily: the package's worker module loads its models, which needs the app registry.
    The first SIGTERM/SIGINT lets the task under way finish, then the worker exits (status 0).
    A second signal interrupts the task; the package would record it as failed, so here it is
    put back in the queue for the next worker, and the process exits with status 1.
    """
    from django_tasks_db.management.commands import db_worker

    class Worker(db_worker.Worker):
        forced = False

        def shutdown(self, signum: int, frame: FrameType | None) -> None:
            if not self.running and self.running_task:
                self.forced = True  # the package raises SystemExit inside the task now
            super().shutdown(signum, frame)

        def run_task(self, db_task_result: Any) -> None:
            super().run_task(db_task_result)
            if self.forced:
                _requeue(db_task_result)
                logger.warning(
                    "Task %s was interrupted and is back in the queue.", db_task_result.pk
                )
                sys.exit(1)

    class Command(db_worker.Command):
        help = (
            "Run a background worker. SIGTERM or Ctrl-C: the task under way finishes, then the "
            "worker exits; a second signal puts that task back in the queue and exits at once."
        )

        def add_arguments(self, parser: Any) -> None:
            super().add_arguments(parser)
            # Every queue by default; no autoreload unless asked (it cannot stop tasks cleanly).
            parser.set_defaults(queue_name="*", reload=False)

        def handle(self, *args: Any, **options: Any) -> None:
            # The package's command builds ``Worker`` by its module-level name.
            db_worker.Worker = Worker  # type: ignore[misc]
            super().handle(*args, **options)

    return Command


def _requeue(db_task_result: Any) -> None:
    db_task_result.status = TaskResultStatus.READY
    db_task_result.started_at = None
    db_task_result.finished_at = None
    db_task_result.exception_class_path = ""
    db_task_result.traceback = ""
    db_task_result.save(
        update_fields=["status", "started_at", "finished_at", "exception_class_path", "traceback"]
    )


# ---------------------------------------------------------------------------------------------
# Housekeeping (the ``cleanup`` job)


def prune_finished(
    *, successful_before: datetime.datetime, failed_before: datetime.datetime
) -> int:
    """Delete finished task rows: successful ones before one date, failed ones before another."""
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    deleted, _ = (
        DBTaskResult.objects.filter(
            Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=successful_before)
            | Q(status=TaskResultStatus.FAILED, finished_at__lt=failed_before)
        )
    ).delete()
    return deleted


def requeue_interrupted(*, started_before: datetime.datetime) -> int:
    """Put back in the queue the tasks still "running" since before ``started_before``.

    Only a worker killed outright (SIGKILL, power loss) leaves such rows; the tasks are
    idempotent, so running them again is safe.
    """
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=started_before
    ).update(status=TaskResultStatus.READY, started_at=None)


def queued_count(*, deferred_too: bool = True) -> int:
    """Tasks waiting in the database queue; with ``deferred_too=False`` only those due now."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    return (waiting if deferred_too else waiting.ready()).count()


def run_pending(*, deferred_too: bool = False) -> int:
    """Run, in this process, every queued task that is due; returns how many ran.

    ``deferred_too`` first makes the deferred ones (retries waiting out their delay) due now:
    for an operator who has fixed the mail server, and for tests.
    """
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    if deferred_too:
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="inline",
        excluded_queue_names=[],
    )
    # The package's loop closes "old" connections between tasks, which would end the caller's
    # transaction; this loop claims and runs the same way without that.
    ran = 0
    while True:
        with transaction.atomic():
            row = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if row is None:
                return ran
            row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1


def install_admin(site: AdminSite, *, allowed: Callable[[HttpRequest], bool]) -> None:
    """Show the task table in the admin, read-only, only to users ``allowed`` says may see it.

    Failed tasks carry tracebacks, which may quote what a task was working on.
    """
    from django_tasks_db import admin as db_admin
    from django_tasks_db.models import DBTaskResult

    class TaskResultAdmin(db_admin.DBTaskResultAdmin):
        def has_module_permission(self, request: HttpRequest) -> bool:
            return allowed(request)

        def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return allowed(request)

    if site.is_registered(DBTaskResult):
        site.unregister(DBTaskResult)
    site.register(DBTaskResult, TaskResultAdmin)
