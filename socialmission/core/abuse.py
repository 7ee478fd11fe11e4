"""Keeping spam out of the public forms: a honeypot, a minimum fill time, rate limits.

Shared by every form a stranger can send (suggestions, nominations, alert sign-ups), which is
why it sits in core. Each form counts in its own ``scope`` so that one kind of submission does
not use up another's allowance.

Rate limits count submissions per client address in Django's cache. The default
LocMemCache is per process: with several workers in production, configure a shared cache
(``CACHE_URL=redis://…``) or each worker counts on its own.

Settings (all optional):
  CONTRIBUTIONS_RATE_LIMIT          submissions per address per window (default 5)
  CONTRIBUTIONS_RATE_WINDOW         the window in seconds (default 3600)
  CONTRIBUTIONS_MIN_FILL_SECONDS    a form sent faster than this is treated as a bot (default 3)
  CONTRIBUTIONS_TRUST_X_FORWARDED_FOR  take the client address from X-Forwarded-For (only
                                    behind a proxy that sets it; default False)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

_SALT = "contributions.form-started"
HONEYPOT_FIELD = "website"
STARTED_FIELD = "started"


def rate_limit() -> int:
    return int(getattr(settings, "CONTRIBUTIONS_RATE_LIMIT", 5))


def rate_window() -> int:
    return int(getattr(settings, "CONTRIBUTIONS_RATE_WINDOW", 3600))


def min_fill_seconds() -> float:
    return float(getattr(settings, "CONTRIBUTIONS_MIN_FILL_SECONDS", 3))


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "CONTRIBUTIONS_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _key(address: str, scope: str) -> str:
    return f"{scope}:rate:{address}"


@dataclass(frozen=True)
class RateStatus:
    allowed: bool
    retry_after: int


def check_rate(request: HttpRequest, *, scope: str = "contributions") -> RateStatus:
    """Whether this address may submit again now."""
    entry = cache.get(_key(client_address(request), scope))
    if not entry:
        return RateStatus(True, 0)
    count, window_start = entry
    elapsed = time.time() - window_start
    if elapsed >= rate_window():
        return RateStatus(True, 0)
    if count >= rate_limit():
        return RateStatus(False, max(1, int(rate_window() - elapsed)))
    return RateStatus(True, 0)


def record_submission(request: HttpRequest, *, scope: str = "contributions") -> None:
    """Count one submission for this address in the current fixed window."""
    key = _key(client_address(request), scope)
    now = time.time()
    entry = cache.get(key)
    if not entry or now - entry[1] >= rate_window():
        cache.set(key, (1, now), rate_window())
    else:
        cache.set(key, (entry[0] + 1, entry[1]), max(1, int(rate_window() - (now - entry[1]))))


def start_stamp() -> str:
    """A signed timestamp the form carries, so the server knows when it was shown."""
    return signing.dumps(time.time(), salt=_SALT)


def fill_time_error(stamp: str) -> str:
    """The message to show when the form was sent too fast or tampered with, else ""."""
    try:
        started = float(signing.loads(stamp, salt=_SALT, max_age=7 * 24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return "The form expired or was damaged. Check your entries and send it again."
    if time.time() - started < min_fill_seconds():
        return "That was faster than a person can fill in this form. Check your entries and send it again."
    return ""
