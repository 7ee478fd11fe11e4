"""NUL bytes and malformed tokens in addresses: never a 500 (issue 10, §7).

PostgreSQL refuses NUL in any text parameter, so before these guards a NUL in a status-link,
share-link or invitation token, or in an admin search or list filter, was a 500 there (SQLite
matched nothing). Private-link tokens of the wrong shape never reach a query; the admin
refuses NUL with a 400; every other public capture and parameter copes on its own.
Run on PostgreSQL too: ``DATABASE_URL=postgres://… pytest socialmission/core/tests/test_nul_inputs.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.urls import reverse

from socialmission.accounts.tests.factories import user_with_role
from socialmission.contributions.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

# Every public (or signed-in) address whose captures or GET parameters reach a query, with a NUL
# in the capture or in each parameter it reads.
NUL_URLS = [
    "/contribute/status/%00/",
    "/contribute/status/" + "a" * 42 + "%00/",
    "/alerts/confirm/%00/",
    "/alerts/manage/%00/",
    "/alerts/unsubscribe/%00/",
    "/assessment/shared/%00/",
    "/assessment/invitations/%00/",
    "/guides/%00/",
    "/guides/guide/export/%00/",
    "/resources/1/export/%00/",
    "/resources/1-%00/",
    "/contribute/champions/1-%00/",
    "/search/?q=%00",
    "/search/?domain=%00&topic=%00&profession=%00&type=%00&evidence=%00",
    "/search/?page=%00&sort=%00&year_from=%00&year_to=%00",
    "/search/?%00=1",
    "/search/export/ris/?q=%00&domain=%00",
    "/?q=%00",
    "/feeds/search.atom?q=%00&domain=%00",
    "/feeds/search.rss?q=%00&topic=%00",
    "/api/v1/resources?q=%00",
    "/api/v1/resources?domain=%00&topic=%00&cursor=%00",
    "/api/v1/resources/%00",
    "/api/v1/vocabularies/%00",
    "/oai/?verb=GetRecord&identifier=%00&metadataPrefix=oai_dc",
    "/oai/?verb=ListRecords&metadataPrefix=oai_dc&set=%00",
    "/oai/?verb=ListRecords&resumptionToken=%00",
    "/oai/?verb=ListIdentifiers&metadataPrefix=%00",
    "/oai/?verb=ListRecords&metadataPrefix=oai_dc&from=%00&until=%00",
    "/alerts/new/?query=%00",
    "/assessment/national/?profession=%00",
    "/contribute/queue/?q=%00&status=%00",
    "/contribute/queue/links/?status=%00&kind=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_a_public_address_is_never_a_server_error(client: Any, url: str) -> None:
    client.raise_request_exception = False
    assert client.get(url).status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/contribute/status/%00/",
        "/contribute/status/" + "a" * 42 + "%00/",
        "/assessment/shared/" + "a" * 42 + "%00/",
        "/assessment/invitations/%00/",
    ],
)
def test_nul_in_a_private_link_is_a_404_before_any_query(
    client: Any, url: str, django_assert_num_queries: Any
) -> None:
    """These three were 500s on PostgreSQL: the token went straight into a query."""
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/contribute/status/{}/", "/assessment/shared/{}/", "/assessment/invitations/{}/"],
)
@pytest.mark.parametrize(
    "token",
    [
        "a" * 42 + "%20",  # not URL-safe
        "a" * 42 + "%C3%A9",  # not ASCII
        "a" * 42 + ".",
        "a" * 44,  # too long
        "a" * 42,  # too short
        "a" * 42 + "%01",  # a control character PostgreSQL would take
    ],
)
def test_a_token_of_the_wrong_shape_is_a_404_without_a_query(
    client: Any, path: str, token: str, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get(path.format(token))
    assert response.status_code == 404


def test_a_well_formed_status_token_still_finds_its_contribution(client: Any) -> None:
    suggestion = SuggestionFactory()
    assert client.get(f"/contribute/status/{suggestion.token}/").status_code == 200
    assert client.get(f"/contribute/status/{'b' * 43}/").status_code == 404


def _filter_parameters(model_admin: admin.ModelAdmin[Any]) -> list[str]:
    names = []
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            names += [entry, f"{entry}__exact", f"{entry}__id__exact", f"{entry}__isnull"]
        elif isinstance(entry, tuple):
            names += [entry[0], f"{entry[0]}__exact", f"{entry[0]}__id__exact"]
        elif isinstance(entry, type) and issubclass(entry, SimpleListFilter):
            names.append(entry.parameter_name)
    if model_admin.date_hierarchy:
        names.append(f"{model_admin.date_hierarchy}__year")
    return names


def test_no_admin_changelist_search_or_filter_is_a_500_with_nul(client: Any) -> None:
    """Every registered ModelAdmin: the search box, each list filter and the paginator."""
    client.force_login(user_with_role("Administrator", is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    answers = {}
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for parameter in ["q", "p", "o", *_filter_parameters(model_admin)]:
            answers[url, parameter] = client.get(url, {parameter: "\x00"}).status_code
        answers[url, "path"] = client.get(url + "%00/change/").status_code
    assert len(answers) > 60  # the admin really was walked
    assert {key: code for key, code in answers.items() if code != 400} == {}
    assert (
        "NUL"
        in client.get(reverse("admin:library_resource_changelist"), {"q": "\x00"}).content.decode()
    )
    # The same changelists still answer an ordinary search.
    assert client.get(reverse("admin:library_resource_changelist"), {"q": "x"}).status_code == 200
