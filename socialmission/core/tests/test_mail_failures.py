"""A failing mail server never fails or holds up a request (issue 10 §7, the last line of
defence behind the task queue): the suggestion form and the alert sign-up answer normally,
and the message is recorded as retrying or failed, in the immediate backend (a send inside
the request) and in the database queue (the worker's send)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from socialmission.alerts.tests.factories import signup_post
from socialmission.contributions.tests.helpers import suggestion_post
from socialmission.core import mail, tasks
from socialmission.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

S = OutgoingEmail.Status


class ExplodingBackend(BaseEmailBackend):
    """A mail backend failing in a way nobody foresaw (not an SMTP or socket error)."""

    def send_messages(self, email_messages: Any) -> int:
        raise RuntimeError("the mail library broke")


@pytest.fixture(autouse=True)
def _forms(settings: Any) -> Iterator[None]:
    settings.CONTRIBUTIONS_MIN_FILL_SECONDS = 0
    settings.MAIL_RETRY_ATTEMPTS = 2
    cache.clear()  # rate limits
    yield
    cache.clear()


@pytest.fixture(params=["refused", "raises", "5xx"])
def failing_mail(request: pytest.FixtureRequest, settings: Any) -> str:
    if request.param == "refused":
        request.getfixturevalue("smtp_down")  # nothing listens: connection refused
    elif request.param == "raises":
        settings.EMAIL_BACKEND = f"{__name__}.ExplodingBackend"
    else:
        request.getfixturevalue("smtp_server").always = "554 5.7.1 Message rejected"
    return str(request.param)


FORMS: dict[str, Callable[[Any], Any]] = {
    "suggestion": lambda client: client.post(reverse("contributions:suggest"), suggestion_post()),
    "alert sign-up": lambda client: client.post(reverse("alerts:new"), signup_post()),
}


@pytest.mark.parametrize("form", FORMS)
def test_immediate_backend_a_failing_send_is_recorded_not_raised(
    client: Any, form: str, failing_mail: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = FORMS[form](client)
    assert response.status_code in {200, 302}
    [row] = OutgoingEmail.objects.all()
    # Tried inside the request (the immediate backend), and recorded: given up after the retries
    # (a permanent 5xx at once), never left "sending".
    assert row.status == S.FAILED
    assert row.attempts == (1 if failing_mail == "5xx" else 2)
    assert row.last_error


@pytest.mark.parametrize("form", FORMS)
def test_database_queue_the_request_only_queues_then_the_worker_records_the_retry(
    client: Any,
    form: str,
    failing_mail: str,
    database_queue: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = FORMS[form](client)
    assert response.status_code in {200, 302}
    [row] = OutgoingEmail.objects.all()
    assert (row.status, row.attempts) == (S.QUEUED, 0)  # no attempt during the request
    assert tasks.run_pending() == 1  # the worker's turn
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.last_error
    if failing_mail == "5xx":
        assert row.status == S.FAILED
    else:
        assert (row.status, row.next_attempt_at is not None) == (S.QUEUED, True)
        assert tasks.queued_count() == 1  # the retry, deferred


@pytest.mark.parametrize("form", FORMS)
def test_a_queue_that_refuses_the_task_does_not_fail_the_request(
    client: Any, form: str, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the task table is unavailable")

    monkeypatch.setattr(mail, "deliver_email", SimpleNamespace(enqueue=refuse))
    with django_capture_on_commit_callbacks(execute=True):
        response = FORMS[form](client)
    assert response.status_code in {200, 302}
    # The message is kept, queued: the cleanup job hands lost messages to the queue again.
    [row] = OutgoingEmail.objects.all()
    assert (row.status, row.attempts) == (S.QUEUED, 0)
