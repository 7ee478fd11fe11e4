"""WSGI entry point; brings the search index up to date before the first request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmission.settings")
application = get_wsgi_application()

from socialmission.library.indexing import ensure_index_at_startup  # noqa: E402

ensure_index_at_startup()
