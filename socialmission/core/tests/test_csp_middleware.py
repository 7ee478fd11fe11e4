"""The Content-Security-Policy headers built once per process (core/middleware.py), checked
against what django-csp's own middleware writes for the same request and response."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from socialmission.core import middleware

View = Callable[[HttpRequest], HttpResponse]

REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "https://img.example"]}}


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


def reads_the_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]


@csp_update({"img-src": "https://img.example"})
def updated(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


@csp_replace({"script-src": ["'self'", "https://cdn.example"]})
def replaced(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


@csp_exempt()
def exempt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


def through(kind: type[CSPMiddleware], view: View, path: str = "/page/") -> HttpResponse:
    request = RequestFactory().get(path)
    response: HttpResponse = kind(view)(request)
    response.request_seen = request  # type: ignore[attr-defined]
    return response


def headers(response: HttpResponse) -> dict[str, str | None]:
    return {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}


def parsed(policy: str) -> dict[str, str]:
    """A policy's directives by name (their order in the header is a set's, so it varies)."""
    parts = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: value[0] if value else "" for name, *value in parts}


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    middleware._settings_policy.cache_clear()
    yield
    middleware._settings_policy.cache_clear()


@pytest.mark.parametrize("view", [plain, updated, replaced, exempt])
@pytest.mark.parametrize("report_only", [None, REPORT_ONLY])
def test_the_headers_are_django_csps_own(view: View, report_only: Any) -> None:
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        ours = headers(through(middleware.ContentSecurityPolicyMiddleware, view))
        theirs = headers(through(CSPMiddleware, view))
    assert ours == theirs
    if view is exempt:
        assert ours[HEADER] is None
    else:
        assert ours[HEADER] and parsed(ours[HEADER])["object-src"] == "'none'"
    # csp_exempt() exempts the enforced policy only, as django-csp has it.
    assert (ours[HEADER_REPORT_ONLY] is not None) == (report_only is not None)


def test_a_views_own_changes_still_reach_the_header() -> None:
    kind = middleware.ContentSecurityPolicyMiddleware
    assert parsed(through(kind, updated)[HEADER])["img-src"] == "'self' data: https://img.example"
    assert parsed(through(kind, replaced)[HEADER])["script-src"] == "'self' https://cdn.example"


def test_a_nonce_used_by_the_page_is_in_its_header() -> None:
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "script-src": [SELF, NONCE]}
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": directives}):
        response = through(middleware.ContentSecurityPolicyMiddleware, reads_the_nonce)
        nonce = response.content.decode().split("nonce='")[1].split("'")[0]
        assert parsed(response[HEADER])["script-src"] == f"'self' 'nonce-{nonce}'"
        # A page that used none gets the policy without the placeholder.
        response = through(middleware.ContentSecurityPolicyMiddleware, plain)
        assert parsed(response[HEADER])["script-src"] == "'self'"


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error() -> None:
    response = through(middleware.ContentSecurityPolicyMiddleware, plain)
    with pytest.raises(CSPNonceError):
        str(response.request_seen.csp_nonce)  # type: ignore[attr-defined]


def test_excluded_prefixes_get_no_header() -> None:
    policy = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/outside/"]}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        kind = middleware.ContentSecurityPolicyMiddleware
        assert HEADER not in through(kind, plain, "/outside/page/")
        assert HEADER in through(kind, plain, "/inside/")


def test_a_changed_setting_is_a_changed_header() -> None:
    kind = middleware.ContentSecurityPolicyMiddleware
    before = through(kind, plain)[HEADER]
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": [SELF]}
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": directives}):
        assert parsed(through(kind, plain)[HEADER])["img-src"] == "'self'"
    assert through(kind, plain)[HEADER] == before
    assert parsed(before)["img-src"] == "'self' data:"


def test_the_policy_is_built_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []

    def counted(**kwargs: Any) -> str:
        calls.append(kwargs.get("report_only", False))
        return build_policy(**kwargs)

    monkeypatch.setattr(middleware, "build_policy", counted)
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=REPORT_ONLY):
        middleware._settings_policy.cache_clear()
        for _ in range(5):
            response = through(middleware.ContentSecurityPolicyMiddleware, plain)
            assert response[HEADER] and response[HEADER_REPORT_ONLY]
    assert sorted(calls) == [False, True]  # once for each header, not once a response


@pytest.mark.django_db
def test_the_site_uses_it(client: Client) -> None:
    assert "socialmission.core.middleware.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
    assert client.get("/robots.txt")[HEADER] == build_policy()
