"""Citation metadata on the resource page, as Zotero's connector and search engines read it."""

from __future__ import annotations

from urllib.parse import parse_qs

import extruct
import lxml.html
import pytest
from django.test import Client

from socialmission.interop.tests.builders import make_resource
from socialmission.library.models import Resource

pytestmark = [pytest.mark.django_db, pytest.mark.urls("socialmission.interop.tests.urls")]


def page(client: Client, resource: Resource) -> str:
    response = client.get(resource.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def meta_tags(html: str) -> list[tuple[str, str]]:
    tree = lxml.html.fromstring(html)
    return [
        (node.get("name"), node.get("content"))
        for node in tree.xpath("//head/meta[starts-with(@name, 'citation_')]")
    ]


def json_ld(html: str, url: str = "http://testserver/") -> list[dict]:  # type: ignore[type-arg]
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)
    return data["json-ld"]


def test_highwire_tags_for_an_article(client: Client) -> None:
    resource = make_resource(
        authors=[
            {"family": "Grbic", "given": "Douglas"},
            {"family": "Urban", "given": "Karen"},
            {"literal": "AAMC"},
        ]
    )
    tags = meta_tags(page(client, resource))
    values: dict[str, list[str]] = {}
    for name, content in tags:
        values.setdefault(name, []).append(content)
    assert values["citation_title"] == [resource.title]
    assert values["citation_author"] == ["Grbic, Douglas", "Urban, Karen", "AAMC"]
    assert values["citation_doi"] == ["10.1097/acm.0000000000002446"]
    assert values["citation_pmid"] == ["30188371"]
    assert values["citation_publication_date"] == ["2019"]
    assert values["citation_journal_title"] == ["Academic Medicine"]
    assert values["citation_volume"] == ["94"]
    assert values["citation_firstpage"] == ["396"]
    assert values["citation_lastpage"] == ["403"]
    assert values["citation_abstract_html_url"] == [
        f"http://testserver{resource.get_absolute_url()}"
    ]


def test_a_report_names_its_institution_not_a_journal(client: Client) -> None:
    resource = make_resource(type_slug="report", venue="Robert Graham Center")
    names = dict(meta_tags(page(client, resource)))
    assert "citation_journal_title" not in names
    assert names["citation_technical_report_institution"] == "Robert Graham Center"


@pytest.mark.parametrize(
    ("type_slug", "schema_type"),
    [
        ("article", "ScholarlyArticle"),
        ("report", "Report"),
        ("video", "VideoObject"),
        ("dataset", "Dataset"),
        ("book", "Book"),
        ("website", "WebSite"),
    ],
)
def test_json_ld_type_follows_the_resource_type(
    client: Client, type_slug: str, schema_type: str
) -> None:
    resource = make_resource(type_slug=type_slug)
    items = json_ld(page(client, resource))
    assert len(items) == 1
    item = items[0]
    assert item["@type"] == schema_type
    assert item["name"] == resource.title
    assert item["datePublished"] == "2019"
    assert item["url"] == f"http://testserver{resource.get_absolute_url()}"
    assert [a["familyName"] for a in item["author"]] == ["Grbic", "Urban"]
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": resource.doi} in item[
        "identifier"
    ]
    assert "https://doi.org/10.1097/acm.0000000000002446" in item["sameAs"]


def test_hostile_titles_cannot_escape_the_json_ld_script(client: Client) -> None:
    title = 'Equity </script><script>alert("x")</script> & <b>more</b>'
    resource = make_resource(title=title, description="</SCRIPT><img src=x onerror=alert(1)>")
    html = page(client, resource)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    tree = lxml.html.fromstring(html)
    # Exactly one ld+json script, and nothing the title injected became an element.
    assert len(tree.xpath("//script[@type='application/ld+json']")) == 1
    assert not tree.xpath("//img")
    item = json_ld(html)[0]
    assert item["name"] == title
    assert item["description"] == "</SCRIPT><img src=x onerror=alert(1)>"
    assert dict(meta_tags(html))["citation_title"] == title


def test_coins_span_describes_the_work(client: Client) -> None:
    resource = make_resource()
    tree = lxml.html.fromstring(page(client, resource))
    spans = tree.xpath("//span[@class='Z3988']")
    assert len(spans) == 1
    context = parse_qs(spans[0].get("title"))
    assert context["ctx_ver"] == ["Z39.88-2004"]
    assert context["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert context["rft.atitle"] == [resource.title]
    assert context["rft.jtitle"] == ["Academic Medicine"]
    assert context["rft.au"] == ["Douglas Grbic", "K Urban"]
    assert context["rft.date"] == ["2019"]
    assert "info:doi/10.1097/acm.0000000000002446" in context["rft_id"]
    assert "info:pmid/30188371" in context["rft_id"]


def test_export_links_on_the_page(client: Client) -> None:
    resource = make_resource()
    tree = lxml.html.fromstring(page(client, resource))
    links = {
        a.text_content().strip(): a.get("href")
        for a in tree.xpath("//section[@class='exports']//a")
    }
    assert links["RIS"] == f"/resources/{resource.pk}/export/ris/"
    assert links["BibTeX"] == f"/resources/{resource.pk}/export/bibtex/"
    assert links["CSL-JSON"] == f"/resources/{resource.pk}/export/csljson/"
    assert links["CSV"] == f"/resources/{resource.pk}/export/csv/"
    assert links["APA (text)"] == f"/resources/{resource.pk}/export/apa/"
    for href in links.values():
        assert client.get(href).status_code == 200
