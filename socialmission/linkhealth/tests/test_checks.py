"""Every link-health state, reached by checks against the local server."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory
from socialmission.linkhealth import services
from socialmission.linkhealth.models import Kind, Link, LinkCheck, Outcome, Status
from socialmission.linkhealth.tests.server import ServerState

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def at(moment: datetime.datetime) -> Callable[[], datetime.datetime]:
    return lambda: moment


def run(when: datetime.datetime, resource: Resource | None = None) -> services.RunReport:
    return services.check_links(
        limit=100, resource_id=resource.pk if resource else None, clock=at(when)
    )


def url_link(resource: Resource) -> Link:
    return Link.objects.get(resource=resource, kind=Kind.URL)


def test_links_follow_the_published_resources(web: ServerState) -> None:
    both = ResourceFactory(url=web.url("/ok/1"), doi="10.1/one")
    url_only = ResourceFactory(url=web.url("/ok/2"))
    ResourceFactory(url=web.url("/ok/3"), status=Resource.Status.DRAFT, published_at=None)
    ResourceFactory(url="", doi="")
    services.sync_links()
    assert set(Link.objects.values_list("resource_id", "kind", "address")) == {
        (both.pk, Kind.URL, web.url("/ok/1")),
        (both.pk, Kind.DOI, web.url("/doi/10.1/one")),
        (url_only.pk, Kind.URL, web.url("/ok/2")),
    }

    run(T0)
    assert url_link(url_only).status == Status.OK
    url_only.url = web.url("/ok/new")
    url_only.save()
    both.status = Resource.Status.WITHDRAWN
    both.save()
    services.sync_links()
    link = url_link(url_only)
    assert (link.address, link.status, link.next_check_at) == (
        web.url("/ok/new"),
        Status.UNCHECKED,
        None,
    )
    assert not Link.objects.filter(resource=both).exists()


def test_a_working_link_is_ok_with_its_check_recorded(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/ok/page"))
    report = run(T0)
    link = url_link(resource)
    assert (report.checked, link.status, link.http_status, link.error) == (1, Status.OK, 200, "")
    assert (link.last_checked_at, link.final_url) == (T0, web.url("/ok/page"))
    assert link.next_check_at == T0 + datetime.timedelta(days=7)
    check = link.checks.get()
    assert (check.outcome, check.method, check.http_status, check.checked_at) == (
        Outcome.OK,
        "HEAD",
        200,
        T0,
    )
    assert web.requests[0][2] == "SocialMissionLinkCheck/1.0 (+https://library.example.org/)"


def test_a_redirected_link_is_moved_with_its_chain_recorded(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/chain/2/old"))
    run(T0)
    link = url_link(resource)
    assert (link.status, link.final_url) == (Status.MOVED, web.url("/chain/0/old"))
    assert link.checks.get().redirects == [
        {"status": 301, "url": web.url("/chain/2/old")},
        {"status": 301, "url": web.url("/chain/1/old")},
    ]


def test_a_trailing_slash_or_fragment_is_not_a_move(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/ok/page/#section"))
    run(T0)
    assert url_link(resource).status == Status.OK


@pytest.mark.parametrize("path", ["/missing/x", "/gone/x", "/slow/x", "/reset/x"])
def test_one_failed_check_is_not_broken(web: ServerState, path: str) -> None:
    resource = ResourceFactory(url=web.url(path))
    run(T0)
    link = url_link(resource)
    assert (link.status, link.failures, link.failing_since) == (Status.FAILING, 1, T0)
    # It is looked at again a day later, not a week.
    assert link.next_check_at == T0 + DAY
    assert link.checks.get().outcome == Outcome.FAILED


@pytest.mark.parametrize("path", ["/missing/x", "/gone/x", "/slow/x", "/reset/x"])
def test_two_failed_checks_a_day_apart_are_broken(web: ServerState, path: str) -> None:
    resource = ResourceFactory(url=web.url(path))
    run(T0)
    run(T0 + DAY)
    link = url_link(resource)
    assert (link.status, link.failures, link.failing_since) == (Status.BROKEN, 2, T0)


def test_two_failed_checks_within_a_day_are_not_broken(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/missing/x"))
    run(T0)
    # Not due an hour later: the periodic run leaves it alone.
    assert run(T0 + HOUR).checked == 0
    # Asked for by hand (--resource), it is checked, but two failures an hour apart are not enough.
    run(T0 + HOUR, resource)
    link = url_link(resource)
    assert (link.status, link.failures) == (Status.FAILING, 2)
    run(T0 + DAY, resource)
    assert url_link(resource).status == Status.BROKEN


def test_a_broken_link_that_answers_again_recovers(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/missing/back"))
    run(T0)
    run(T0 + DAY)
    assert url_link(resource).status == Status.BROKEN
    web.answers["/missing/back"] = 200
    # A broken link is looked at again a week later, like a working one.
    assert run(T0 + 2 * DAY).checked == 0
    run(T0 + 8 * DAY)
    link = url_link(resource)
    assert (link.status, link.failures, link.failing_since, link.error) == (Status.OK, 0, None, "")


def test_a_success_between_failures_restarts_the_count(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/missing/flaky"))
    run(T0)
    web.answers["/missing/flaky"] = 200
    run(T0 + DAY)
    del web.answers["/missing/flaky"]
    run(T0 + 8 * DAY)
    link = url_link(resource)
    assert (link.status, link.failures, link.failing_since) == (Status.FAILING, 1, T0 + 8 * DAY)


def test_an_inconclusive_answer_changes_nothing(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/missing/sometimes"))
    run(T0)
    web.answers["/missing/sometimes"] = 503
    run(T0 + DAY)
    link = url_link(resource)
    assert (link.status, link.failures, link.http_status) == (Status.FAILING, 1, 503)
    assert link.checks.first().outcome == Outcome.INCONCLUSIVE  # type: ignore[union-attr]
    del web.answers["/missing/sometimes"]
    run(T0 + 2 * DAY)
    assert url_link(resource).status == Status.BROKEN


def test_a_doi_that_resolves_is_ok_and_never_moved(web: ServerState) -> None:
    resource = ResourceFactory(url="", doi="10.5555/abc")
    run(T0)
    link = Link.objects.get(resource=resource, kind=Kind.DOI)
    assert (link.status, link.final_url) == (Status.OK, web.url("/ok/10.5555/abc"))
    # The resolver is asked; the publisher's page is the URL link's business.
    assert web.hits("/doi/10.5555/abc") == 1 and web.hits("/ok/10.5555/abc") == 0


def test_a_doi_the_resolver_does_not_know_breaks(web: ServerState) -> None:
    resource = ResourceFactory(url="", doi="10.5555/missing")
    run(T0)
    run(T0 + DAY)
    link = Link.objects.get(resource=resource, kind=Kind.DOI)
    assert (link.status, link.error, link.http_status) == (Status.BROKEN, "not-found", 404)


def test_the_history_keeps_only_the_last_checks(web: ServerState, settings: object) -> None:
    resource = ResourceFactory(url=web.url("/ok/often"))
    for day in range(13):
        run(T0 + day * 7 * DAY, resource)
    link = url_link(resource)
    assert link.checks.count() == 10
    assert link.checks.first().checked_at == T0 + 12 * 7 * DAY  # type: ignore[union-attr]


def test_a_run_does_each_due_link_once_and_respects_the_limit(web: ServerState) -> None:
    resources = [ResourceFactory(url=web.url(f"/ok/{n}")) for n in range(5)]
    assert services.check_links(limit=3, clock=at(T0)).checked == 3
    assert services.check_links(limit=3, clock=at(T0)).checked == 2
    assert services.check_links(limit=3, clock=at(T0)).checked == 0
    assert all(web.hits(f"/ok/{n}") == 1 for n in range(len(resources)))


def test_links_are_claimed_a_chunk_at_a_time_until_the_time_is_spent(
    web: ServerState, settings: Any
) -> None:
    settings.LINKHEALTH_CHUNK = 2
    for n in range(7):
        ResourceFactory(url=web.url(f"/ok/{n}"))
    claims: list[int] = []
    ticks = iter([0.0, 1.0, 5.0, 11.0, 12.0])  # the deadline is 10 s after the start
    report = services.check_links(
        limit=100, max_seconds=10, clock=at(T0), timer=lambda: next(ticks), on_claimed=claims.append
    )
    assert (report.checked, claims) == (4, [2, 4])
    assert Link.objects.filter(status=Status.UNCHECKED).count() == 3
    assert not Link.objects.exclude(lease_token="").exists()
    # Without a time limit the next run takes every chunk up to its limit.
    assert services.check_links(limit=2, clock=at(T0)).checked == 2
    assert services.check_links(limit=100, clock=at(T0), on_claimed=claims.append).checked == 1


def test_links_claimed_by_a_run_under_way_are_left_to_it(web: ServerState) -> None:
    ResourceFactory(url=web.url("/ok/a"))
    ResourceFactory(url=web.url("/ok/b"))
    services.sync_links()
    token, claimed = services.claim_due(now=T0, limit=1)
    assert len(claimed) == 1
    report = run(T0)
    assert report.checked == 1
    assert Link.objects.get(pk=claimed[0].pk).lease_token == token
    # A lease of a run that died runs out, and the link is due again.
    assert run(T0 + datetime.timedelta(hours=7)).checked == 1


# A real second thread with its own database connection; serialized_rollback restores the
# seeded vocabularies that the flush after a transactional test removes. SQLite's in-memory test
# database shares one cache between connections and locks whole tables at random moments, unlike
# a SQLite file that processes share; test_links_claimed_by_a_run_under_way_are_left_to_it covers
# the claim there.
@pytest.mark.skipif(
    "sqlite" in django_settings.DATABASES["default"]["ENGINE"],
    reason="needs a database that separate connections really share (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_check_each_link_once(web: ServerState) -> None:
    for n in range(3):
        ResourceFactory(url=web.url(f"/hold/{n}"))
    started = threading.Event()
    reports: list[services.RunReport] = []

    def first_run() -> None:
        from django.db import connection

        try:
            reports.append(
                services.check_links(
                    limit=100, clock=timezone.now, on_claimed=lambda n: started.set()
                )
            )
        finally:
            connection.close()

    thread = threading.Thread(target=first_run)
    thread.start()
    assert started.wait(10)
    # The first run is waiting on the slow server, every link leased; the second finds none.
    second = services.check_links(limit=100)
    web.release.set()
    thread.join(20)
    assert second.checked == 0
    assert reports[0].checked == 3
    assert [web.hits(f"/hold/{n}") for n in range(3)] == [1, 1, 1]
    assert LinkCheck.objects.count() == 3


def test_no_more_requests_are_in_flight_than_allowed(web: ServerState, settings: Any) -> None:
    settings.LINKHEALTH_CONCURRENCY = 2
    for n in range(6):
        ResourceFactory(url=web.url(f"/hold/{n}"))
    # The first two requests wait for each other, so an unbounded pool would have more at once.
    web.release_at = 2
    assert run(T0).checked == 6
    assert web.most_in_flight == 2


def test_a_result_for_a_link_changed_meanwhile_is_dropped(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/missing/x"))
    services.sync_links()
    _token, (link,) = services.claim_due(now=T0, limit=1)
    outcome = services.new_checker().check(link.address)
    # While the request was under way a curator marked the link as checked by hand.
    services.mark_checked_by_hand(link, curator=_curator())
    assert services.record_outcome(link, outcome, now=T0) is None
    link.refresh_from_db()
    assert (link.status, link.failures) == (Status.OK, 0)
    assert [c.outcome for c in link.checks.all()] == [Outcome.BY_HAND]
    assert url_link(resource).pk == link.pk


def _curator() -> User:
    user = User.objects.create_user(username="cora")
    user.groups.add(Group.objects.get_or_create(name=roles.CURATOR)[0])
    return user


def test_the_command_checks_one_resource_or_a_limited_batch(web: ServerState) -> None:
    import io

    one = ResourceFactory(url=web.url("/ok/one"), doi="10.1/one")
    ResourceFactory(url=web.url("/ok/two"))
    out = io.StringIO()
    call_command("check_links", resource=one.pk, stdout=out)
    assert "Checked 2 links" in out.getvalue()
    assert set(Link.objects.filter(status=Status.OK).values_list("resource_id", flat=True)) == {
        one.pk
    }
    out = io.StringIO()
    call_command("check_links", "--limit", "5", stdout=out)
    assert "Checked 1 links" in out.getvalue()
    assert web.hits("/ok/two") == 1 and web.hits("/ok/one") == 1

    with pytest.raises(CommandError):
        call_command("check_links", resource=999999)
    with pytest.raises(CommandError):
        call_command("check_links", "--limit", "0")


def test_check_links_is_a_registered_periodic_job(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.apps import apps

    from socialmission.core import schedule

    registered: dict[str, tuple[datetime.timedelta, str]] = {}

    def register(name: str, *, every: datetime.timedelta, command: str, **kw: Any) -> None:
        registered[name] = (every, command)

    monkeypatch.setattr(schedule, "register", register)
    apps.get_app_config("linkhealth").ready()
    assert registered == {"check_links": (HOUR, "check_links")}
