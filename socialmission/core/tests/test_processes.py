"""Real processes: the worker stopping with a task under way, two schedulers at once, ``make run``.

Each test gets its own migrated SQLite file (copied from one migrated per module) that the
test process and the subprocesses share; nothing listens on a fixed port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from socialmission.core.tests.conftest import free_port

BIN = Path(sys.executable).parent
MANAGE = str(BIN / "socialmission")
REPO = Path(__file__).resolve().parents[3]
TASK_TABLE = "django_tasks_database_dbtaskresult"


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'library.sqlite3'}",
        TASKS_BACKEND="database",
        SECRET_KEY="test-only-secret",
        DEBUG="false",
        PATH=f"{BIN}:{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("TEST_DATABASE_NAME", None)
    # Under `make test-postgres DATABASE_URL=…` the outer make hands its command-line variables
    # to every make below it through MAKEFLAGS, which would override DATABASE_URL above for the
    # `make run` this module starts: its server and worker would use another database.
    for name in ("MAKEFLAGS", "MAKEOVERRIDES", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [MANAGE, "migrate", "--noinput", "-v", "0"], env=_env(data_dir), check=True, timeout=300
    )
    return data_dir


@pytest.fixture
def project(migrated: Path, tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for path in migrated.glob("library.sqlite3*"):
        shutil.copy(path, data_dir / path.name)
    return data_dir


def manage(data_dir: Path, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [MANAGE, *args],
        env=_env(data_dir),
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.stdout


def enqueue(data_dir: Path, call: str) -> None:
    manage(
        data_dir,
        "shell",
        "-c",
        f"from socialmission.core.tests import sample_tasks as t; t.{call}",
    )


def task_rows(data_dir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        rows = db.execute(
            f"SELECT task_path, status FROM {TASK_TABLE} ORDER BY enqueued_at"  # noqa: S608
        ).fetchall()
    return [(path.rsplit(".", 1)[-1], status) for path, status in rows]


def wait_for(condition: Callable[[], bool], what: str, limit: float = 60) -> None:
    """Poll until ``condition`` holds; the limit only stops a broken test from hanging."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


class Worker:
    """A ``socialmission worker`` subprocess whose output lines are collected as they come."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [MANAGE, "worker", "--interval", "0.1", "--no-startup-delay"],
            env=_env(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        try:
            code = self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.reader.join(10)
        return code


def test_sigterm_lets_the_task_under_way_finish(project: Path, tmp_path: Path) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    enqueue(project, f"wait_for_release.enqueue({str(signals)!r})")
    enqueue(project, f"touch.enqueue({str(signals)!r}, 'second')")
    worker = Worker(project)
    wait_for(lambda: any(signals.glob("started-*")), "the task to start")
    worker.process.send_signal(signal.SIGTERM)
    wait_for(lambda: "shutting down gracefully" in worker.output, "the worker to take the signal")
    # The worker is still finishing the task: it has not exited, the task is running.
    assert worker.process.poll() is None
    assert task_rows(project)[0] == ("wait_for_release", "RUNNING")
    (signals / "release").write_text("go")
    assert worker.stop() == 0, worker.output
    assert (signals / "finished").exists()
    # Finished, and the next task was left in the queue for another worker, not dropped.
    assert task_rows(project) == [("wait_for_release", "SUCCESSFUL"), ("touch", "READY")]
    assert not (signals / "second").exists()
    manage(project, "worker", "--batch", "--no-startup-delay")
    assert (signals / "second").exists()
    assert task_rows(project) == [("wait_for_release", "SUCCESSFUL"), ("touch", "SUCCESSFUL")]


def test_a_second_sigterm_puts_the_task_back_in_the_queue(project: Path, tmp_path: Path) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    enqueue(project, f"wait_for_release.enqueue({str(signals)!r})")
    worker = Worker(project)
    wait_for(lambda: any(signals.glob("started-*")), "the task to start")
    worker.process.send_signal(signal.SIGTERM)
    wait_for(lambda: "shutting down gracefully" in worker.output, "the worker to take the signal")
    worker.process.send_signal(signal.SIGTERM)
    assert worker.stop() == 1, worker.output
    assert "back in the queue" in worker.output
    assert not (signals / "finished").exists()
    assert task_rows(project) == [("wait_for_release", "READY")]
    # The next worker runs it to the end.
    (signals / "release").write_text("go")
    manage(project, "worker", "--batch", "--no-startup-delay")
    assert (signals / "finished").exists()
    assert task_rows(project) == [("wait_for_release", "SUCCESSFUL")]


def test_two_scheduler_processes_at_once_run_the_due_job_once(project: Path) -> None:
    env = _env(project)
    command = [MANAGE, "scheduler", "--once", "--job", "cleanup"]
    schedulers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in schedulers]
    assert [p.returncode for p in schedulers] == [0, 0]
    assert sum(out.count("ran cleanup") for out in outputs) == 1
    with sqlite3.connect(project / "library.sqlite3") as db:
        assert db.execute("SELECT runs FROM core_scheduledjob WHERE name='cleanup'").fetchone() == (
            1,
        )
    # Run again straight away: not due, nothing runs.
    assert "ran cleanup" not in manage(project, "scheduler", "--once", "--job", "cleanup")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_make_run_serves_runs_a_worker_and_stops_both_on_ctrl_c(
    project: Path, tmp_path: Path
) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    port = free_port()
    env = _env(project) | {"DEBUG": "true"}
    launcher = subprocess.Popen(
        ["make", "-s", "run", f"PORT={port}", "HOST=127.0.0.1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    try:
        wait_for(lambda: _listening(port), "the development server", limit=180)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
        # The worker beside it runs what the site queues.
        enqueue(project, f"touch.enqueue({str(signals)!r}, 'from-worker')")
        wait_for(lambda: (signals / "from-worker").exists(), "the worker to run the task")
        os.killpg(launcher.pid, signal.SIGINT)  # what Ctrl-C does in a terminal
        output, _ = launcher.communicate(timeout=60)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    assert not _listening(port), output
    with pytest.raises(ProcessLookupError):
        os.killpg(launcher.pid, 0)  # no process of the group is left
    assert "web" in output and "worker" in output
