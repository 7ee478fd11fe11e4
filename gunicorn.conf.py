"""Production-style gunicorn settings: one worker per core, threads for I/O waits.

``timeout`` restarts a hung worker: one whose process has not checked in with gunicorn's master
for that long (stuck holding the GIL, say) is killed and replaced, with whatever it was
answering. With threaded workers it does not cut off a response that is only slow: a request
runs on one of the worker's threads while its main loop keeps checking in. What bounds a
response is the work itself (capped search exports, ``IMPORT_MAX_BYTES``; whole-library
exports are pre-built files) and, for the client, the proxy's read timeout.
``graceful_timeout`` is how long a stop (SIGTERM) lets requests under way finish before their
worker is killed. On a reload (SIGHUP) a new worker answers at once, and the old one waits
``graceful_timeout`` for its requests under way, then stops checking in, so the master kills it
``timeout`` later: a request under way has both together. By default ``graceful_timeout`` is
``timeout``, so neither cuts off an import or export of ordinary length. Both are settable from
the environment (README, "Settings"); ``core/tests/test_logmasking.py`` runs a real gunicorn
with this file to check each of these behaviours.
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
