"""The outgoing e-mail, job and task tables in the admin: administrators only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from socialmission.accounts.models import User
from socialmission.accounts.roles import ADMINISTRATOR, CURATOR
from socialmission.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

ADDRESS = "private-reader@example.org"
PAGES = [
    "admin:core_outgoingemail_changelist",
    "admin:core_scheduledjob_changelist",
    "admin:django_tasks_database_dbtaskresult_changelist",
]


def _staff(role: str | None, username: str) -> Client:
    user = User.objects.create_user(username=username, password="pw-123456789", is_staff=True)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def failed_email() -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        to=[ADDRESS],
        subject="Your alert",
        body="b",
        kind="alert-confirm",
        status=OutgoingEmail.Status.FAILED,
        attempts=10,
        last_error="SMTPDataError: 452 mailbox of <address> full",
    )


def test_administrators_see_failed_emails_with_their_error(failed_email: OutgoingEmail) -> None:
    admin = _staff(ADMINISTRATOR, "ada")
    page = admin.get(reverse(PAGES[0]) + "?status=failed")
    assert page.status_code == 200
    assert "452 mailbox of &lt;address&gt; full" in page.text
    detail = admin.get(reverse("admin:core_outgoingemail_change", args=[failed_email.pk]))
    assert detail.status_code == 200 and ADDRESS in detail.text
    for name in PAGES[1:]:
        assert admin.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", [None, CURATOR])
def test_other_staff_cannot_see_them(role: str | None, failed_email: OutgoingEmail) -> None:
    staff = _staff(role, "sam")
    for name in PAGES:
        assert staff.get(reverse(name)).status_code == 403
    detail = staff.get(reverse("admin:core_outgoingemail_change", args=[failed_email.pk]))
    assert detail.status_code in (302, 403)
    assert ADDRESS not in detail.text
    assert ADDRESS not in staff.get(reverse("admin:index")).text


def test_anonymous_visitors_are_sent_to_the_login(
    client: Client, failed_email: OutgoingEmail
) -> None:
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    guessed = client.get(reverse("admin:core_outgoingemail_change", args=[failed_email.pk]))
    assert guessed.status_code == 302


def test_send_again_queues_a_failed_message(
    failed_email: OutgoingEmail, django_capture_on_commit_callbacks: Any
) -> None:
    admin = _staff(ADMINISTRATOR, "ada")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse(PAGES[0]), {"action": "retry", "_selected_action": [failed_email.pk]}
        )
    assert response.status_code == 302
    failed_email.refresh_from_db()
    assert failed_email.status == OutgoingEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
