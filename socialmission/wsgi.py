"""WSGI entry point: refuses to start on a broken set-up, then brings the search index up to date
before the first request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmission.settings")
application = get_wsgi_application()

from socialmission.core.checks import startup_checks  # noqa: E402
from socialmission.library.indexing import ensure_index_at_startup  # noqa: E402

startup_checks()
ensure_index_at_startup()

from django.db import connections  # noqa: E402

# Connections persist (CONN_MAX_AGE): the start-up one belongs to no request, so close it here.
connections.close_all()

import gc  # noqa: E402

# What start-up loaded (modules, settings, apps, the index) lives as long as the process: out of
# the garbage collector's way, its collections during requests cost about a third less.
gc.freeze()
