"""The curator's new pages in Chromium: drafts to review, e-mail choice, import then "Import now"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.contributions.models import CuratorNotice, Suggestion
from socialmission.library.models import Resource, ResourceType
from tests.browser.conftest import axe_violations
from tests.browser.test_contributions import contrib_setup, tab_to  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("contrib_setup"),
]

RIS = (
    "TY  - JOUR\nTI  - Community preceptors in rural pharmacy\nAU  - Smith, Jane\n"
    "PY  - 2021\nJO  - Academic Medicine\nDO  - 10.5555/preceptors.1\nER  - \n"
)


def curator_page(browser: Any, live_server: Any) -> tuple[Any, Any]:
    curator = User.objects.create_user(
        username="cora", first_name="Cora", last_name="Curator", email="cora@example.org"
    )
    curator.groups.add(Group.objects.get(name=roles.CURATOR))
    client = Client()
    client.force_login(curator)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def test_drafts_and_the_queue_flag_duplicates(
    browser: Any,
    live_server: Any,
) -> None:
    article = ResourceType.objects.get(slug="article")
    Resource.objects.create(
        title="Held already",
        doi="10.5555/held",
        resource_type=article,
        status=Resource.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    draft = Resource.objects.create(
        title="Imported draft", doi="10.5555/held", resource_type=article
    )
    Suggestion.objects.create(
        title="Suggested again", doi="10.5555/held", submitter_name="S", submitter_email="s@x.org"
    )
    context, page = curator_page(browser, live_server)
    page.goto(f"{live_server.url}/contribute/queue/")
    assert page.locator("text=Possible duplicate (same DOI)").count() == 1
    assert axe_violations(page) == []
    tab_to(page, "a[href='/contribute/queue/drafts/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Drafts to review')")
    assert page.locator("text=Possible duplicate (same DOI)").count() == 1
    assert axe_violations(page) == []
    tab_to(page, f"#draft-{draft.pk}")
    page.keyboard.press("Space")
    tab_to(page, "#drafts-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Published 1 resource")
    assert axe_violations(page) == []
    draft.refresh_from_db()
    assert draft.status == Resource.Status.PUBLISHED
    context.close()


def test_choosing_the_daily_digest_by_keyboard(
    browser: Any,
    live_server: Any,
) -> None:
    context, page = curator_page(browser, live_server)
    page.goto(f"{live_server.url}/contribute/queue/notifications/")
    assert axe_violations(page) == []
    tab_to(page, "input[value=off]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Your choice is saved.")
    assert axe_violations(page) == []
    assert CuratorNotice.objects.get().frequency == "daily"
    context.close()


def test_dry_run_then_import_now(
    browser: Any,
    live_server: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.DATA_DIR = tmp_path
    bibliography = tmp_path / "refs.ris"
    bibliography.write_text(RIS)
    context, page = curator_page(browser, live_server)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/curate/import/")
    assert axe_violations(page) == []
    # At phone width the form fits the screen: nothing scrolls sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.set_input_files("#id_file", str(bibliography))
    page.click("form.site-form button[type=submit]")
    page.wait_for_selector("text=Dry run report: nothing was saved")
    assert axe_violations(page) == []
    assert not Resource.objects.exists()
    tab_to(page, ".import-now button")
    page.keyboard.press("Enter")
    page.wait_for_selector("h2:has-text('Import report')")
    assert axe_violations(page) == []
    resource = Resource.objects.get()
    assert resource.status == Resource.Status.DRAFT
    assert page.locator(f"a[href='/resources/{resource.pk}/']").count() == 1
    context.close()
