"""Production settings from the environment, the deploy check, headers on public pages."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from socialmission.library.tests.factories import ResourceFactory

TLS_ENV = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "library.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "EMAIL_URL": "smtp://mail.example.org:587",
}


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "CACHE_URL", "EMAIL_URL", "TEST_DATABASE"))
        # DATABASE_URL: the child's own SQLite; DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set
        # it in this process, and a deployment must not (check --deploy says so).
        and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(
        DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_SETTINGS_MODULE="socialmission.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "socialmission", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_tls_settings_reports_nothing(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", "--deploy", **TLS_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_mail_would_go_to_the_console(tmp_path: Path) -> None:
    env = {k: v for k, v in TLS_ENV.items() if k != "EMAIL_URL"}
    result = manage(tmp_path, "check", "--deploy", **env)
    assert "socialmission.W001" in result.stderr + result.stdout
    assert "printed to the console" in result.stderr + result.stdout


def test_an_unusable_cache_url_fails_the_checks_and_the_server_start(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", CACHE_URL="redis://127.0.0.1:1/0")
    assert result.returncode != 0
    assert "socialmission.E001" in result.stderr
    # gunicorn imports socialmission.wsgi: the same failure stops it before any request.
    started = subprocess.run(
        [sys.executable, "-c", "import socialmission.wsgi"],
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}
            },
            "DATA_DIR": str(tmp_path),
            "CACHE_URL": "redis://127.0.0.1:1/0",
            "DJANGO_SETTINGS_MODULE": "socialmission.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "CACHE_URL is set but the cache cannot be used" in started.stderr


def test_settings_are_read_under_their_django_names(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.TRUSTED_PROXY_COUNT, s.ADMINS, s.SITE_URL, "
        "s.CONTRIBUTIONS_RATE_LIMIT, s.IMPORT_MAX_BYTES, s.OAI_REPOSITORY_IDENTIFIER, "
        "s.CSRF_TRUSTED_ORIGINS, s.SECURE_HSTS_SECONDS)"
    )
    result = manage(
        tmp_path,
        "shell",
        "-v",
        "0",
        "-c",
        code,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        TRUSTED_PROXY_COUNT="1",
        ADMINS="Ada Lovelace <ada@example.org>, ops@example.org",
        SITE_URL="https://library.example.org/",
        CONTRIBUTIONS_RATE_LIMIT="20",
        IMPORT_MAX_BYTES="1000",
        OAI_REPOSITORY_IDENTIFIER="library.example.org",
        CSRF_TRUSTED_ORIGINS="https://library.example.org",
        SECURE_HSTS_SECONDS="60",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "('HTTP_X_FORWARDED_PROTO', 'https') 1 "
        "[('Ada Lovelace', 'ada@example.org'), ('ops@example.org', 'ops@example.org')] "
        "https://library.example.org 20 1000 library.example.org "
        "['https://library.example.org'] 60"
    )


@pytest.mark.django_db
def test_behind_tls_termination_absolute_urls_use_https(client: Client, settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["library.example.org"]
    resource = ResourceFactory(title="Holistic admissions at scale")
    headers = {"HTTP_HOST": "library.example.org", "HTTP_X_FORWARDED_PROTO": "https"}
    feed = client.get(reverse("interop:feed-new-atom"), **headers)
    assert f"https://library.example.org{resource.get_absolute_url()}" in feed.text
    assert "http://library.example.org" not in feed.text
    api = client.get("/api/v1/resources", **headers).json()
    assert api["results"][0]["url"].startswith("https://library.example.org/")
    oai = client.get("/oai/", {"verb": "Identify"}, **headers)
    assert "<baseURL>https://library.example.org/oai/</baseURL>" in oai.text


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/search/?q=equity", "/guides/", "/api/v1/resources"])
def test_public_pages_set_no_cookie_and_do_not_vary_on_cookies(client: Client, path: str) -> None:
    ResourceFactory(title="Community health workers")
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies, f"{path} set {list(response.cookies)}"
    assert "cookie" not in response.get("Vary", "").lower()


@pytest.mark.django_db
def test_the_resource_page_sets_no_cookie(client: Client) -> None:
    resource = ResourceFactory(title="Rural pharmacy pathway")
    response = client.get(resource.get_absolute_url())
    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


@pytest.mark.django_db
def test_a_page_with_a_form_sets_the_csrf_cookie(client: Client) -> None:
    response = client.get(reverse("contributions:suggest"))
    assert "csrftoken" in response.cookies


@pytest.mark.django_db
def test_a_signed_in_curator_still_sees_the_curator_navigation(client: Client) -> None:
    from socialmission.accounts.tests.factories import curator

    client.force_login(curator())
    response = client.get("/")
    assert reverse("contributions:queue") in response.text
    assert "cookie" in response.get("Vary", "").lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/search/?q=equity", "/contribute/resource/", "/accounts/login/"]
)
def test_pages_carry_a_content_security_policy_without_inline_script(
    client: Client, path: str
) -> None:
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # Nothing in the page needs an exception: no inline handler, no executable inline script.
    assert " hx-on" not in response.text
    assert " onclick=" not in response.text
    for chunk in response.text.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or 'type="application/ld+json"' in head, head
