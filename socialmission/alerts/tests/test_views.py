"""Sign-up, double opt-in, the manage page and one-click unsubscribe, through HTTP."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from socialmission.alerts import tokens
from socialmission.alerts.models import Alert, Subscriber
from socialmission.alerts.tests.factories import AlertFactory, SubscriberFactory, signup_post
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://\S+/alerts/confirm/[A-Za-z0-9_-]+/")
MANAGE_LINK = re.compile(r"http://\S+/alerts/manage/[A-Za-z0-9_-]+/")


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def sign_up(client: Client, committed, **overrides: object) -> None:
    with committed():
        response = client.post("/alerts/new/", signup_post(**overrides))
    assert response.status_code == 200, response.content.decode()


def test_search_page_links_to_an_alert_for_the_same_search(client: Client) -> None:
    response = client.get("/search/?q=advocacy&profession=pharmacy&page=1")
    html = response.content.decode()
    assert 'href="/alerts/new/?q=advocacy&amp;profession=pharmacy"' in html
    assert "E-mail me new resources for this search" in html
    # After an in-place search the link follows the new search (out of band).
    swapped = client.get("/search/?q=equity", headers={"HX-Request": "true"}).content.decode()
    assert 'id="alert-panel" class="alert-panel" hx-swap-oob="true"' in swapped
    assert "/alerts/new/?q=equity" in swapped


def test_form_page_names_the_search_in_words(client: Client) -> None:
    response = client.get(
        "/alerts/new/?q=advocacy&domain=curriculum-programming&profession=pharmacy&sort=newest"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pharmacy · Curriculum &amp; Programming · &#x27;advocacy&#x27;" in html
    # The saved search drops the order and the page: a digest is always newest first.
    assert (
        'name="query" value="q=advocacy&amp;domain=curriculum-programming&amp;profession=pharmacy"'
        in html
    )
    assert "<html" in html


def test_htmx_gets_the_form_alone_for_the_panel(client: Client) -> None:
    html = client.get("/alerts/new/?q=advocacy", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert 'hx-post="/alerts/new/"' in html and 'hx-target="#alert-panel"' in html


def test_double_opt_in_sends_nothing_but_the_confirmation_until_confirmed(
    client: Client, committed
) -> None:
    sign_up(client, committed, email="Reader@Example.org", query="q=advocacy")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "Confirm your alert: 'advocacy'" in message.subject
    alert = Alert.objects.get()
    assert alert.status == Alert.Status.PENDING and alert.frequency == "weekly"

    ResourceFactory(title="Advocacy training for pharmacists")
    with committed():
        call_command("send_alerts", "--ignore-schedule", verbosity=0)
    assert len(mail.outbox) == 1  # nothing but the confirmation

    confirm_path = path_of(CONFIRM_LINK.search(message.body).group(0))
    assert confirm_path.startswith("/alerts/confirm/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Your alert is on" in page.content.decode()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACTIVE and alert.confirmed_at is not None
    # Opening the link again changes nothing.
    assert client.get(confirm_path).status_code == 200

    ResourceFactory(title="Advocacy in the pharmacy curriculum")
    with committed():
        call_command("send_alerts", "--ignore-schedule", verbosity=0)
    assert len(mail.outbox) == 2
    assert "Advocacy in the pharmacy curriculum" in mail.outbox[1].body
    # Published before the confirmation: not "new" for this alert.
    assert "Advocacy training for pharmacists" not in mail.outbox[1].body


def test_unconfirmed_requests_expire_after_seven_days(client: Client, committed) -> None:
    sign_up(client, committed)
    confirm_path = path_of(CONFIRM_LINK.search(mail.outbox[0].body).group(0))
    alert = Alert.objects.get()
    week_ago = timezone.now() - datetime.timedelta(days=7, minutes=1)
    Alert.objects.filter(pk=alert.pk).update(created_at=week_ago)
    Subscriber.objects.update(created_at=week_ago)
    response = client.get(confirm_path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PENDING

    with committed():
        call_command("send_alerts", verbosity=0)  # the job forgets expired requests
    assert not Alert.objects.exists() and not Subscriber.objects.exists()
    assert client.get(confirm_path).status_code == 404


def test_six_days_old_request_can_still_be_confirmed(client: Client, committed) -> None:
    sign_up(client, committed)
    Alert.objects.update(created_at=timezone.now() - datetime.timedelta(days=6))
    with committed():
        call_command("send_alerts", verbosity=0)
    confirm_path = path_of(CONFIRM_LINK.search(mail.outbox[0].body).group(0))
    assert client.get(confirm_path).status_code == 200
    assert Alert.objects.get().status == Alert.Status.ACTIVE


def test_one_address_holds_several_alerts_listed_on_one_manage_page(
    client: Client, committed
) -> None:
    sign_up(client, committed, query="q=advocacy")
    sign_up(client, committed, query="profession=pharmacy", frequency="daily")
    assert Subscriber.objects.count() == 1 and Alert.objects.count() == 2
    manage_urls = {MANAGE_LINK.search(m.body).group(0) for m in mail.outbox}
    assert len(manage_urls) == 1
    page = client.get(path_of(manage_urls.pop()))
    html = page.content.decode()
    assert page.status_code == 200
    assert "&#x27;advocacy&#x27;" in html and "Pharmacy" in html
    assert "reader@example.org" not in html
    assert page["Cache-Control"].startswith("max-age=0")
    assert "noindex" in page["X-Robots-Tag"]


def test_manage_page_changes_frequency_pauses_resumes_and_deletes(client: Client) -> None:
    alert = AlertFactory(query="q=advocacy", frequency="daily")
    url = f"/alerts/manage/{alert.subscriber.manage_token}/"

    response = client.post(url, {"alert": alert.pk, "action": "frequency", "frequency": "weekly"})
    assert response.status_code == 302 and response["Location"] == url
    alert.refresh_from_db()
    assert alert.frequency == "weekly"

    client.post(url, {"alert": alert.pk, "action": "pause"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PAUSED
    assert "Paused" in client.get(url).content.decode()

    client.post(url, {"alert": alert.pk, "action": "resume"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACTIVE

    client.post(url, {"alert": alert.pk, "action": "delete"})
    assert not Alert.objects.filter(pk=alert.pk).exists()
    assert "You have no alerts" in client.get(url).content.decode()


def test_paused_alert_sends_nothing(client: Client, committed) -> None:
    alert = AlertFactory(query="q=advocacy", status=Alert.Status.PAUSED)
    ResourceFactory(title="Advocacy now")
    with committed():
        call_command("send_alerts", "--ignore-schedule", verbosity=0)
    assert mail.outbox == []
    assert alert.digests.count() == 0


def test_manage_page_refuses_another_addresses_alert(client: Client) -> None:
    mine = AlertFactory(query="q=advocacy")
    theirs = AlertFactory(query="q=ruraltrack")
    url = f"/alerts/manage/{mine.subscriber.manage_token}/"
    for action in ("pause", "delete"):
        assert client.post(url, {"alert": theirs.pk, "action": action}).status_code == 404
    assert client.post(url, {"alert": "not-a-number", "action": "pause"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Alert.Status.ACTIVE
    assert "ruraltrack" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "short",
        "x" * 47 + "!",  # right length, not URL-safe
        "A" * 48,  # right shape, forged verifier
    ],
)
def test_bad_tokens_are_refused_before_any_query(
    client: Client, token: str, django_assert_num_queries
) -> None:
    for prefix in ("confirm", "manage", "unsubscribe"):
        with django_assert_num_queries(0):
            assert client.get(f"/alerts/{prefix}/{token}/").status_code == 404


def test_a_token_for_one_purpose_opens_no_other_door(client: Client) -> None:
    alert = AlertFactory(status=Alert.Status.PENDING)
    confirm_token = alert.confirm_token
    assert client.get(f"/alerts/manage/{confirm_token}/").status_code == 404
    assert client.get(f"/alerts/unsubscribe/{confirm_token}/").status_code == 404
    assert client.get(f"/alerts/confirm/{alert.unsubscribe_token}/").status_code == 404
    assert client.get(f"/alerts/confirm/{alert.subscriber.manage_token}/").status_code == 404
    assert tokens.split_token(confirm_token) == alert.selector


def test_one_click_unsubscribe_by_post_with_the_rfc_8058_body() -> None:
    alert = AlertFactory(query="q=advocacy")
    other = AlertFactory(subscriber=alert.subscriber, query="q=equity")
    # A mailbox provider: no cookies, no CSRF token, just the body of RFC 8058.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        f"/alerts/unsubscribe/{alert.unsubscribe_token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Alert.objects.filter(pk=alert.pk).exists()
    assert Alert.objects.filter(pk=other.pk).exists()  # only this alert
    # Again: still fine (the provider may retry).
    again = provider.post(
        f"/alerts/unsubscribe/{alert.unsubscribe_token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200


def test_unsubscribe_link_opened_by_a_scanner_unsubscribes_nobody(client: Client) -> None:
    alert = AlertFactory(query="q=advocacy")
    url = f"/alerts/unsubscribe/{alert.unsubscribe_token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in page.content.decode()
    assert Alert.objects.filter(pk=alert.pk).exists()
    # Any other body is refused: the exemption from CSRF is for the one-click POST only.
    provider = Client(enforce_csrf_checks=True)
    assert provider.post(url, {"action": "delete"}).status_code == 400
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_unsubscribe_button_of_the_page_works_without_javascript(client: Client) -> None:
    alert = AlertFactory(query="q=advocacy")
    response = client.post(
        f"/alerts/unsubscribe/{alert.unsubscribe_token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not Alert.objects.exists()


def test_other_methods_are_refused(client: Client) -> None:
    alert = AlertFactory()
    assert client.put(f"/alerts/unsubscribe/{alert.unsubscribe_token}/").status_code == 405
    assert client.post(f"/alerts/confirm/{alert.confirm_token}/").status_code == 405
    assert client.delete("/alerts/new/").status_code == 405


def test_a_pending_alert_cannot_be_used_by_an_unconfirmed_address(
    client: Client, committed
) -> None:
    """Someone else's confirmed address cannot be given more alerts without a confirmation."""
    existing = AlertFactory(subscriber=SubscriberFactory(email="reader@example.org"), query="q=x")
    sign_up(client, committed, email="reader@example.org", query="q=advocacy")
    new = Alert.objects.exclude(pk=existing.pk).get()
    assert new.status == Alert.Status.PENDING
    assert len(mail.outbox) == 1 and "/alerts/confirm/" in mail.outbox[0].body


def test_asking_again_for_an_active_alert_sends_nothing_and_says_the_same(
    client: Client, committed
) -> None:
    AlertFactory(subscriber=SubscriberFactory(email="reader@example.org"), query="q=advocacy")
    with committed():
        response = client.post("/alerts/new/", signup_post(query="q=advocacy"))
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []
    assert Alert.objects.count() == 1


def test_the_alert_panel_is_a_page_section_of_alerts(client: Client) -> None:
    """The search page names slots only; alerts fills them (no include of an alerts template)."""
    from socialmission.core.sections import sections_of

    assert [s.name for s in sections_of("search.before_form")] == ["alerts-panel"]
    assert [s.name for s in sections_of("search.swapped")] == ["alerts-panel"]
    page = client.get("/search/?q=equity").content.decode()
    # Once on a full page, below the title and before the search form, never out of band.
    assert page.count('id="alert-panel"') == 1
    assert page.index('id="alert-panel"') < page.index('id="search-form"')
    assert "hx-swap-oob" not in page.split('id="alert-panel"')[1].split(">")[0]
