"""Private data never leaves through any public door: pages, exports, feeds, OAI-PMH, API, dump.

Suggesters' and nominators' names and e-mails are private (PRODUCT.md), and so are the
addresses of alert subscribers and a school's self-assessment (its name, answers and comments).
The sample world (``core/tests/samples.py``) publishes a suggestion and a nomination through the
curator services, lets an alert record a digest and fills a school's cycle; the test then reads
every public URL of the site, as classified in ``core/tests/url_classes.py`` and filled from that
world, the whole-library dump, and the alerts' own pages (reached by private links, they still
never show the address).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from socialmission.core.tests import samples as world
from socialmission.core.tests import url_classes as classes

pytestmark = pytest.mark.django_db


def public_urls(samples: world.Samples) -> dict[str, int]:
    """Every public URL of the site filled from the sample world, with the status it answers.

    Derived from the classification of every URL pattern, so a new public page, feed or export
    is read here as soon as it has its line in ``url_classes.URLS``.
    """
    found = {}
    for pattern in classes.walk():
        entry = classes.entry_for(pattern.key)
        if entry is not None and entry.access is classes.PUBLIC:
            for url in classes.concrete(pattern, samples):
                found[url] = entry.ok
    return found


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def test_no_public_output_contains_private_data(client: Client, tmp_path: Path) -> None:
    samples = world.build()
    resource, champion = samples.resource, samples.champion
    urls = public_urls(samples)
    # Outputs that must carry the published items (an empty page would prove nothing).
    with_items = [
        "/",
        "/search/?q=rural",
        resource.get_absolute_url(),
        *[f"/resources/{resource.pk}/export/{fmt}/" for fmt in samples.export_formats],
        *[f"/search/export/{fmt}/?q=rural" for fmt in samples.export_formats],
        *[f"/library/export/{fmt}/" for fmt in samples.export_formats],
        *[f"/guides/{samples.guide.slug}/export/{fmt}/" for fmt in samples.export_formats],
        samples.guide.get_absolute_url(),
        "/feeds/new.atom",
        "/feeds/new.rss",
        "/feeds/search.atom?q=rural",
        "/feeds/search.rss?q=rural",
        "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
        "/api/v1/resources?q=rural",
        f"/api/v1/resources/{resource.pk}",
        "/contribute/champions/",
        champion.get_absolute_url(),
    ]
    assert set(with_items) <= set(urls), set(with_items) - set(urls)
    assert len(urls) > len(with_items)  # the rest of the site is read too

    for url, status in urls.items():
        cache.clear()  # per-address limits (exports, forms) count in the cache: this is no abuse
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        text = _text(response)
        if url in with_items:
            assert "nursing students" in text.lower() or champion.name in text, url
        if url == "/guides/":
            assert samples.guide.title in text
        if url == "/sitemap-resources.xml":
            assert resource.get_absolute_url() in text
        for secret in world.SECRETS:
            assert secret not in text, (url, secret)

    # The alerts' own pages, reached by the subscriber's private links, never show the address.
    private_links = [
        url
        for pattern in classes.walk()
        if pattern.key.startswith("alerts:")
        and classes.entry_for(pattern.key).access is classes.TOKEN  # type: ignore[union-attr]
        for url in classes.concrete(pattern, samples)
    ]
    assert len(private_links) == 3
    for url in [*private_links, "/alerts/new/?q=rural"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "rural" in response.content.decode(), url
        for secret in world.SECRETS:
            assert secret not in response.content.decode(), (url, secret)

    call_command("dump", output=str(tmp_path / "dump"), verbosity=0)
    dumped = "".join(p.read_text() for p in (tmp_path / "dump").iterdir())
    assert "Pathway programs for rural nursing students" in dumped
    for secret in world.SECRETS:
        assert secret not in dumped


def test_no_public_output_shows_a_schools_answers_comments_or_name(client: Client) -> None:
    """Self-assessment answers are confidential to the school's team (issue 8, section 5)."""
    from socialmission.accounts import roles
    from socialmission.accounts.tests.factories import user_with_role
    from socialmission.assessment.tests import factories as assessment

    secret_comment = "Confidential: our dean's retention figures"
    schools = assessment.peers(5)
    first = schools[0]
    first.answers.filter(indicator="PAG-1").update(comment=secret_comment)
    names = [cycle.institution.name for cycle in schools]
    chief = Client()
    chief.force_login(user_with_role(roles.EDITOR_IN_CHIEF))
    outputs = {
        "/assessment/": client.get("/assessment/"),
        "/assessment/national/": client.get("/assessment/national/"),
        "/assessment/national/export.csv": chief.get("/assessment/national/export.csv"),
        "/sitemap.xml": client.get("/sitemap.xml"),
    }
    assert "All schools" in outputs["/assessment/national/"].content.decode()
    assert "overall" in outputs["/assessment/national/export.csv"].content.decode()
    for url, response in outputs.items():
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        assert secret_comment not in text, url
        for name in names:
            assert name not in text, (url, name)
