"""Atom and RSS feeds (parsed with feedparser), the feed links snippet, sitemap and robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.test import Client
from lxml import etree
from lxml import html as lxml_html

from socialmission.core import sections
from socialmission.interop import feeds
from socialmission.interop.tests.protocol_data import tagged_resource
from socialmission.library import models as m
from socialmission.library.search import SearchParams

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def published(title: str, days_ago: int, **fields: object) -> m.Resource:
    return tagged_resource(
        title=title,
        published_at=datetime(2026, 1, 31, tzinfo=UTC) - timedelta(days=days_ago),
        **fields,
    )


def parse(client: Client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize(
    ("url", "version"), [("/feeds/new.atom", "atom10"), ("/feeds/new.rss", "rss20")]
)
def test_new_resources_feeds(client: Client, url: str, version: str) -> None:
    older = published(
        "Older toolkit",
        10,
        year=2001,
        description="Steps <script>alert(1)</script>",
        authors=["A bare string", {"family": "Ng"}, 42],
    )
    newer = published("Newer report", 1, year=1999, domains=("community-engagement",))
    published("Draft", 0, status=m.Resource.Status.DRAFT)
    published("Withdrawn", 0, status=m.Resource.Status.WITHDRAWN)
    parsed = parse(client, url)
    assert parsed.version == version
    assert parsed.feed.title == "Social Mission Resource Library: new resources"
    assert parsed.feed.link == "http://testserver/"
    # Newest publication in the library first, whatever the year of the work.
    assert [e.title for e in parsed.entries] == ["Newer report", "Older toolkit"]
    first = parsed.entries[0]
    assert first.link == f"http://testserver{newer.get_absolute_url()}"
    assert first.id == first.link
    assert {t.term for t in first.tags} >= {"Community Engagement", "Peer-reviewed article"}
    assert "Grbic Douglas" in first.get("author", "")
    second = parsed.entries[1]
    assert second.link == f"http://testserver{older.get_absolute_url()}"
    assert "A bare string" in second.get("author", "") and "Ng" in second.get("author", "")
    # What a contributor typed stays text: escaped in the XML, never a live element.
    raw = client.get(url).content.decode()
    assert "<script>" not in raw
    if version == "atom10":
        assert "Steps &lt;script&gt;alert(1)&lt;/script&gt;" in raw
    else:  # RSS descriptions are HTML: the text is escaped once more inside it
        assert "Steps &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in raw


def test_new_resources_feed_is_capped(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    for i in range(5):
        published(f"Resource {i}", i)
    assert [e.title for e in parse(client, "/feeds/new.atom").entries] == [
        "Resource 0",
        "Resource 1",
        "Resource 2",
    ]


def test_search_feed_follows_the_search(client: Client) -> None:
    published("Rural nursing pathways", 5, professions=("nursing",))
    published("Rural medicine tracks", 1)
    published("Urban nursing residency", 2, professions=("nursing",))
    parsed = parse(client, "/feeds/search.atom?q=rural&profession=nursing")
    assert [e.title for e in parsed.entries] == ["Rural nursing pathways"]
    assert parsed.feed.title == (
        "Social Mission Resource Library: new resources for “rural” · Health profession: Nursing"
    )
    assert parsed.feed.link == "http://testserver/search/?q=rural&profession=nursing"
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == "http://testserver/feeds/search.atom?q=rural&profession=nursing"
    parsed = parse(client, "/feeds/search.rss?q=rural&sort=title&page=3")
    assert [e.title for e in parsed.entries] == ["Rural medicine tracks", "Rural nursing pathways"]
    assert parsed.version == "rss20"
    parsed = parse(client, "/feeds/search.atom")
    assert len(parsed.entries) == 3
    assert parse(client, "/feeds/search.atom?q=nothingmatches").entries == []


def test_feed_links_snippet() -> None:
    def head(context: dict[str, object]) -> str:
        return sections.render_slot("search.head", None, {"SITE_NAME": "Library", **context})

    plain = head({"params": None})
    assert 'href="/feeds/new.atom"' in plain
    assert 'href="/feeds/new.rss"' in plain
    assert 'title="Library: new resources (Atom)"' in plain
    assert "search.atom" not in plain
    params = SearchParams.from_query(
        {"q": 'equity "<b>"', "domain": "community-engagement", "page": "2", "sort": "title"}
    )
    html = head({"params": params})
    assert (
        'href="/feeds/search.atom?q=equity+%22%3Cb%3E%22&amp;domain=community-engagement"' in html
    )
    assert 'href="/feeds/search.rss?q=equity+%22%3Cb%3E%22&amp;domain=community-engagement"' in html
    assert "<b>" not in html
    assert 'type="application/atom+xml"' in html
    assert head({}).count("<link") == 2


def test_sitemap(client: Client) -> None:
    from socialmission.guides.models import ReadingGuide

    resource = published("In the sitemap", 1)
    draft = published("Not in the sitemap", 1, status=m.Resource.Status.DRAFT)
    guide = ReadingGuide.objects.create(title="Guide", slug="guide", is_published=True)
    ReadingGuide.objects.create(title="Draft guide", slug="draft-guide")
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    root = etree.fromstring(index.content)
    sections = [loc.text for loc in root.iterfind("s:sitemap/s:loc", SITEMAP_NS)]
    assert sections == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-resources.xml",
        "http://testserver/sitemap-guides.xml",
    ]
    urls: list[str] = []
    for section in sections:
        page = etree.fromstring(client.get(section.removeprefix("http://testserver")).content)
        urls += [loc.text for loc in page.iterfind("s:url/s:loc", SITEMAP_NS)]
    assert "http://testserver/" in urls
    assert "http://testserver/search/" in urls
    assert f"http://testserver{resource.get_absolute_url()}" in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    assert f"http://testserver{guide.get_absolute_url()}" in urls
    assert "http://testserver/guides/draft-guide/" not in urls


def test_robots_txt(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /contribute/queue/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_pages_advertise_their_feeds(client: Client) -> None:
    published("Equity in admissions", 1)
    home = client.get("/").content.decode()
    assert 'href="/feeds/new.atom"' in home
    assert "/feeds/search.atom" not in home
    page = client.get(
        "/search/", {"q": "equity", "domain": "community-engagement"}
    ).content.decode()
    assert 'href="/feeds/search.atom?q=equity&amp;domain=community-engagement"' in page


PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _live_markup(detail: dict[str, str]) -> list[str]:
    """The live elements and event handlers in what a reader renders from ``detail``."""
    if detail.get("type") != "text/html" or not detail.get("value", "").strip():
        return []  # text: a reader shows the characters
    tree = lxml_html.fragment_fromstring(detail["value"], create_parent="div")
    found = [f"<{el.tag}>" for el in tree.iter() if el.tag in {"script", "img", "iframe"}]
    found += [name for el in tree.iter() for name in el.attrib if name.startswith("on")]
    return found


def _text(detail: dict[str, str]) -> str:
    if detail.get("type") == "text/html":
        return str(
            lxml_html.fragment_fromstring(detail["value"], create_parent="div").text_content()
        )
    return detail.get("value", "")


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/new.atom",
        "/feeds/new.rss",
        "/feeds/search.atom?q=" + PAYLOAD,
        "/feeds/search.rss?q=" + PAYLOAD,
    ],
)
def test_no_typed_markup_reaches_a_feed_reader_as_html(client: Client, url: str) -> None:
    """Issue 10 §8: title, description, author and venue typed with markup, and a search
    feed's own words, arrive as text (feedparser's sanitiser off, as in a naive reader)."""
    published(
        "Title " + PAYLOAD,
        1,
        description="Description " + PAYLOAD + "\n\nSecond paragraph",
        authors=[{"family": "Author" + PAYLOAD, "given": "Ann"}],
        venue="Venue" + PAYLOAD,
    )
    parsed = feedparser.parse(client.get(url).content, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    [entry] = parsed.entries
    details = {
        "feed title": parsed.feed.title_detail,
        "feed subtitle": parsed.feed.subtitle_detail,
        "title": entry.title_detail,
        "summary": entry.summary_detail,
        "author": {"type": "text/plain", "value": entry.author_detail.name},
    }
    assert {name: _live_markup(d) for name, d in details.items() if _live_markup(d)} == {}
    # Nothing is lost: the reader shows what was typed, as characters.
    assert _text(entry.title_detail) == "Title " + PAYLOAD
    assert "Description " + PAYLOAD in _text(entry.summary_detail)
    assert "Venue" + PAYLOAD in _text(entry.summary_detail)
    assert "Second paragraph" in _text(entry.summary_detail)
    assert "Author" + PAYLOAD in entry.author_detail.name
    if "search" in url:
        assert PAYLOAD in _text(parsed.feed.title_detail)
        assert PAYLOAD in _text(parsed.feed.subtitle_detail)
