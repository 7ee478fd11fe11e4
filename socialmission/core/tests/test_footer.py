"""Every page's footer says where machines and catalogues read the library, and each link works."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/", "/search/?q=health", "/guides/", "/contribute/", "/assessment/", "/accounts/login/"]


def footer(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    found = re.search(
        r'<footer class="site-footer">(.*?)</footer>', response.content.decode(), re.S
    )
    assert found, f"no footer on {path}"
    return found.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_footer_lists_the_developer_and_librarian_links(client: Client, path: str) -> None:
    html = footer(client, path)
    assert "For developers and librarians" in html
    links = re.findall(r'href="([^"]+)"', html)
    assert links == [
        "/api/v1/docs",
        "/oai/?verb=Identify",
        "/feeds/new.atom",
        "/feeds/new.rss",
        "/library/export/csv/",
        "/library/export/csljson/",
        "/library/export/ris/",
    ]
    # The OAI-PMH base URL is shown whole, as harvesters need it.
    assert "<code>http://testserver/oai/</code>" in html


def test_every_footer_link_answers(client: Client) -> None:
    for href in re.findall(r'href="([^"]+)"', footer(client, "/")):
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, href
        assert response.get("Content-Type", "").split(";")[0] in {
            "text/html",
            "text/xml",
            "application/atom+xml",
            "application/rss+xml",
            "text/csv",
            "application/vnd.citationstyles.csl+json",
            "application/x-research-info-systems",
        }, (href, response.get("Content-Type"))
