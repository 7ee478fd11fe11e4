"""Every state change of link health: syncing links with the library, checking, curators' actions.

Network requests run in a bounded thread pool and never touch the database; the calling thread
claims the due links first (one UPDATE, so two runs at once split the work rather than share
it) and records each result as it arrives. Nothing here runs inside a web request except the
two curator actions, which send no request anywhere.
"""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.library.models import Resource
from socialmission.linkhealth import http, states
from socialmission.linkhealth.models import Kind, Link, LinkCheck, Outcome, Status


def user_agent() -> str:
    return f"SocialMissionLinkCheck/1.0 (+{settings.SITE_URL}/)"


def doi_address(doi: str) -> str:
    return settings.LINKHEALTH_DOI_RESOLVER.rstrip("/") + "/" + quote(doi.strip(), safe="/")


def _wanted(resource_ids: Iterable[int] | None) -> dict[tuple[int, str], str]:
    resources = Resource.objects.published()
    if resource_ids is not None:
        resources = resources.filter(pk__in=list(resource_ids))
    wanted: dict[tuple[int, str], str] = {}
    for pk, url, doi in resources.values_list("pk", "url", "doi").iterator(chunk_size=2000):
        if url.strip():
            wanted[(pk, Kind.URL)] = url.strip()
        if doi.strip():
            wanted[(pk, Kind.DOI)] = doi_address(doi)
    return wanted


_FRESH = {
    "status": Status.UNCHECKED,
    "final_url": "",
    "http_status": None,
    "error": "",
    "failures": 0,
    "failing_since": None,
    "accepted_final_url": "",
    "next_check_at": None,
    # A check under way was of the old address: its result is dropped (see record_outcome).
    "lease_token": "",
    "lease_until": None,
}


