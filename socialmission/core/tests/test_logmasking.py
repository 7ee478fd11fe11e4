"""Private links are masked in every log line (issue 10 §7): gunicorn's access and error logs,
Django's request logging. gunicorn's timeouts are read from the environment, and a real gunicorn
with gunicorn.conf.py shows what each does (README, "Settings")."""

from __future__ import annotations

import io
import logging
import os
import runpy
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from gunicorn.config import KNOWN_SETTINGS

from socialmission.core.logmasking import MASK, mask_private_links
from socialmission.core.tests.processes import free_port

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "Tok3n_" + "x" * 36 + "Z"  # 43 URL-safe characters, like secrets.token_urlsafe(32)


def _token_routes(
    resolvers: list[Any] | None = None, namespace: str = ""
) -> Iterator[tuple[str, list[str]]]:
    """The name and captures of every URL pattern that captures a ``token``."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _token_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            captures = list(entry.pattern.regex.groupindex)
            if "token" in converters or "token" in captures:
                yield namespace + entry.name, captures


def test_every_private_link_of_the_site_is_masked() -> None:
    """A sweep over the URL patterns: a new pattern capturing a token fails here until
    core/logmasking.py masks it."""
    routes = sorted(_token_routes())
    # status, 3 alert links, share link, invitation, password reset
    assert len(routes) >= 7, routes
    for name, captures in routes:
        path = reverse(name, kwargs={c: TOKEN if c == "token" else "MQ" for c in captures})
        line = f'127.0.0.1 - - "GET {path}?new=1 HTTP/1.1" 200 "https://x.org{path}" "UA"'
        assert TOKEN not in mask_private_links(line), name
        assert mask_private_links(line).count(MASK) == 2, name
    # Other addresses are left alone.
    assert mask_private_links("GET /guides/contribute/ /search/?q=status") == (
        "GET /guides/contribute/ /search/?q=status"
    )
    assert mask_private_links("/accounts/reset/MQ/set-password/") == (
        "/accounts/reset/MQ/set-password/"
    )


@pytest.mark.django_db
def test_django_request_log_masks_a_status_link(client: Any) -> None:
    """ "Not Found: /contribute/status/<token>/" as the configured console handler writes it."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if type(h) is logging.StreamHandler  # the console handler of settings.LOGGING
    ]
    assert handlers
    stream = io.StringIO()
    previous = [h.setStream(stream) for h in handlers]
    try:
        assert client.get(f"/contribute/status/{TOKEN}/").status_code == 404
        assert client.get(f"/alerts/manage/{TOKEN}abcde/").status_code == 404
    finally:
        for h, old in zip(handlers, previous, strict=True):
            h.setStream(old)
    written = stream.getvalue()
    assert f"Not Found: /contribute/status/{MASK}/" in written
    assert f"/alerts/manage/{MASK}/" in written
    assert TOKEN not in written


def test_django_server_log_masks_links() -> None:
    """The development server's request lines (django.server) go through the same filter."""
    [handler] = [
        h for h in logging.getLogger("django.server").handlers if type(h) is logging.StreamHandler
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        0,
        '"GET /assessment/shared/%s/ HTTP/1.1" 200',
        (TOKEN,),
        None,
    )
    try:
        # Straight to the configured handler: other tests may change the logger's level.
        handler.handle(record)
    finally:
        handler.setStream(old)
    assert f"/assessment/shared/{MASK}/" in stream.getvalue()
    assert TOKEN not in stream.getvalue()


def test_gunicorn_config_reads_its_timeouts_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    monkeypatch.delenv("GUNICORN_GRACEFUL_TIMEOUT", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # By default a reload or stop waits as long as the worker timeout for responses under way.
    assert config["graceful_timeout"] == config["timeout"] == 120
    monkeypatch.setenv("GUNICORN_TIMEOUT", "300")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["timeout"] == config["graceful_timeout"] == 300
    monkeypatch.setenv("GUNICORN_GRACEFUL_TIMEOUT", "90")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["timeout"], config["graceful_timeout"]) == (300, 90)
    # Every name the file sets is a gunicorn setting (a typo would be ignored silently).
    known = {setting.name for setting in KNOWN_SETTINGS}
    names = {k for k, v in config.items() if not k.startswith("_") and not callable(v)}
    names -= {"multiprocessing", "os"}
    assert names <= known, names - known
    assert {"timeout", "graceful_timeout", "logger_class"} <= names


