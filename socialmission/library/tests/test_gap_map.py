"""The evidence gap map: each number equals the total of the search it links to, one engine call
per page, filters, the CSV download, and the home page's copy."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.test import Client

from socialmission.interop.catalog import load_catalog
from socialmission.library import engine as engine_module
from socialmission.library.search import SearchParams, search
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def search_total(href: str) -> int:
    parts = urlsplit(href)
    assert parts.path == "/search/", href
    return search(SearchParams.from_query(QueryDict(parts.query))).total


def links(html: str) -> list[tuple[str, str]]:
    """(href, number) of every link in the gap map's table."""
    table = re.search(r'<table class="gap-map">(.*?)</table>', html, re.S)
    assert table, "no gap map table"
    found = re.findall(r'<a href="([^"]+)"[^>]*>(\d+)</a>', table.group(1))
    return [(href.replace("&amp;", "&"), number) for href, number in found]


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call into the engine (searches and matrices)."""
    calls: list[str] = []
    for name in ("search", "cross_counts"):
        real = getattr(engine_module.SearchEngine, name)

        def spy(self: Any, *args: Any, _name: str = name, _real: Any = real, **kwargs: Any) -> Any:
            calls.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(engine_module.SearchEngine, name, spy)
    return calls


def test_every_number_equals_its_search_total_on_the_starter_catalog(
    client: Client, engine_calls: list[str]
) -> None:
    loaded = len(load_catalog().created)
    for query in [
        "",
        "profession=medicine",
        "profession=nursing&type=article",
        "type=report&type=toolkit",
        "evidence=not-assessed&profession=dentistry",
        "evidence=evidence-based",
    ]:
        engine_calls.clear()
        response = client.get("/gap-map/?" + query)
        assert response.status_code == 200
        assert engine_calls == ["cross_counts"], f"{query}: {engine_calls}"
        found = links(response.content.decode())
        # 5 domains × 6 topics, a total per domain, per topic and in all.
        assert len(found) == 5 * 6 + 5 + 6 + 1
        for href, number in found:
            assert int(number) == search_total(href), (query, href)
            # Each link keeps the map's filters.
            for key, value in QueryDict(query).lists():
                assert set(value) <= set(QueryDict(urlsplit(href).query).getlist(key)), href
    # The unfiltered map has resources in most cells.
    numbers = [int(n) for _, n in links(client.get("/gap-map/").content.decode())]
    assert numbers[-1] == search(SearchParams()).total == loaded > 90
    assert sum(1 for n in numbers[:36] if n) > 20


def test_filters_narrow_the_map_and_are_shown(client: Client) -> None:
    ResourceFactory(
        title="A",
        domains=["community-engagement"],
        topics=["community-partnerships"],
        professions=["nursing"],
    )
    ResourceFactory(
        title="B",
        domains=["community-engagement"],
        topics=["community-partnerships", "specialty-choice"],
        professions=["medicine"],
    )
    html = client.get("/gap-map/", {"profession": "nursing"}).content.decode()
    assert '<option value="nursing" selected>Nursing</option>' in html
    assert "Published resources by domain (rows) and topic (columns): Nursing</caption>" in html
    cell = re.search(
        r'<a href="/search/\?domain=community-engagement&amp;topic=community-partnerships'
        r'&amp;profession=nursing" aria-label="1 resource: Community Engagement, '
        r'Community partnerships">1</a>',
        html,
    )
    assert cell
    assert 'aria-label="0 resources: Community Engagement, Specialty choice">0</a>' in html
    # Parameters other than the map's filters are ignored (the rows and columns are its own).
    same = client.get(
        "/gap-map/", {"profession": "nursing", "domain": "students-faculty", "q": "x"}
    )
    assert links(same.content.decode()) == links(html)


def test_cells_are_shaded_by_their_count_and_carry_it_as_text(client: Client) -> None:
    for _ in range(4):
        ResourceFactory(domains=["community-engagement"], topics=["community-partnerships"])
    ResourceFactory(domains=["students-faculty"], topics=["specialty-choice"])
    html = client.get("/gap-map/").content.decode()
    assert re.search(r'<td class="gap-l4"><a [^>]*>4</a></td>', html)
    assert re.search(r'<td class="gap-l1"><a [^>]*>1</a></td>', html)
    assert re.search(r'<td class="gap-l0"><a [^>]*>0</a></td>', html)
    # The legend says which counts each shade stands for.
    legend = re.search(r'<ul class="gap-legend"[^>]*>(.*?)</ul>', html, re.S)
    assert legend
    items = re.findall(
        r'gap-swatch gap-l(\d)" aria-hidden="true"></span>([^<]+)</li>', legend.group(1)
    )
    assert items == [("0", "no resources"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]


def test_accessible_table_semantics(client: Client) -> None:
    html = client.get("/gap-map/").content.decode()
    assert (
        '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="gap-caption">'
        in html
    )
    assert '<caption id="gap-caption">' in html
    assert html.count('<th scope="col">') == 1 + 6
    assert html.count('<th scope="row">') == 5 + 1
    assert '<label for="gap-profession">Health profession</label>' in html
    assert html.count("<h1>") == 1


CSV_EXPECTED = (
    "Domain,"
    '"Diversity, inclusion & belonging",Practice in underserved areas or settings,Specialty choice,'
    "Health equity champions,Community partnerships,Patient & community health,"
    "All resources in the domain\r\n"
    '"Pathways, Admission & Graduation",0,0,0,0,0,0,0\r\n'
    "Curriculum & Programming,0,0,0,0,0,0,0\r\n"
    "Community Engagement,0,0,0,0,2,0,3\r\n"
    "Students & Faculty,0,0,1,0,0,0,1\r\n"
    "Governance & Accountability,0,0,0,0,0,0,0\r\n"
    "All domains,0,0,1,0,2,0,4\r\n"
)


def test_csv_download(client: Client) -> None:
    for _ in range(2):
        ResourceFactory(
            domains=["community-engagement"],
            topics=["community-partnerships"],
            professions=["nursing"],
        )
    ResourceFactory(domains=["community-engagement"], professions=["nursing"])  # no topic
    ResourceFactory(
        domains=["students-faculty"], topics=["specialty-choice"], professions=["nursing"]
    )
    ResourceFactory(
        domains=["students-faculty"], topics=["specialty-choice"], professions=["medicine"]
    )
    response = client.get("/gap-map/", {"profession": "nursing", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="evidence-gap-map.csv"'
    assert response.content == CSV_EXPECTED.encode()
    # The page's download link keeps the filters.
    html = client.get("/gap-map/", {"profession": "nursing"}).content.decode()
    assert '<a href="?profession=nursing&amp;format=csv" download>' in html
    # The CSV's numbers are the page's.
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    numbers = [n for row in rows[1:] for n in row[1:]]
    assert numbers == [n for _, n in links(html)]


def test_csv_cells_cannot_run_as_formulas(client: Client) -> None:
    from socialmission.library.models import Topic

    topic = Topic.objects.get(slug="specialty-choice")
    topic.name = "=HYPERLINK(1)"
    topic.save()  # through the signals, so the vocabulary cache follows
    response = client.get("/gap-map/", {"format": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert "'=HYPERLINK(1)" in header


def test_home_shows_the_map_and_links_to_its_page(client: Client, engine_calls: list[str]) -> None:
    ResourceFactory(domains=["community-engagement"], topics=["community-partnerships"])
    html = client.get("/").content.decode()
    assert '<a href="/gap-map/">' in html
    found = links(html)
    assert len(found) == 42
    for href, number in found:
        assert int(number) == search_total(href)
    # The map comes from the one matrix aggregation; once the home page's fragments are cached
    # (per index and vocabulary version), showing it again asks the engine nothing.
    assert engine_calls.count("cross_counts") <= 1
    engine_calls.clear()
    client.get("/")
    assert engine_calls == []
