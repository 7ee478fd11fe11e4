"""The digest: the search page's results, new since the last digest, sent once and only once."""

from __future__ import annotations

import datetime
import re
from email import message_from_bytes, policy
from email.utils import parseaddr
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from socialmission.alerts import services
from socialmission.alerts.models import Alert, Digest, DigestItem
from socialmission.alerts.tests.factories import AlertFactory, SubscriberFactory
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

RESOURCE_LINK = re.compile(r"/resources/(\d+)-[\w-]+/")


def run(committed: Any, *args: str) -> None:
    with committed():
        call_command("send_alerts", *args, verbosity=0)


def ago(**kwargs: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


def listed_ids(body: str) -> list[int]:
    return [int(pk) for pk in RESOURCE_LINK.findall(body)]


def test_digest_lists_exactly_what_the_search_page_finds_newest_first(
    client: Client, committed: Any
) -> None:
    query = "q=advocacy&profession=pharmacy"
    alert = AlertFactory(query=query, confirmed_at=ago(days=2), last_checked_at=ago(days=2))
    old = ResourceFactory(
        title="Advocacy for pharmacists, the classic",
        professions=["pharmacy"],
        published_at=ago(days=30),
    )
    found = [
        ResourceFactory(
            title=f"Advocacy curriculum {n}",
            professions=["pharmacy"],
            published_at=ago(hours=n + 1),
        )
        for n in range(3)
    ]
    # Words, filters and synonyms decide, as on the search page: each of these is missed.
    ResourceFactory(title="Advocacy for nurses", professions=["nursing"], published_at=ago(hours=1))
    ResourceFactory(title="Pharmacy budgets", professions=["pharmacy"], published_at=ago(hours=1))
    ResourceFactory(
        title="Advocacy draft", professions=["pharmacy"], status="draft", published_at=None
    )

    page = client.get(f"/search/?{query}").content.decode()
    on_page = set(listed_ids(page))
    assert on_page == {old.pk, *(r.pk for r in found)}

    run(committed)
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    in_mail = listed_ids(digest.body)
    new_on_page = {pk for pk in on_page if pk != old.pk}
    assert set(in_mail) == new_on_page
    assert in_mail == [r.pk for r in found]  # newest first
    html = digest.alternatives[0][0]
    assert listed_ids(html) == in_mail
    for resource in found:
        assert resource.title in digest.body
    # Byline and type, as the page's results show them.
    assert "Mullan F · Peer-reviewed article" in digest.body
    assert "Mullan F" in page and "Peer-reviewed article" in page
    assert list(DigestItem.objects.filter(alert=alert).values_list("resource_id", flat=True)) == [
        r.pk for r in found
    ]


def test_digest_mail_has_one_click_unsubscribe_plain_text_and_the_site_as_sender(
    client: Client, committed: Any, settings: Any
) -> None:
    settings.SITE_NAME = "Social Mission Library"
    settings.DEFAULT_FROM_EMAIL = "alerts@library.example"
    alert = AlertFactory(
        query="q=advocacy&domain=curriculum-programming&profession=pharmacy",
        confirmed_at=ago(days=2),
        last_checked_at=ago(days=2),
    )
    ResourceFactory(
        title="Advocacy in pharmacy teaching",
        domains=["curriculum-programming"],
        professions=["pharmacy"],
        published_at=ago(hours=2),
    )
    run(committed)
    message = mail.outbox[0]
    words = "Pharmacy · Curriculum & Programming · 'advocacy'"
    assert words in message.subject
    assert words in message.body
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert parseaddr(str(parsed["From"])) == ("Social Mission Library", "alerts@library.example")
    unsubscribe = f"{settings.SITE_URL}/alerts/unsubscribe/{alert.unsubscribe_token}/"
    assert str(parsed["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Id"].endswith(">")
    assert parsed.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in parsed.walk()]
    assert parts[1:] == ["text/plain", "text/html"]
    # The links in the body work: unsubscribe (the header's URL) and the manage page.
    assert unsubscribe in message.body
    manage = f"/alerts/manage/{alert.subscriber.manage_token}/"
    assert manage in message.body
    assert client.get(manage).status_code == 200
    # The header's URL unsubscribes with the RFC 8058 POST.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe.removeprefix(settings.SITE_URL),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Alert.objects.exists()


def test_no_new_resource_no_mail(committed: Any) -> None:
    AlertFactory(query="q=advocacy", confirmed_at=ago(days=2), last_checked_at=ago(days=2))
    ResourceFactory(title="Something else entirely", published_at=ago(hours=1))
    ResourceFactory(title="Advocacy long ago", published_at=ago(days=10))
    run(committed)
    assert mail.outbox == []
    assert not Digest.objects.exists()


def test_at_most_fifty_listed_and_the_rest_linked_to_the_search(committed: Any) -> None:
    alert = AlertFactory(query="q=advocacy", confirmed_at=ago(days=2), last_checked_at=ago(days=2))
    for n in range(53):
        ResourceFactory(title=f"Advocacy item {n}", published_at=ago(minutes=n + 1))
    run(committed)
    message = mail.outbox[0]
    assert len(listed_ids(message.body)) == 50
    assert "… and 3 more: http://127.0.0.1:8000/search/?q=advocacy" in message.body
    assert "and 3 more" in message.alternatives[0][0]
    assert "53 new resources" in message.subject + message.body
    # The three beyond the list were announced by the link: not sent again next time.
    assert DigestItem.objects.filter(alert=alert).count() == 53
    run(committed, "--ignore-schedule")
    assert len(mail.outbox) == 1


def test_a_second_run_sends_nothing_again_with_or_without_ignore_schedule(committed: Any) -> None:
    alert = AlertFactory(query="q=advocacy", confirmed_at=ago(days=2), last_checked_at=ago(days=2))
    first = ResourceFactory(title="Advocacy one", published_at=ago(hours=3))
    run(committed)
    run(committed)
    run(committed, "--ignore-schedule")
    assert len(mail.outbox) == 1
    second = ResourceFactory(title="Advocacy two")
    run(committed, "--ignore-schedule")
    assert len(mail.outbox) == 2
    assert listed_ids(mail.outbox[1].body) == [second.pk]
    assert first.title not in mail.outbox[1].body
    assert alert.digests.count() == 2


def test_a_crash_before_the_commit_loses_nothing(committed: Any, monkeypatch: Any) -> None:
    AlertFactory(query="q=advocacy", confirmed_at=ago(days=2), last_checked_at=ago(days=2))
    resources = [
        ResourceFactory(title=f"Advocacy {n}", published_at=ago(hours=n + 1)) for n in range(2)
    ]

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the machine went down")

    monkeypatch.setattr("socialmission.alerts.emails.send_email", crash)
    with pytest.raises(RuntimeError):
        run(committed)
    assert not Digest.objects.exists() and not DigestItem.objects.exists()
    monkeypatch.undo()

    run(committed)
    assert len(mail.outbox) == 1
    assert sorted(listed_ids(mail.outbox[0].body)) == sorted(r.pk for r in resources)


def test_a_resource_is_never_sent_twice_to_the_same_alert_even_if_republished(
    committed: Any,
) -> None:
    AlertFactory(query="q=advocacy", confirmed_at=ago(days=3), last_checked_at=ago(days=3))
    resource = ResourceFactory(title="Advocacy again", published_at=ago(days=2))
    run(committed, "--ignore-schedule")
    assert len(mail.outbox) == 1
    resource.published_at = timezone.now()
    resource.save()
    run(committed, "--ignore-schedule")
    assert len(mail.outbox) == 1


def test_a_resource_stamped_just_before_the_last_check_is_not_skipped(committed: Any) -> None:
    """Published (stamped) before a run, committed after it: the next run still finds it."""
    alert = AlertFactory(query="q=advocacy", confirmed_at=ago(days=3), last_checked_at=ago(days=1))
    run(committed)
    assert mail.outbox == []
    late = ResourceFactory(title="Advocacy late commit", published_at=ago(minutes=5))
    Alert.objects.filter(pk=alert.pk).update(last_checked_at=ago(minutes=1))
    run(committed, "--ignore-schedule")
    assert listed_ids(mail.outbox[0].body) == [late.pk]


def test_the_schedule_daily_and_weekly() -> None:
    now = timezone.now()
    daily_due = AlertFactory(
        frequency="daily", last_checked_at=now - datetime.timedelta(hours=23, minutes=30)
    )
    daily_not = AlertFactory(frequency="daily", last_checked_at=now - datetime.timedelta(hours=12))
    weekly_due = AlertFactory(frequency="weekly", last_checked_at=now - datetime.timedelta(days=7))
    weekly_not = AlertFactory(frequency="weekly", last_checked_at=now - datetime.timedelta(days=3))
    AlertFactory(status=Alert.Status.PENDING)
    AlertFactory(status=Alert.Status.PAUSED, last_checked_at=now - datetime.timedelta(days=30))
    due = set(services.due_alerts(now=now, ignore_schedule=False))
    assert due == {daily_due.pk, weekly_due.pk}
    everything = set(services.due_alerts(now=now, ignore_schedule=True))
    assert everything == {daily_due.pk, daily_not.pk, weekly_due.pk, weekly_not.pk}


def test_sending_is_rate_limited_per_address(committed: Any, settings: Any) -> None:
    settings.ALERTS_DIGESTS_PER_ADDRESS_PER_DAY = 2
    reader = SubscriberFactory()
    alerts = [
        AlertFactory(
            subscriber=reader,
            query=f"q=advocacy{n}",
            confirmed_at=ago(days=2),
            last_checked_at=ago(days=2),
        )
        for n in range(3)
    ]
    other = AlertFactory(query="q=advocacy0", confirmed_at=ago(days=2), last_checked_at=ago(days=2))
    for n in range(3):
        ResourceFactory(title=f"Advocacy{n} news", published_at=ago(hours=1))
    with committed():
        report = services.send_alerts()
    assert (report.sent, report.rate_limited) == (3, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [reader.email, reader.email, other.subscriber.email]
    )
    held = next(a for a in alerts if not a.digests.exists())
    # A day later the held alert goes out with what it missed: nothing skipped.
    with committed():
        services.send_alerts(now=timezone.now() + datetime.timedelta(days=1, hours=1))
    assert held.digests.count() == 1
    assert len(mail.outbox) == 4


def test_send_alerts_is_registered_as_a_periodic_job(monkeypatch: Any) -> None:
    from django.apps import apps

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        "socialmission.core.schedule.register",
        lambda name, **kw: calls.append((name, kw["command"], kw["every"])),
    )
    apps.get_app_config("alerts").ready()
    assert calls == [("send_alerts", "send_alerts", datetime.timedelta(hours=1))]
