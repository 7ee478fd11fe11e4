"""Production-style gunicorn settings: one worker per core, threads for I/O waits."""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
