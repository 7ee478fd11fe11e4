"""The self-assessment in a real Chromium: answering by keyboard with autosave, submitting, the
report and the national picture, each page checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from socialmission.assessment.models import Answer, Cycle
from socialmission.assessment.tests import factories as f
from tests.browser.conftest import axe_violations, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(browser: Any, vocabularies: None, live_server: Any) -> dict[str, Any]:
    from django.core.cache import cache

    cache.clear()
    inst = f.institution("Browser School")
    lead = f.member(inst, first_name="Lena", last_name="Lead")
    cycle = f.cycle(inst, {"PAG-2": "yes", "CE-1": "60"})
    f.peers(5)
    client = Client()
    client.force_login(lead)
    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    yield {"page": context.new_page(), "cycle": cycle, "base": live_server.url}
    context.close()


def test_answer_by_keyboard_autosave_submit_and_read_the_report(signed_in: dict[str, Any]) -> None:
    page, cycle, base = signed_in["page"], signed_in["cycle"], signed_in["base"]
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/domains/pathways-admission-graduation/")
    page.wait_for_function("() => window.htmx !== undefined")
    assert axe_violations(page) == []
    assert "1 of 3 answered" in page.inner_text("#domain-progress")

    # A radio group by keyboard: Tab into it (the checked "Not answered yet" takes the focus),
    # then the arrow keys choose; each change saves itself.
    tab_to(page, "input[name='value-PAG-1']")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#status-PAG-1:has-text('Saved by Lena Lead')")
    assert Answer.objects.get(cycle=cycle, indicator="PAG-1").value == "none"
    # Each further choice saves itself; the test waits for each save in the page (reading the
    # SQLite file while the live server writes it would lock it).
    page.evaluate(
        "() => { window.saves = 0;"
        " document.body.addEventListener('htmx:afterRequest', () => window.saves++); }"
    )
    for n in (1, 2, 3):
        page.keyboard.press("ArrowDown")
        page.wait_for_function(f"() => window.saves >= {n}")
    assert Answer.objects.get(cycle=cycle, indicator="PAG-1").value == "evaluated"
    page.wait_for_function(
        "() => document.querySelector('#domain-progress').textContent.includes('2 of 3')"
    )

    # A number, then its comment: typed, saved when the field is left or typing pauses.
    tab_to(page, "#value-PAG-3")
    page.keyboard.type("24")
    page.keyboard.press("Tab")
    page.wait_for_selector("#status-PAG-3:has-text('Saved by Lena Lead')")
    assert Answer.objects.get(cycle=cycle, indicator="PAG-3").value == "24"
    page.wait_for_function(
        "() => document.querySelector('#domain-progress').textContent.includes('3 of 3')"
    )
    assert axe_violations(page) == []

    # Submitting, by keyboard, from the cycle page.
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/")
    assert axe_violations(page) == []
    tab_to(page, "form[action$='/submit/'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Self-assessment report')")
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.SUBMITTED

    text = page.inner_text("main")
    assert "What to read and copy next" in text
    assert "of 4 stars" in text  # five peers: benchmarks are shown
    assert page.locator("svg[role=img] desc").count() == 1
    assert axe_violations(page) == []

    page.goto(f"{base}/assessment/national/")
    assert "All schools" in page.inner_text("main")
    assert "Browser School" not in page.inner_text("main")
    assert axe_violations(page) == []


def test_the_answering_page_saves_without_javascript(
    browser: Any, signed_in: dict[str, Any]
) -> None:
    cycle, base = signed_in["cycle"], signed_in["base"]
    cookies = signed_in["page"].context.cookies()
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/domains/community-engagement/")
    page.fill("#value-CE-1", "75")
    page.click("button:has-text('Save all answers on this page')")
    page.wait_for_selector("text=Answers saved.")
    assert Answer.objects.get(cycle=cycle, indicator="CE-1").value == "75"
    context.close()
