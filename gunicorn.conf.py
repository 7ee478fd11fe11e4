"""Production-style gunicorn settings: one worker per core, threads for I/O waits.

``timeout`` bounds the longest response: the longest ones are an import upload (up to
``IMPORT_MAX_BYTES``) and a capped search export; whole-library exports are served from
pre-built files. ``graceful_timeout`` is how long a reload or stop (SIGHUP, SIGTERM) lets
requests under way finish before their worker is killed: as long as the longest response, so a
reload cuts none off. Both are settable from the environment (README, "Settings").
"""

import multiprocessing
import os


def _seconds(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = _seconds("GUNICORN_TIMEOUT", 120)
graceful_timeout = _seconds("GUNICORN_GRACEFUL_TIMEOUT", timeout)
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# Private links (status links, alert and share links) are masked in the access and error logs.
logger_class = "socialmission.core.gunicorn_logger.MaskingLogger"
