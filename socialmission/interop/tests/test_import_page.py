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


# "Import now" after a dry run, and report rows that link to their resources


@pytest.fixture
def staging_dir(settings: pytest.FixtureRequest, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    return tmp_path / "import-staging"


def hidden_fields(html: str) -> dict[str, list[str]]:
    """The "Import now" form's hidden fields, as a browser would send them."""
    import re

    form = html.split('class="import-now"')[1].split("</form>")[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(value)
    return fields


def test_import_now_reuses_the_dry_run_file_and_choices(
    client: Client, curator: object, staging_dir
) -> None:  # type: ignore[no-untyped-def]
    dry = client.post(
        URL,
        {
            "file": upload(),
            "dry_run": "on",
            "status": "published",
            "domains": ["curriculum-programming"],
        },
    )
    html = dry.content.decode()
    assert "Import now" in html and not Resource.objects.exists()
    fields = hidden_fields(html)
    assert fields["status"] == ["published"] and fields["domains"] == ["curriculum-programming"]
    token = fields["staged"][0]
    # Only a token travels: the page names no server path.
    assert str(staging_dir) not in html and len(list(staging_dir.glob("*.upload"))) == 1
    done = client.post(URL, fields)
    assert done.status_code == 200
    resource = Resource.objects.get()
    assert resource.status == "published"
    assert [d.slug for d in resource.domains.all()] == ["curriculum-programming"]
    assert "Import report" in done.content.decode() and "Import now" not in done.content.decode()
    # The kept file is gone once imported: the same token cannot import it twice.
    assert not list(staging_dir.glob("*"))
    again = client.post(URL, {**fields, "staged": token})
    assert again.status_code == 400 and "upload it again" in again.content.decode()
    assert Resource.objects.count() == 1


def test_a_kept_file_is_bound_to_its_curator_and_expires(
    client: Client, curator: object, staging_dir, settings: pytest.FixtureRequest
) -> None:  # type: ignore[no-untyped-def]
    fields = hidden_fields(
        client.post(URL, {"file": upload(), "dry_run": "on", "status": "draft"}).content.decode()
    )
    other = get_user_model().objects.create_user("other-curator", password="pw")
    other.groups.add(Group.objects.get(name=CURATOR))
    stranger = Client()
    stranger.force_login(other)
    refused = stranger.post(URL, fields)
    assert refused.status_code == 400 and "upload it again" in refused.content.decode()
    for forged in ("../../secret_key", "x" * 32, str(staging_dir / "a.upload")):
        assert client.post(URL, {**fields, "staged": forged}).status_code == 400
    settings.IMPORT_STAGING_SECONDS = -1  # type: ignore[attr-defined]
    assert client.post(URL, fields).status_code == 400
    assert not Resource.objects.exists()


def test_an_upload_without_a_file_asks_for_one(client: Client, curator: object) -> None:
    response = client.post(URL, {"status": "draft"})
    assert response.status_code == 400
    assert "Choose a file to import." in response.content.decode()


def test_report_rows_link_to_the_resources_they_matched(
    client: Client, curator: object, staging_dir
) -> None:  # type: ignore[no-untyped-def]
    client.post(URL, {"file": upload(), "status": "draft"})
    existing = Resource.objects.get()
    for data in ({"dry_run": "on"}, {}):
        html = client.post(URL, {"file": upload(), "status": "draft", **data}).content.decode()
        assert "Duplicates, skipped (1)" in html
        assert f'href="/resources/{existing.pk}/"' in html
