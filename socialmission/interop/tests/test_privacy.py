"""Private data never leaves through any public door: pages, exports, feeds, OAI-PMH, API, dump.

Suggesters' and nominators' names and e-mails are private (PRODUCT.md), and so are the
addresses of alert subscribers. This publishes a suggestion and a nomination through the
curator services, lets an alert record a digest, then reads every public output, and the
alerts' own pages (reached by private links, they still never show the address).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from socialmission.alerts import services as alert_services
from socialmission.alerts.tests.factories import AlertFactory, SubscriberFactory
from socialmission.contributions import services
from socialmission.contributions.tests.factories import (
    NominationFactory,
    SuggestionFactory,
    curator,
)

pytestmark = pytest.mark.django_db

SECRETS = (
    "hidden-suggester@example.org",
    "Hidden Suggester",
    "hidden-nominator@example.org",
    "hidden-alert-reader@example.org",
)


def test_no_public_output_contains_private_contact_details(client: Client, tmp_path: Path) -> None:
    cora = curator()
    alert = AlertFactory(
        subscriber=SubscriberFactory(email="hidden-alert-reader@example.org"), query="q=rural"
    )
    suggestion = SuggestionFactory(
        title="Pathway programs for rural nursing students",
        submitter_name="Hidden Suggester",
        submitter_email="hidden-suggester@example.org",
    )
    resource = services.publish_suggestion(suggestion, curator=cora)
    nomination = NominationFactory(
        submitter_name="Nora Nominator", submitter_email="hidden-nominator@example.org"
    )
    champion = services.publish_nomination(nomination, curator=cora)
    assert alert_services.send_alerts(ignore_schedule=True).sent == 1

    urls = [
        "/",
        "/search/?q=rural",
        resource.get_absolute_url(),
        f"/resources/{resource.pk}/export/ris/",
        f"/resources/{resource.pk}/export/bibtex/",
        f"/resources/{resource.pk}/export/csljson/",
        f"/resources/{resource.pk}/export/csv/",
        f"/resources/{resource.pk}/export/ama/",
        "/search/export/csv/?q=rural",
        "/library/export/csljson/",
        "/library/export/ris/",
        "/feeds/new.atom",
        "/feeds/new.rss",
        "/feeds/search.atom?q=rural",
        "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
        "/api/v1/resources?q=rural",
        f"/api/v1/resources/{resource.pk}",
        "/sitemap.xml",
        "/contribute/champions/",
        champion.get_absolute_url(),
    ]
    private_links = [
        "/alerts/new/?q=rural",
        f"/alerts/confirm/{alert.confirm_token}/",
        f"/alerts/manage/{alert.subscriber.manage_token}/",
        f"/alerts/unsubscribe/{alert.unsubscribe_token}/",
    ]
    for url in private_links:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "rural" in response.content.decode(), url
        for secret in SECRETS:
            assert secret not in response.content.decode(), (url, secret)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        # Each output really carries the published items (an empty page would prove nothing);
        # the sitemap index only points at its sections.
        if url != "/sitemap.xml":
            assert "nursing students" in text.lower() or champion.name in text, url
        for secret in SECRETS:
            assert secret not in text, (url, secret)

    call_command("dump", output=str(tmp_path / "dump"), verbosity=0)
    dumped = "".join(p.read_text() for p in (tmp_path / "dump").iterdir())
    assert "Pathway programs for rural nursing students" in dumped
    for secret in SECRETS:
        assert secret not in dumped


def test_no_public_output_shows_a_schools_answers_comments_or_name(client: Client) -> None:
    """Self-assessment answers are confidential to the school's team (issue 8, section 5)."""
    from socialmission.accounts import roles
    from socialmission.assessment.tests import factories as assessment
    from socialmission.contributions.tests.factories import user_with_role

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
