"""The page of an expired contribution status link, in Chromium on a phone, checked with axe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialmission.contributions.models import Status, Suggestion
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expired_status_link_page(browser: Any, vocabularies: None, live_server: Any) -> None:
    suggestion = Suggestion.objects.create(
        title="Rural pathways toolkit",
        submitter_name="Sam",
        submitter_email="sam@example.org",
        status=Status.DECLINED,
        decline_reason="Out of scope.",
        decided_at=timezone.now() - timedelta(days=400),
    )
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    response = page.goto(f"{live_server.url}{suggestion.status_path()}")
    assert response.status == 410
    assert page.locator("h1").inner_text() == "This status link has expired"
    assert "Rural pathways toolkit" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= 375")
    assert axe_violations(page) == []
    context.close()
