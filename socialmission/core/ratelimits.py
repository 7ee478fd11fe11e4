"""Rate limits per client address, counted atomically in Django's cache (django-ratelimit).

The only module that imports django-ratelimit. Counting is ``cache.add`` then ``cache.incr``,
which Redis (and, within one process, the local-memory cache) performs atomically, so a burst
of parallel requests cannot slip past a limit the way a read-then-write counter can. With
several web processes the cache must be shared (``CACHE_URL=redis://…``) for a limit to be one
limit; ``core.checks`` refuses to start when that cache is configured but unreachable.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django_ratelimit.core import get_usage

from socialmission.core.clients import client_address


@dataclass(frozen=True)
class RateStatus:
    allowed: bool
    retry_after: int  # seconds until the window ends; 0 when allowed


def _key(group: str, request: HttpRequest) -> str:
    return client_address(request)


def _status(
    request: HttpRequest, group: str, limit: int, window: int, *, consume: bool
) -> RateStatus:
    usage = get_usage(request, group=group, key=_key, rate=(limit, window), increment=consume)
    if usage is None:  # rate limiting switched off (RATELIMIT_ENABLE = False)
        return RateStatus(True, 0)
    # A consumed slot is within the limit while the count has not passed it; a peek asks whether
    # one more would be.
    over = usage["count"] > limit if consume else usage["count"] >= limit
    if usage["limit"] == 0:  # the cache failed: django-ratelimit fails closed
        over = True
    if not over:
        return RateStatus(True, 0)
    return RateStatus(False, max(1, int(usage["time_left"])))


def peek(request: HttpRequest, *, group: str, limit: int, window: int) -> RateStatus:
    """Whether this address could do one more now, without counting anything."""
    return _status(request, group, limit, window, consume=False)


def consume(request: HttpRequest, *, group: str, limit: int, window: int) -> RateStatus:
    """Count one for this address, atomically; refused when that passes the limit."""
    return _status(request, group, limit, window, consume=True)
