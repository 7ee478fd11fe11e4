"""System checks for production set-ups that would otherwise fail on the first request.

Registered in ``CoreConfig.ready()``; `wsgi.py` runs them before serving, so gunicorn refuses
to start on an error instead of answering 500 to every form post.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


@checks.register(checks.Tags.caches)
def shared_cache_usable(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """CACHE_URL set means "count rate limits here": it must answer, or limits fail every post."""
    if not os.environ.get("CACHE_URL"):
        return []
    probe = "socialmission:cache-check"
    try:
        cache = caches["default"]
        cache.set(probe, "ok", 10)
        answered = cache.get(probe)
        cache.delete(probe)
    except Exception as error:  # any client error: import, connection, authentication
        return [
            checks.Error(
                f"CACHE_URL is set but the cache cannot be used: {error.__class__.__name__}: {error}",
                hint="Check that the cache server runs and CACHE_URL is right, or unset CACHE_URL.",
                id="socialmission.E001",
            )
        ]
    if answered != "ok":
        return [
            checks.Error(
                "CACHE_URL is set but the cache does not keep what is stored in it.",
                hint="Check the cache server's memory and eviction settings.",
                id="socialmission.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def mail_is_sent(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.EMAIL_BACKEND != CONSOLE_BACKEND:
        return []
    return [
        checks.Warning(
            "E-mail is printed to the console, not sent: contributors, curators and alert "
            "subscribers would receive nothing.",
            hint="Set EMAIL_URL, e.g. smtp://user:password@mail.example.org:587.",
            id="socialmission.W001",
        )
    ]


def startup_checks() -> None:
    """Refuse to serve with a broken shared cache; say loudly when mail goes nowhere."""
    errors = shared_cache_usable()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.msg} {e.hint}" for e in errors))
    if not settings.DEBUG:
        for warning in mail_is_sent():
            logger.warning("%s %s", warning.msg, warning.hint)
