"""The OAI-PMH data provider, checked response by response against the official schema."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree
from sickle import Sickle

from socialmission.interop import oai
from socialmission.interop.tests.protocol_data import tagged_resource as make_resource
from socialmission.library import models as m

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"o": oai.OAI_NS, "dc": oai.DC_NS, "oai_dc": oai.OAI_DC_NS}
URL = "/oai/"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def oai_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "OAI-PMH.xsd")))


@pytest.fixture(scope="module")
def oai_dc_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "oai_dc.xsd")))


@pytest.fixture
def harvest(client: Client, oai_schema: etree.XMLSchema, oai_dc_schema: etree.XMLSchema) -> Any:
    """GET the endpoint and return the parsed response, after validating all of it."""

    def get(**params: Any) -> etree._Element:
        response = client.get(URL, params)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        root = etree.fromstring(response.content)
        oai_schema.assertValid(root)
        for dc in root.iterfind(".//oai_dc:dc", NS):
            oai_dc_schema.assertValid(etree.ElementTree(dc))
        return root

    return get


def error_codes(root: etree._Element) -> list[str]:
    return [e.get("code") for e in root.iterfind("o:error", NS)]


def identifiers(root: etree._Element) -> list[str]:
    return [e.text for e in root.iterfind(".//o:header/o:identifier", NS)]


def token_of(root: etree._Element) -> etree._Element | None:
    return root.find(".//o:resumptionToken", NS)


def test_identify(harvest: Any) -> None:
    first = make_resource()
    m.Resource.objects.filter(pk=first.pk).update(
        updated_at=datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    )
    make_resource(title="Later")
    root = harvest(verb="Identify")
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://testserver/oai/"
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "transient"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("o:earliestDatestamp", namespaces=NS) == "2021-03-04T05:06:07Z"
    assert identify.findtext("o:repositoryName", namespaces=NS) == "Social Mission Resource Library"
    assert root.find("o:request", NS).get("verb") == "Identify"


def test_identify_of_an_empty_repository_with_a_domain_name(harvest: Any, settings: Any) -> None:
    settings.OAI_REPOSITORY_IDENTIFIER = "library.example.org"
    settings.ADMINS = [("Editor", "editor@example.org")]
    root = harvest(verb="Identify")
    assert root.findtext(".//o:adminEmail", namespaces=NS) == "editor@example.org"
    sample = root.findtext(
        ".//{http://www.openarchives.org/OAI/2.0/oai-identifier}sampleIdentifier"
    )
    assert sample == "oai:library.example.org:resource/1"
    assert root.findtext(".//o:earliestDatestamp", namespaces=NS) == "2000-01-01T00:00:00Z"


def test_list_metadata_formats(harvest: Any) -> None:
    resource = make_resource()
    for params in ({}, {"identifier": oai.oai_identifier(resource.pk)}):
        root = harvest(verb="ListMetadataFormats", **params)
        formats = root.findall(".//o:metadataFormat", NS)
        assert [f.findtext("o:metadataPrefix", namespaces=NS) for f in formats] == ["oai_dc"]
        assert formats[0].findtext("o:metadataNamespace", namespaces=NS) == oai.OAI_DC_NS


def test_list_metadata_formats_of_unknown_item(harvest: Any) -> None:
    root = harvest(verb="ListMetadataFormats", identifier="oai:127.0.0.1:resource/999")
    assert error_codes(root) == ["idDoesNotExist"]
    assert root.find("o:request", NS).get("identifier") == "oai:127.0.0.1:resource/999"


def test_list_sets_covers_every_vocabulary(harvest: Any) -> None:
    root = harvest(verb="ListSets")
    specs = [s.findtext("o:setSpec", namespaces=NS) for s in root.iterfind(".//o:set", NS)]
    names = {
        s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
        for s in root.iterfind(".//o:set", NS)
    }
    assert {"domain", "topic", "profession", "type"} <= set(specs)
    assert "domain:community-engagement" in specs
    assert "topic:specialty-choice" in specs
    assert "profession:nursing" in specs
    assert "type:toolkit" in specs
    assert names["domain:community-engagement"] == "Community Engagement"
    engagement = next(
        s
        for s in root.iterfind(".//o:set", NS)
        if s.findtext("o:setSpec", namespaces=NS) == "domain:community-engagement"
    )
    assert engagement.findtext(".//dc:description", namespaces=NS).startswith(
        "Community health needs"
    )
    assert len(specs) == len(set(specs))


def test_no_set_hierarchy_when_there_are_no_vocabulary_terms(
    harvest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_resource()
    monkeypatch.setattr(oai, "all_sets", lambda: [])
    assert error_codes(harvest(verb="ListSets")) == ["noSetHierarchy"]
    root = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc", set="domain")
    assert error_codes(root) == ["noSetHierarchy"]


def test_get_record_oai_dc(harvest: Any) -> None:
    resource = make_resource(
        title="Holistic admissions in medical schools",
        authors=[{"family": "Grbic", "given": "Douglas"}, {"literal": "AAMC"}],
        domains=["community-engagement", "curriculum-programming"],
        year=2020,
        volume="95",
        issue="3",
        pages="365-372",
        doi="10.1097/acm.0000000000003000",
        pmid="31234567",
        url="https://example.org/holistic",
        keywords="holistic review; admissions",
    )
    root = harvest(
        verb="GetRecord", identifier=oai.oai_identifier(resource.pk), metadataPrefix="oai_dc"
    )
    header = root.find(".//o:header", NS)
    assert header.get("status") is None
    assert header.findtext("o:identifier", namespaces=NS) == f"oai:127.0.0.1:resource/{resource.pk}"
    assert header.findtext("o:datestamp", namespaces=NS) == oai.format_datestamp(
        resource.updated_at
    )
    assert [s.text for s in header.iterfind("o:setSpec", NS)] == [
        "type:article",
        "domain:curriculum-programming",
        "domain:community-engagement",
        "topic:diversity-inclusion-belonging",
        "profession:medicine",
    ]
    dc = root.find(".//oai_dc:dc", NS)

    def values(name: str) -> list[str]:
        return [e.text for e in dc.iterfind(f"dc:{name}", NS)]

    assert values("title") == ["Holistic admissions in medical schools"]
    assert values("creator") == ["Grbic, Douglas", "AAMC"]
    assert "Community Engagement" in values("subject")
    assert "holistic review" in values("subject")
    assert values("date") == ["2020"]
    assert values("type") == ["Text", "Peer-reviewed article"]
    assert values("source") == ["Academic Medicine 95(3):365-372"]
    assert values("identifier") == [
        f"http://testserver{resource.get_absolute_url()}",
        "https://doi.org/10.1097/acm.0000000000003000",
        "https://pubmed.ncbi.nlm.nih.gov/31234567/",
        "https://example.org/holistic",
    ]
    assert values("language") == ["en"]
    assert values("description") == [resource.description]


def test_withdrawn_and_unpublished_resources_are_deleted_records(harvest: Any) -> None:
    withdrawn = make_resource(status=m.Resource.Status.WITHDRAWN)
    draft = make_resource(status=m.Resource.Status.DRAFT)
    never_published = make_resource(status=m.Resource.Status.WITHDRAWN, published_at=None)
    root = harvest(
        verb="GetRecord", identifier=oai.oai_identifier(withdrawn.pk), metadataPrefix="oai_dc"
    )
    assert root.find(".//o:header", NS).get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None
    for unknown in (draft, never_published):
        root = harvest(
            verb="GetRecord", identifier=oai.oai_identifier(unknown.pk), metadataPrefix="oai_dc"
        )
        assert error_codes(root) == ["idDoesNotExist"]
    # Back in draft after publication: harvesters must drop their copy too.
    unpublished = make_resource()
    unpublished.status = m.Resource.Status.DRAFT
    unpublished.save()
    root = harvest(verb="ListRecords", metadataPrefix="oai_dc")
    assert identifiers(root) == [
        oai.oai_identifier(withdrawn.pk),
        oai.oai_identifier(unpublished.pk),
    ]
    assert [h.get("status") for h in root.iterfind(".//o:header", NS)] == ["deleted", "deleted"]
    assert root.find(".//o:metadata", NS) is None


@pytest.mark.parametrize(
    "identifier",
    [
        "oai:127.0.0.1:resource/abc",
        "oai:other.org:resource/1",
        "not a uri",
        "oai:127.0.0.1:resource/",
    ],
)
def test_get_record_of_illegal_identifiers(harvest: Any, identifier: str) -> None:
    make_resource()
    root = harvest(verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    assert error_codes(root) == ["idDoesNotExist"]


def test_cannot_disseminate_other_formats(harvest: Any) -> None:
    resource = make_resource()
    for params in (
        {
            "verb": "GetRecord",
            "identifier": oai.oai_identifier(resource.pk),
            "metadataPrefix": "marc21",
        },
        {"verb": "ListRecords", "metadataPrefix": "marc21"},
        {"verb": "ListIdentifiers", "metadataPrefix": "mods"},
        {"verb": "ListRecords", "metadataPrefix": "not valid!"},
    ):
        assert error_codes(harvest(**params)) == ["cannotDisseminateFormat"], params


def test_list_identifiers_and_records_page_with_resumption_tokens(
    harvest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oai, "PAGE_SIZE", 2)
    resources = [make_resource(title=f"Resource {i}") for i in range(5)]
    expected = [oai.oai_identifier(r.pk) for r in resources]
    for verb in ("ListIdentifiers", "ListRecords"):
        root = harvest(verb=verb, metadataPrefix="oai_dc")
        seen = identifiers(root)
        cursors = []
        while (token := token_of(root)) is not None and token.text:
            assert token.get("completeListSize") == "5"
            assert token.get("expirationDate").endswith("Z")
            cursors.append(token.get("cursor"))
            root = harvest(verb=verb, resumptionToken=token.text)
            assert root.find("o:request", NS).get("resumptionToken") == token.text
            seen += identifiers(root)
        assert seen == expected
        last = token_of(root)
        assert last is not None and not last.text and last.get("cursor") == "4"
        assert cursors == ["0", "2"]
        if verb == "ListRecords":
            assert len(root.findall(".//oai_dc:dc", NS)) == 1


def test_a_single_page_has_no_resumption_token(harvest: Any) -> None:
    make_resource()
    assert token_of(harvest(verb="ListRecords", metadataPrefix="oai_dc")) is None


def test_selective_harvesting_by_date(harvest: Any) -> None:
    old, new = make_resource(title="Old"), make_resource(title="New")
    m.Resource.objects.filter(pk=old.pk).update(
        updated_at=datetime(2020, 1, 1, 12, 0, 0, 400000, tzinfo=UTC)
    )
    m.Resource.objects.filter(pk=new.pk).update(
        updated_at=datetime(2024, 6, 1, 8, 30, 0, tzinfo=UTC)
    )

    def listed(**params: str) -> list[str]:
        return identifiers(harvest(verb="ListIdentifiers", metadataPrefix="oai_dc", **params))

    assert listed(**{"from": "2021-01-01"}) == [oai.oai_identifier(new.pk)]
    assert listed(until="2020-01-01") == [oai.oai_identifier(old.pk)]
    assert listed(until="2020-01-01T12:00:00Z") == [oai.oai_identifier(old.pk)]
    assert listed(**{"from": "2024-06-01T08:30:00Z", "until": "2024-06-01T08:30:00Z"}) == [
        oai.oai_identifier(new.pk)
    ]
    assert error_codes(
        harvest(verb="ListRecords", metadataPrefix="oai_dc", until="2019-12-31")
    ) == ["noRecordsMatch"]
    # The last representable day or second is a valid "until", not a server error.
    assert len(listed(until="9999-12-31")) == 2
    assert len(listed(until="9999-12-31T23:59:59Z")) == 2
    assert len(listed(**{"from": "0001-01-01"})) == 2


def test_selective_harvesting_by_set(harvest: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    engaged = make_resource(
        domains=["community-engagement", "students-faculty"], professions=["nursing"]
    )
    other = make_resource(domains=[], type_slug="toolkit")

    def listed(spec: str) -> list[str]:
        root = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec)
        found = identifiers(root)
        while (token := token_of(root)) is not None and token.text:
            root = harvest(verb="ListIdentifiers", resumptionToken=token.text)
            found += identifiers(root)
        return found

    assert listed("domain:community-engagement") == [oai.oai_identifier(engaged.pk)]
    assert listed("domain") == [oai.oai_identifier(engaged.pk)]
    assert listed("profession:nursing") == [oai.oai_identifier(engaged.pk)]
    assert listed("type:toolkit") == [oai.oai_identifier(other.pk)]
    assert listed("type") == [oai.oai_identifier(engaged.pk), oai.oai_identifier(other.pk)]
    for spec in ("domain:no-such-domain", "colour:red", "domain:a:b"):
        root = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec)
        assert error_codes(root) == ["noRecordsMatch"], spec


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"verb": "Frobnicate"},
        {"verb": ["Identify", "Identify"]},
    ],
)
def test_bad_verb(harvest: Any, params: dict[str, Any]) -> None:
    root = harvest(**params)
    assert error_codes(root) == ["badVerb"]
    assert root.find("o:request", NS).attrib == {}


@pytest.mark.parametrize(
    "params",
    [
        {"verb": "Identify", "set": "domain"},
        {"verb": "ListRecords"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-01"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T00:00:00"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "yesterday"},
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2020-01-01",
            "until": "2021-01-01T00:00:00Z",
        },
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2021-01-01",
            "until": "2020-01-01",
        },
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "bad set"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"},
        {"verb": "ListSets", "resumptionToken": "abc", "set": "domain"},
    ],
)
def test_bad_argument(harvest: Any, params: dict[str, Any]) -> None:
    root = harvest(**params)
    assert error_codes(root) == ["badArgument"]
    assert root.find("o:request", NS).attrib == {}


def test_bad_resumption_tokens(harvest: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    make_resource()
    make_resource()
    token = token_of(harvest(verb="ListIdentifiers", metadataPrefix="oai_dc")).text
    assert error_codes(harvest(verb="ListIdentifiers", resumptionToken=token + "x")) == [
        "badResumptionToken"
    ]
    assert error_codes(harvest(verb="ListIdentifiers", resumptionToken="garbage")) == [
        "badResumptionToken"
    ]
    # A token of one verb does not continue another.
    assert error_codes(harvest(verb="ListRecords", resumptionToken=token)) == ["badResumptionToken"]
    assert error_codes(harvest(verb="ListSets", resumptionToken=token)) == ["badResumptionToken"]
    monkeypatch.setattr(oai, "TOKEN_MAX_AGE", -1)
    root = harvest(verb="ListIdentifiers", resumptionToken=token)
    assert error_codes(root) == ["badResumptionToken"]
    assert "expired" in root.findtext("o:error", namespaces=NS)


def test_post_without_csrf_token(oai_schema: etree.XMLSchema) -> None:
    make_resource()
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    oai_schema.assertValid(root)
    assert len(identifiers(root)) == 1


def test_other_methods_are_refused(client: Client) -> None:
    assert client.put(URL).status_code == 405


def test_control_characters_and_markup_stay_text(harvest: Any) -> None:
    resource = make_resource(title="Equity\x0b <b>first</b> & \x01last", description="")
    root = harvest(
        verb="GetRecord", identifier=oai.oai_identifier(resource.pk), metadataPrefix="oai_dc"
    )
    assert root.findtext(".//dc:title", namespaces=NS) == "Equity <b>first</b> & last"
    assert root.find(".//dc:description", NS) is None


def test_only_public_fields_are_disseminated(harvest: Any, django_user_model: Any) -> None:
    curator = django_user_model.objects.create_user(
        username="curator", email="secret-curator@example.org"
    )
    resource = make_resource(curated_by=curator, need="internal need", organization="AAMC")
    response_text = etree.tostring(
        harvest(
            verb="GetRecord", identifier=oai.oai_identifier(resource.pk), metadataPrefix="oai_dc"
        )
    ).decode()
    assert "secret-curator" not in response_text
    assert "curator" not in response_text.replace("curated", "")


# serialized_rollback restores the seeded vocabularies that the flush after the test removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sickle_harvests_the_whole_library(
    live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oai, "PAGE_SIZE", 3)
    published = [make_resource(title=f"Published {i}") for i in range(8)]
    withdrawn = make_resource(title="Withdrawn", status=m.Resource.Status.WITHDRAWN)
    make_resource(title="Draft", status=m.Resource.Status.DRAFT)
    sickle = Sickle(live_server.url + URL)
    assert sickle.Identify().deletedRecord == "transient"
    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    assert [r.header.identifier for r in records] == [
        oai.oai_identifier(r.pk) for r in [*published, withdrawn]
    ]
    assert [r.header.deleted for r in records] == [False] * 8 + [True]
    assert records[0].metadata["title"] == ["Published 0"]
    live = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=True))
    assert len(live) == 8
    sets = {s.setSpec for s in sickle.ListSets()}
    assert "domain:pathways-admission-graduation" in sets
    posted = Sickle(live_server.url + URL, http_method="POST")
    assert len(list(posted.ListRecords(metadataPrefix="oai_dc", set="domain"))) == 9


def test_a_page_of_records_costs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        make_resource(title=f"Resource {i}", professions=("nursing", "medicine"))
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    assert response.content.count(b"<record>") == 30


ARGUMENT_NAMES = st.sampled_from(
    ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken", "other"]
)
ARGUMENT_VALUES = st.one_of(
    st.sampled_from(
        [
            *oai.VERBS,
            "oai_dc",
            "oai:127.0.0.1:resource/1",
            "2020-01-01",
            "2020-01-01T00:00:00Z",
            "domain",
        ]
    ),
    st.text(max_size=30),
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(arguments=st.dictionaries(ARGUMENT_NAMES, st.lists(ARGUMENT_VALUES, min_size=1, max_size=2)))
def test_any_request_gets_a_schema_valid_answer(
    arguments: dict[str, list[str]], oai_schema: etree.XMLSchema
) -> None:
    response = oai.Provider(base_url="http://testserver/oai/").respond(arguments)
    root = etree.fromstring(response.content)
    oai_schema.assertValid(root)
