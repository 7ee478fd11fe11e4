"""Keeping spam out of the public forms: a honeypot, a minimum fill time, rate limits.

Shared by every form a stranger can send (suggestions, nominations, alert sign-ups), which is
why it sits in core. Each form counts in its own ``scope`` so that one kind of submission does
not use up another's allowance.

Rate limits count submissions per client address (``core.clients``, which honours
``TRUSTED_PROXY_COUNT``) through ``core.ratelimits``: atomic counters in Django's cache. The
default local-memory cache is per process: with several workers in production, configure a shared
cache (``CACHE_URL=redis://…``) or each worker counts on its own.

Two windows count at once, a short one and a day: a burst and a slow day-long flood are both
stopped, while a person sending a reading list one item at a time never meets either.

Settings (all optional):
  CONTRIBUTIONS_RATE_LIMIT          submissions per address per window (default 20)
  CONTRIBUTIONS_RATE_WINDOW         the window in seconds (default 3600)
  CONTRIBUTIONS_DAILY_LIMIT         submissions per address per day (default 100)
  CONTRIBUTIONS_MIN_FILL_SECONDS    a form sent faster than this is treated as a bot (default 3)
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils.translation import gettext

from socialmission.core import ratelimits
from socialmission.core.ratelimits import RateStatus

__all__ = ["RateStatus", "check_rate", "record_submission"]

_SALT = "contributions.form-started"
HONEYPOT_FIELD = "website"
STARTED_FIELD = "started"


def rate_limit() -> int:
    return int(getattr(settings, "CONTRIBUTIONS_RATE_LIMIT", 20))


def daily_limit() -> int:
    return int(getattr(settings, "CONTRIBUTIONS_DAILY_LIMIT", 100))


def rate_window() -> int:
    return int(getattr(settings, "CONTRIBUTIONS_RATE_WINDOW", 3600))


def min_fill_seconds() -> float:
    return float(getattr(settings, "CONTRIBUTIONS_MIN_FILL_SECONDS", 3))


def _windows(scope: str) -> list[tuple[str, int, int]]:
    """(counter group, limit, seconds) of each window that counts this scope's submissions."""
    return [
        (f"{scope}.submissions", rate_limit(), rate_window()),
        (f"{scope}.submissions.day", daily_limit(), 24 * 3600),
    ]


def _combined(statuses: list[RateStatus]) -> RateStatus:
    """Allowed when every window allows; otherwise wait until the last refusing one ends."""
    refused = [s.retry_after for s in statuses if not s.allowed]
    return RateStatus(not refused, max(refused, default=0))


def check_rate(request: HttpRequest, *, scope: str = "contributions") -> RateStatus:
    """Whether this address may submit again now (counts nothing)."""
    return _combined(
        [
            ratelimits.peek(request, group=group, limit=limit, window=window)
            for group, limit, window in _windows(scope)
        ]
    )


def record_submission(request: HttpRequest, *, scope: str = "contributions") -> RateStatus:
    """Count one accepted submission for this address, atomically; not allowed when past a limit.

    Call it once the submission is accepted (valid, not spam) and before saving it, and save
    only when it is allowed: the count and the decision are one cache operation per window, so
    parallel posts cannot all pass a check together.
    """
    return _combined(
        [
            ratelimits.consume(request, group=group, limit=limit, window=window)
            for group, limit, window in _windows(scope)
        ]
    )


def start_stamp() -> str:
    """A signed timestamp the form carries, so the server knows when it was shown."""
    return signing.dumps(time.time(), salt=_SALT)


def fill_time_error(stamp: str) -> str:
    """The message to show when the form was sent too fast or tampered with, else ""."""
    try:
        started = float(signing.loads(stamp, salt=_SALT, max_age=7 * 24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return gettext("The form expired or was damaged. Check your entries and send it again.")
    if time.time() - started < min_fill_seconds():
        return gettext(
            "That was faster than a person can fill in this form. Check your entries and send it "
            "again."
        )
    return ""
