"""Schemathesis over the API's own OpenAPI document: no server error, every response as documented.

Cases are drawn with Hypothesis from each operation's strategy (valid and invalid input) and
sent through the WSGI application; schemathesis' own pytest plugin is not used, since its
fixture loader does not run under the pytest version this project uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from socialmission.interop.tests.protocol_data import tagged_resource
from socialmission.library import models as m

pytestmark = pytest.mark.django_db

# Every response is checked against the document. Schemathesis' "negative data must be
# rejected" check is left out: in a query string every value is text, so a "schema-violating"
# topic=false or year_to=0.0 is a legitimate slug or number, and accepting it is right.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_keeps_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI application directly, whose request signals would close the
    test's database connection (and its transaction) on PostgreSQL; Django's test client
    detaches them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_keeps_test_connection: None) -> Any:
    tagged_resource(title="Holistic admissions", year=2019)
    tagged_resource(
        title="Rural nursing pathway",
        type_slug="program-example",
        professions=("nursing",),
        evidence_level=m.EvidenceLevel.objects.get(slug="promising"),
        need="Rural counties lack nurses.",
    )
    tagged_resource(title="Withdrawn", status=m.Resource.Status.WITHDRAWN)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def operations(api_schema: Any) -> list[Any]:
    found = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in found} == {
        "/api/v1/resources",
        "/api/v1/resources/{resource_id}",
        "/api/v1/vocabularies",
        "/api/v1/vocabularies/{key}",
    }
    return found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_openapi_document(api_schema: Any, mode: GenerationMode) -> None:
    for operation in operations(api_schema):
        if mode == GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to make invalid

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            extra = [positive_data_acceptance] if mode == GenerationMode.POSITIVE else []
            response = case.call_and_validate(checks=CHECKS + extra)
            assert response.status_code < 500

        check()
