"""Tasks the tests enqueue (tasks must be module-level functions; the worker imports them)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from socialmission.core.tasks import task

calls: list[tuple[int, str]] = []


@task
def record(number: int, *, label: str = "") -> int:
    calls.append((number, label))
    return number * 2


@task(priority=10, queue_name="slow")
def prioritised(number: int) -> int:
    return number


@task
def wait_for_release(directory: str) -> str:
    """Signal that it started, then work until the test releases it (or a minute passes)."""
    folder = Path(directory)
    (folder / f"started-{os.getpid()}").write_text("started")
    for _ in range(600):
        if (folder / "release").exists():
            break
        time.sleep(0.1)
    (folder / "finished").write_text("finished")
    return "done"


@task
def touch(directory: str, name: str) -> None:
    (Path(directory) / name).write_text(name)
