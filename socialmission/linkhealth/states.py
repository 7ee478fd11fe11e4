"""How one check changes a link's state: pure, no ORM, tested like arithmetic.

- A check that worked makes the link *ok*, or *moved* when it ended on another address (one a
  curator has not accepted by hand); a DOI always resolves elsewhere, so it is never moved.
- A failed check (see ``http.FAILURES``) makes it *failing*; it becomes *broken* only when at
  least two consecutive checks failed and the first of them is at least ``broken_after`` old.
- An inconclusive answer (403, 429, 5xx...) changes neither the state nor the failure streak.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from urllib.parse import urlsplit, urlunsplit

from socialmission.linkhealth.http import Outcome

UNCHECKED = "unchecked"
OK = "ok"
MOVED = "moved"
FAILING = "failing"
BROKEN = "broken"


@dataclass(frozen=True)
class LinkState:
    status: str = UNCHECKED
    failures: int = 0
    failing_since: datetime.datetime | None = None
    final_url: str = ""
    accepted_final_url: str = ""


def same_address(a: str, b: str) -> bool:
    """Equal once the fragment, the host's case and a lone trailing slash are set aside."""

    def normal(url: str) -> str:
        parts = urlsplit(url.strip())
        path = parts.path.rstrip("/") or "/"
        return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))

    return normal(a) == normal(b)


def next_state(
    state: LinkState,
    outcome: Outcome,
    *,
    now: datetime.datetime,
    broken_after: datetime.timedelta,
    can_move: bool = True,
) -> LinkState:
    if outcome.succeeded:
        moved = (
            can_move
            and not same_address(outcome.final_url, outcome.address)
            and not (
                state.accepted_final_url
                and same_address(outcome.final_url, state.accepted_final_url)
            )
        )
        return replace(
            state,
            status=MOVED if moved else OK,
            failures=0,
            failing_since=None,
            final_url=outcome.final_url,
        )
    if not outcome.failed:
        return state
    failing_since = state.failing_since or now
    failures = state.failures + 1
    broken = failures >= 2 and now - failing_since >= broken_after
    return replace(
        state,
        status=BROKEN if broken else FAILING,
        failures=failures,
        failing_since=failing_since,
        final_url=outcome.final_url,
    )


def next_check(
    state: LinkState,
    outcome: Outcome,
    *,
    now: datetime.datetime,
    recheck_every: datetime.timedelta,
    broken_after: datetime.timedelta,
) -> datetime.datetime:
    """A failing or uncertain link is looked at again after ``broken_after``, others later."""
    if state.status == FAILING or not (outcome.succeeded or outcome.failed):
        return now + broken_after
    return now + recheck_every
