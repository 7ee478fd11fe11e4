"""The curator's upload page: permissions, dry run, defaults, size limit, rejected files."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from socialmission.accounts.roles import CURATOR
from socialmission.library.models import Resource

pytestmark = [pytest.mark.django_db, pytest.mark.urls("socialmission.interop.tests.urls")]

URL = "/curate/import/"
RIS = (
    b"TY  - JOUR\nTI  - Pipeline programs <script>alert(1)</script>\nAU  - Smith, Jane\n"
    b"PY  - 2021\nJO  - Academic Medicine\nDO  - 10.5555/pipeline.1\nER  - \n\n"
    b"TY  - JOUR\nAU  - Nobody, A\nPY  - 2020\nER  - \n"
)


@pytest.fixture
def curator(client: Client):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user("curator", password="pw")
    user.groups.add(Group.objects.get_or_create(name=CURATOR)[0])
    client.force_login(user)
    return user


def upload(name: str = "refs.ris", data: bytes = RIS) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_only_curators_may_import(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    reader = get_user_model().objects.create_user("reader", password="pw")
    client.force_login(reader)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(), "status": "draft"}).status_code == 403
    assert not Resource.objects.exists()


def test_the_form_is_labelled(client: Client, curator: object) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_file">Bibliography file</label>' in html
    assert "<legend>Status of new resources</legend>" in html
    assert "<legend>Domains</legend>" in html


def test_dry_run_shows_the_report_and_saves_nothing(client: Client, curator: object) -> None:
    response = client.post(URL, {"file": upload(), "dry_run": "on", "status": "draft"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dry run report: nothing was saved" in html
    assert "2 records: 1 created, 0 updated, 0 duplicates, 1 rejected" in html
    assert "no title" in html
    # Titles from the file are text, never markup.
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not Resource.objects.exists()


def test_import_applies_defaults_and_links_the_new_resources(
    client: Client, curator: object
) -> None:
    response = client.post(
        URL,
        {
            "file": upload(),
            "status": "published",
            "domains": ["curriculum-programming"],
            "professions": ["nursing", "medicine"],
            "resource_type": "commentary",
        },
    )
    assert response.status_code == 200
    resource = Resource.objects.get()
    assert resource.status == "published"
    assert resource.curated_by == curator
    assert resource.resource_type.slug == "commentary"
    assert [d.slug for d in resource.domains.all()] == ["curriculum-programming"]
    assert sorted(p.slug for p in resource.professions.all()) == ["medicine", "nursing"]
    assert resource.history.get().history_user == curator
    assert f'href="/resources/{resource.pk}/"' in response.content.decode()


def test_files_over_the_size_limit_are_refused(
    client: Client, curator: object, settings: pytest.FixtureRequest
) -> None:
    settings.IMPORT_MAX_BYTES = 100  # type: ignore[attr-defined]
    response = client.post(URL, {"file": upload(), "status": "draft"})
    assert response.status_code == 400
    assert "the limit is 100\xa0bytes" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_file_that_is_not_a_bibliography_is_rejected_clearly(
    client: Client, curator: object
) -> None:
    html_page = b"<!DOCTYPE html><html><body>Hello</body></html>"
    response = client.post(URL, {"file": upload("page.html", html_page), "status": "draft"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "The file was not imported." in text
    assert "page.html: the file is an HTML web page, not a bibliographic export" in text
    assert not Resource.objects.exists()