@transaction.atomic
def sync_links(*, resource_ids: Iterable[int] | None = None) -> None:
    """One link per published resource's URL and DOI; a changed address starts afresh.

    Links of resources no longer published (or whose URL or DOI was cleared) are deleted.
    """
    wanted = _wanted(resource_ids)
    existing = Link.objects.all()
    if resource_ids is not None:
        existing = existing.filter(resource_id__in=list(resource_ids))
    have = {
        (resource_id, kind): (pk, address)
        for pk, resource_id, kind, address in existing.values_list(
            "pk", "resource_id", "kind", "address"
        ).iterator(chunk_size=2000)
    }
    gone = [pk for key, (pk, _address) in have.items() if key not in wanted]
    for start in range(0, len(gone), 500):
        Link.objects.filter(pk__in=gone[start : start + 500]).delete()
    for key, address in wanted.items():
        if key in have and have[key][1] != address:
            Link.objects.filter(pk=have[key][0]).update(address=address, **_FRESH)
    Link.objects.bulk_create(
        [
            Link(resource_id=resource_id, kind=kind, address=address)
            for (resource_id, kind), address in wanted.items()
            if (resource_id, kind) not in have
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def claim_due(
    *, now: datetime.datetime, limit: int, resource_id: int | None = None
) -> tuple[str, list[Link]]:
    """Lease up to ``limit`` links that are due (or those of one resource) to this run.

    The UPDATE repeats the "free" condition, so of two runs racing for a link only one gets it.
    """
    token = secrets.token_hex(16)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if resource_id is None:
        candidates = Link.objects.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
    else:
        candidates = Link.objects.filter(resource_id=resource_id)
    ids = list(
        candidates.filter(free)
        .order_by(F("next_check_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
    Link.objects.filter(free, pk__in=ids).update(
        lease_token=token, lease_until=now + settings.LINKHEALTH_LEASE
    )
    return token, list(Link.objects.filter(lease_token=token).order_by("pk"))


def _outcome_kind(link: Link, outcome: http.Outcome) -> str:
    if outcome.succeeded:
        return Outcome.MOVED if link.status == Status.MOVED else Outcome.OK
    return Outcome.FAILED if outcome.failed else Outcome.INCONCLUSIVE


def _prune_history(link: Link) -> None:
    keep = list(link.checks.values_list("pk", flat=True)[: settings.LINKHEALTH_HISTORY_LENGTH])
    link.checks.exclude(pk__in=keep).delete()


@transaction.atomic
def record_outcome(link: Link, outcome: http.Outcome, *, now: datetime.datetime) -> Link | None:
    """Apply one check's result to the link, add it to its history and release the lease.

    A link whose lease was lost meanwhile (its address changed, a curator acted on it) keeps
    what happened since, and the result is dropped: None.
    """
    current = (
        Link.objects.select_for_update()
        .filter(pk=link.pk, lease_token=link.lease_token, address=outcome.address)
        .first()
    )
    if current is None or not link.lease_token:
        return None
    link = current
    state = states.next_state(
        link.state,
        outcome,
        now=now,
        broken_after=settings.LINKHEALTH_BROKEN_AFTER,
        can_move=link.kind == Kind.URL,
    )
    link.status = state.status
    link.failures = state.failures
    link.failing_since = state.failing_since
    if outcome.final_url or outcome.succeeded:
        link.final_url = outcome.final_url[:2100]
    link.http_status = outcome.status_code
    link.error = outcome.error
    link.last_checked_at = now
    link.next_check_at = states.next_check(
        state,
        outcome,
        now=now,
        recheck_every=settings.LINKHEALTH_RECHECK_EVERY,
        broken_after=settings.LINKHEALTH_BROKEN_AFTER,
    )
    link.lease_token = ""
    link.lease_until = None
    link.save()
    LinkCheck.objects.create(
        link=link,
        checked_at=now,
        outcome=_outcome_kind(link, outcome),
        method=outcome.method,
        http_status=outcome.status_code,
        final_url=outcome.final_url[:2100],
        redirects=[{"status": hop.status, "url": hop.url} for hop in outcome.redirects],
        error=outcome.error,
    )
    _prune_history(link)
    return link


@dataclass
class RunReport:
    checked: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def new_checker() -> http.Checker:
    return http.Checker(
        user_agent=user_agent(),
        timeout=settings.LINKHEALTH_TIMEOUT,
        host_interval=settings.LINKHEALTH_HOST_INTERVAL,
        max_redirects=settings.LINKHEALTH_MAX_REDIRECTS,
    )


def check_links(
    *,
    limit: int,
    resource_id: int | None = None,
    max_seconds: float = 0,
    checker: http.Checker | None = None,
    clock: Callable[[], datetime.datetime] = timezone.now,
    timer: Callable[[], float] = time.monotonic,
    on_claimed: Callable[[int], None] | None = None,
    on_checked: Callable[[Link], None] | None = None,
) -> RunReport:
    """Check the due links (or one resource's), at most ``limit``, and record every result.

    Links are claimed a chunk at a time, so a run holds leases only on what it is checking,
    and a run with ``max_seconds`` claims no new chunk once that time is spent (the scheduler
    runs its jobs one after the other; a long check must not hold up the alert digests).
    """
    sync_links(resource_ids=None if resource_id is None else [resource_id])
    deadline = timer() + max_seconds if max_seconds > 0 else None
    report = RunReport()
    claimed = 0
    own_checker = checker is None
    active = checker or new_checker()
    try:
        with ThreadPoolExecutor(max_workers=settings.LINKHEALTH_CONCURRENCY) as pool:
            while claimed < limit and (deadline is None or timer() < deadline):
                chunk = min(limit - claimed, settings.LINKHEALTH_CHUNK)
                token, links = claim_due(now=clock(), limit=chunk, resource_id=resource_id)
                if not links:
                    break
                claimed += len(links)
                if on_claimed:
                    on_claimed(claimed)
                try:
                    _check_chunk(links, pool, active, clock, report, on_checked)
                finally:
                    # A link whose check never finished (an interrupted run) is free at once.
                    Link.objects.filter(lease_token=token).update(lease_token="", lease_until=None)
                if resource_id is not None:
                    break
    finally:
        if own_checker:
            active.close()
    return report


def _check_chunk(
    links: list[Link],
    pool: ThreadPoolExecutor,
    checker: http.Checker,
    clock: Callable[[], datetime.datetime],
    report: RunReport,
    on_checked: Callable[[Link], None] | None,
) -> None:
    futures = {
        pool.submit(checker.check, link.address, follow=link.kind == Kind.URL): link
        for link in links
    }
    for future in as_completed(futures):
        recorded = record_outcome(futures[future], future.result(), now=clock())
        if recorded is None:
            continue
        report.checked += 1
        report.by_status[recorded.status] = report.by_status.get(recorded.status, 0) + 1
        if on_checked:
            on_checked(recorded)


def _require_curator(user: User) -> None:
    if not roles.is_curator(user):
        raise PermissionDenied(_("Only curators may change link records."))


def _settle(link: Link, *, curator: User, outcome: str, now: datetime.datetime) -> None:
    """A curator's decision puts the link back to ok: no failures, no lease, one history row."""
    link.status = Status.OK
    link.failures = 0
    link.failing_since = None
    link.lease_token, link.lease_until = "", None
    link.save()
    LinkCheck.objects.create(
        link=link, checked_at=now, outcome=outcome, final_url=link.final_url, checked_by=curator
    )
    _prune_history(link)


@transaction.atomic
def take_redirect_target(link: Link, *, curator: User) -> Resource:
    """Make a moved link's final address the resource's URL, recorded in the resource history."""
    _require_curator(curator)
    link = Link.objects.select_for_update().select_related("resource").get(pk=link.pk)
    if link.kind != Kind.URL or link.status != Status.MOVED or not link.final_url:
        raise ValidationError(_("Only a moved web address can take its new address."))
    resource = Resource.objects.select_for_update().get(pk=link.resource_id)
    if resource.url.strip() != link.address:
        raise ValidationError(_("The resource's address changed since the check; check again."))
    resource.url = link.final_url
    # simple-history reads these two attributes for the history row this save creates.
    resource._history_user = curator  # type: ignore[attr-defined]
    resource._change_reason = "Link check: took the address the old one redirects to"  # type: ignore[attr-defined]
    resource.full_clean()
    resource.save()
    link.address = link.final_url
    link.accepted_final_url = ""
    _settle(link, curator=curator, outcome=Outcome.NEW_ADDRESS, now=timezone.now())
    return resource


@transaction.atomic
def mark_checked_by_hand(link: Link, *, curator: User) -> Link:
    """A curator looked at the link and it works: back to ok, its redirect target accepted.

    It turns broken again only after two more failed checks a day apart.
    """
    _require_curator(curator)
    link = Link.objects.select_for_update().get(pk=link.pk)
    now = timezone.now()
    if link.status == Status.MOVED and link.final_url:
        link.accepted_final_url = link.final_url
    link.checked_by_hand_at = now
    link.checked_by_hand_by = curator
    link.next_check_at = now + settings.LINKHEALTH_RECHECK_EVERY
    _settle(link, curator=curator, outcome=Outcome.BY_HAND, now=now)
    return link