def test_gunicorn_access_log_masks_private_links(
    process_env: dict[str, str], tmp_path: Path
) -> None:
    """A real gunicorn with the project's gunicorn.conf.py: request line and Referer masked."""
    port = free_port()
    access = tmp_path / "access.log"
    command = [sys.executable, "-m", "gunicorn", "socialmission.wsgi", "-c", "gunicorn.conf.py"]
    proc = subprocess.Popen(
        [*command, "-w", "1", "-b", f"127.0.0.1:{port}", "--access-logfile", str(access)],
        cwd=ROOT,
        env={**process_env, "SECRET_KEY": "test", "DEBUG": "false", "PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/healthz/", timeout=5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        status = httpx.get(f"{url}/contribute/status/{TOKEN}/?new=1", timeout=10)
        assert status.status_code == 404
        referred = httpx.get(
            f"{url}/healthz/",
            headers={"Referer": f"https://library.example.org/alerts/manage/{TOKEN}/"},
            timeout=10,
        )
        assert referred.status_code in {200, 503}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log = access.read_text()
    assert f"GET /contribute/status/{MASK}/?new=1" in log
    assert f"/alerts/manage/{MASK}/" in log
    assert TOKEN not in log


def test_the_error_mail_to_the_admins_masks_private_links(settings: Any, mailoutbox: Any) -> None:
    """Django's 500 e-mail carries the request's address, Referer and META: all masked.

    The handler settings.LOGGING names is built and given the record Django logs for a 500
    directly, so no other test's changes to the logging tree can hide it."""
    from django.test import RequestFactory
    from django.utils.module_loading import import_string

    settings.ADMINS = [("Admin", "admin@example.org")]
    handler = import_string(settings.LOGGING["handlers"]["mail_admins"]["class"])()
    assert isinstance(handler, logging.Handler)
    request = RequestFactory().get(
        f"/contribute/status/{TOKEN}/",
        {"page": "2"},
        HTTP_REFERER=f"https://example.org/alerts/unsubscribe/{TOKEN}/",
    )
    try:
        raise RuntimeError("the view failed")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            0,
            "Internal Server Error: %s",
            (request.path,),
            sys.exc_info(),
        )
    record.status_code = 500
    record.request = request
    handler.emit(record)
    (mail,) = mailoutbox
    assert mail.to == ["admin@example.org"]
    assert TOKEN not in mail.subject and MASK in mail.subject
    assert TOKEN not in mail.body
    # The request's details are still there, with the token masked.
    assert f"/contribute/status/{MASK}/" in mail.body
    assert f"/alerts/unsubscribe/{MASK}/" in mail.body
    assert "the view failed" in mail.body


_TIMEOUT_APP = """
import ctypes
import os
import pathlib
import time


def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        seconds = float(environ["QUERY_STRING"])
        pathlib.Path(os.environ["STARTED_DIR"], environ["QUERY_STRING"]).touch()
        time.sleep(seconds)  # releases the GIL: the worker's main loop keeps checking in
    elif environ["PATH_INFO"] == "/hang":
        ctypes.PyDLL(None).sleep(6)  # libc's sleep with the GIL held: the whole worker is stuck
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
"""


@contextmanager
def _server_with_timeouts(tmp_path: Path, **settings: str) -> Iterator[_Server]:
    """gunicorn with the project's gunicorn.conf.py (one worker, its two threads) serving a
    tiny app whose answer is the worker's pid, with ``settings`` (GUNICORN_TIMEOUT, ...)."""
    (tmp_path / "timeout_app.py").write_text(_TIMEOUT_APP)
    started = tmp_path / "started"
    started.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")},
        **settings,
        "WEB_CONCURRENCY": "1",
        "PYTHONPATH": str(tmp_path),
        "STARTED_DIR": str(started),
    }
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "timeout_app:app", "-c", "gunicorn.conf.py"]
    proc = subprocess.Popen(
        [*command, "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = _Server(f"http://127.0.0.1:{port}", proc, started)
    try:
        yield server
    finally:
        proc.terminate()
        _, server.errors = proc.communicate(timeout=30)


@dataclass
class _Server:
    url: str
    proc: subprocess.Popen[str]
    started: Path
    errors: str = ""

    def pid(self) -> str:
        """The pid of the worker that answers, waiting for the server (or a new worker)."""
        for _ in range(300):
            assert self.proc.poll() is None, "gunicorn exited"
            try:
                return httpx.get(self.url, timeout=5).text
            except httpx.TransportError:
                time.sleep(0.1)
        pytest.fail("gunicorn did not answer")

    def pid_other_than(self, old: str) -> str:
        """The pid of a worker other than ``old``: right after a reload the old one may still
        take a request before its stop signal arrives."""
        for _ in range(300):
            pid = self.pid()
            if pid != old:
                return pid
            time.sleep(0.1)
        pytest.fail(f"worker {old} is still the one answering")

    def slow_in_background(self, seconds: str) -> Callable[[], httpx.Response | Exception]:
        """Start ``/slow?seconds`` on a thread; once the app is answering it, return a function
        that waits for the response (or the error that ended it)."""
        outcome: list[httpx.Response | Exception] = []

        def get() -> None:
            try:
                outcome.append(httpx.get(f"{self.url}/slow?{seconds}", timeout=30))
            except httpx.TransportError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=get)
        thread.start()
        for _ in range(300):
            if (self.started / seconds).exists():
                break
            time.sleep(0.02)
        else:
            pytest.fail(f"the app never started /slow?{seconds}")

        def result() -> httpx.Response | Exception:
            thread.join(timeout=30)
            return outcome[0]

        return result


def test_the_worker_timeout_restarts_a_hung_worker_and_lets_a_slow_response_finish(
    tmp_path: Path,
) -> None:
    """What ``GUNICORN_TIMEOUT`` does with the project's threaded workers (README, "Settings"):
    a worker whose process stops answering its master (here: stuck holding the GIL) is killed
    and replaced; a response that is only slow, on one of the worker's threads, is not cut off.
    """
    with _server_with_timeouts(tmp_path, GUNICORN_TIMEOUT="1") as server:
        first = server.pid()
        slow = httpx.get(f"{server.url}/slow?2.5", timeout=30)
        assert slow.status_code == 200
        assert slow.text == first  # the same worker, not restarted
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{server.url}/hang", timeout=30)  # the master kills the worker under way
        server.pid_other_than(first)  # a new worker answers
    assert "WORKER TIMEOUT" in server.errors


def test_a_stop_lets_responses_under_way_finish_within_the_graceful_timeout(
    tmp_path: Path,
) -> None:
    """``GUNICORN_GRACEFUL_TIMEOUT`` (README, "Settings"): on a stop (SIGTERM) the worker
    finishes the responses under way that end within it; longer ones are cut off."""
    with _server_with_timeouts(
        tmp_path, GUNICORN_TIMEOUT="30", GUNICORN_GRACEFUL_TIMEOUT="3"
    ) as server:
        old = server.pid()
        short = server.slow_in_background("0.5")
        long = server.slow_in_background("10")  # the worker's second thread
        server.proc.terminate()
        finished = short()
        assert isinstance(finished, httpx.Response)
        assert (finished.status_code, finished.text) == (200, old)
        assert isinstance(long(), httpx.TransportError)
        assert server.proc.wait(timeout=30) == 0


def test_a_reload_lets_the_old_worker_finish_for_the_graceful_and_the_worker_timeouts(
    tmp_path: Path,
) -> None:
    """On a reload (SIGHUP, as a deploy sends) a new worker answers at once; the old one stops
    taking requests, waits ``GUNICORN_GRACEFUL_TIMEOUT`` for those under way, then stops
    checking in with the master, which kills it ``GUNICORN_TIMEOUT`` later: a response under
    way may take both together (README, "Settings")."""
    with _server_with_timeouts(
        tmp_path, GUNICORN_TIMEOUT="5", GUNICORN_GRACEFUL_TIMEOUT="1"
    ) as server:
        old = server.pid()
        within = server.slow_in_background("3")  # past the graceful timeout, within both
        beyond = server.slow_in_background("15")  # the worker's second thread
        os.kill(server.proc.pid, signal.SIGHUP)
        server.pid_other_than(old)
        finished = within()
        assert isinstance(finished, httpx.Response)
        assert (finished.status_code, finished.text) == (200, old)
        assert isinstance(beyond(), httpx.TransportError)
    assert "WORKER TIMEOUT" in server.errors
