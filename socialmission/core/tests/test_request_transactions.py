"""Transactions for writes only (issue 10 §7): reads take no transaction (on SQLite a
transaction is BEGIN IMMEDIATE, the write lock), a writing request still commits or rolls back
as one, with its index-outbox rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from socialmission.accounts.tests.factories import user_with_role
from socialmission.contributions.tests.factories import SuggestionFactory
from socialmission.guides.tests.factories import guide_with
from socialmission.library.models import IndexChange, Resource
from socialmission.library.tests.factories import ResourceFactory

# serialized_rollback restores the seeded vocabularies that the flush after each test removes.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls(__name__),
]


def _write(request: HttpRequest) -> Resource:
    # Through the ORM like any view: the signals add the index-outbox rows.
    return ResourceFactory(title=f"Written by {request.method}")


@csrf_exempt
def write_then_fail(request: HttpRequest) -> HttpResponse:
    _write(request)
    raise RuntimeError("the disk is full")


@csrf_exempt
def write_then_404(request: HttpRequest) -> HttpResponse:
    _write(request)
    raise Http404("gone")


@csrf_exempt
def write_then_answer(request: HttpRequest) -> HttpResponse:
    _write(request)
    return HttpResponse(str(connection.in_atomic_block))


@csrf_exempt
@transaction.non_atomic_requests
def write_in_autocommit(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(connection.in_atomic_block))


urlpatterns = [
    path("t/fail/", write_then_fail),
    path("t/404/", write_then_404),
    path("t/ok/", write_then_answer),
    path("t/non-atomic/", write_in_autocommit),
    path("", include("socialmission.urls")),
]


@contextmanager
def statements() -> Iterator[list[tuple[str, bool]]]:
    """Every SQL statement sent, and whether it ran inside a transaction."""
    seen: list[tuple[str, bool]] = []

    def record(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        seen.append((sql, connection.in_atomic_block))
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        yield seen


def test_read_only_pages_run_without_a_transaction(client: Any) -> None:
    resource = ResourceFactory(title="Rural pathways")
    guide = guide_with([resource], title="Starter guide", slug="starter", is_published=True)
    suggestion = SuggestionFactory()
    pages = [
        "/",
        "/search/?q=rural",
        resource.get_absolute_url(),
        "/guides/",
        guide.get_absolute_url(),
        suggestion.status_path(),
        "/api/v1/resources",
        "/oai/?verb=Identify",
        "/feeds/new.atom",
        "/contribute/champions/",
    ]
    assert client.get("/search/").status_code == 200  # applies the outbox first
    for url in pages:
        with statements() as seen:
            assert client.get(url).status_code == 200, url
        assert seen, url  # the page did read the database
        assert [sql for sql, atomic in seen if atomic] == [], url
        assert not [sql for sql, _ in seen if sql.upper().startswith(("BEGIN", "SAVEPOINT"))], url


def test_a_writing_request_runs_in_one_transaction_and_commits(client: Any) -> None:
    response = client.post("/t/ok/")
    assert response.content == b"True"
    assert Resource.objects.filter(title="Written by POST").count() == 1
    written = Resource.objects.get(title="Written by POST")
    assert IndexChange.objects.filter(resource_id=written.pk).exists()


@pytest.mark.parametrize("url", ["/t/fail/", "/t/404/"])
def test_a_failing_post_leaves_nothing_behind(client: Any, url: str) -> None:
    # Signed in: the error page reads the database (the user's roles) after the rollback.
    client.force_login(user_with_role(None))
    client.raise_request_exception = False
    changes = IndexChange.objects.count()
    response = client.post(url)
    assert response.status_code == (404 if url == "/t/404/" else 500)
    if url == "/t/404/":  # the site's 404 page, rendered (with queries) after the rollback
        assert b"<html" in response.content.lower()
    assert not Resource.objects.filter(title="Written by POST").exists()
    assert IndexChange.objects.count() == changes  # no outbox row without its change


def test_a_view_marked_non_atomic_keeps_its_own_transactions(client: Any) -> None:
    assert client.post("/t/non-atomic/").content == b"False"
    assert client.post("/t/ok/").content == b"True"
