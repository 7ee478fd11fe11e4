"""Hostile and damaged files: control characters, broken encodings, archives, oversized files.

Each of these once gave a 500, silent mojibake or a file read as something it is not. Run on
PostgreSQL too (DATABASE_URL): PostgreSQL refuses a NUL in text where SQLite stores it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from socialmission.accounts.roles import CURATOR
from socialmission.interop.importer import ImportFileError, import_file
from socialmission.library.models import Resource

pytestmark = pytest.mark.django_db


def ris(title: str, author: str = "Strasser, Roger") -> str:
    return f"TY  - JOUR\nTI  - {title}\nAU  - {author}\nPY  - 2016\nJO  - Medical Teacher\nER  - \n"


@pytest.mark.parametrize("dry_run", [True, False])
def test_nul_and_other_control_characters_are_removed_with_their_position(dry_run: bool) -> None:
    data = ris("Rural\x00 training\x07 pathways", author="Str\x00asser, Roger").encode()
    report = import_file(io.BytesIO(data), filename="nul.ris", dry_run=dry_run)
    (entry,) = report.created
    assert entry.title == "Rural training pathways"
    assert entry.warnings == [
        "title: removed 2 control characters (the first, U+0000, at character 6)",
        "authors: removed a control character (U+0000 at character 4)",
    ]
    if not dry_run:
        resource = Resource.objects.get(pk=entry.resource_id)
        assert resource.title == "Rural training pathways"
        assert resource.authors == [{"family": "Strasser", "given": "Roger"}]


def test_nul_in_csl_json_escape_is_removed_too() -> None:
    data = (
        b'[{"id": "a", "type": "article-journal", "title": "Equity\\u0000 in admissions",'
        b' "author": [{"family": "Smith", "given": "J"}], "issued": {"date-parts": [[2020]]}}]'
    )
    report = import_file(io.BytesIO(data), filename="nul.json", dry_run=True)
    (entry,) = report.created
    assert entry.title == "Equity in admissions"
    assert entry.warnings == ["title: removed a control character (U+0000 at character 7)"]


def test_mostly_utf8_file_keeps_its_accents_and_says_a_byte_was_replaced() -> None:
    text = ris("Formación en salud rural: año uno", author="Núñez, María")
    data = text.encode("utf-8").replace(b"uno", b"un\xff")
    report = import_file(io.BytesIO(data), filename="broken.ris", dry_run=True)
    (entry,) = report.created
    assert entry.title == "Formación en salud rural: año un\ufffd"
    assert report.notes == ["the file is UTF-8 except for 1 invalid byte, replaced with \ufffd"]


def test_latin1_file_is_read_as_latin1_and_the_guess_is_reported() -> None:
    text = ris("Gesundheitsberufe für ländliche Räume: Ausbildung und Praxis", "Müller, Jürgen")
    report = import_file(io.BytesIO(text.encode("latin-1")), filename="old.ris", dry_run=False)
    (entry,) = report.created
    assert entry.title == "Gesundheitsberufe für ländliche Räume: Ausbildung und Praxis"
    assert Resource.objects.get(pk=entry.resource_id).authors == [
        {"family": "Müller", "given": "Jürgen"}
    ]
    (note,) = report.notes
    assert note.startswith("the file is not UTF-8; its encoding was guessed as ")
    assert "Latin-1" in note or "Windows-1252" in note


def test_utf8_file_has_no_note() -> None:
    report = import_file(io.BytesIO(ris("Año uno").encode()), filename="ok.ris", dry_run=True)
    assert report.notes == []


def test_zip_is_refused_as_a_zip_not_read_as_csv() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("refs.csv", "title,authors,year\nA study,Smith J,2020\n")
    with pytest.raises(ImportFileError, match=r"refs\.zip: the file is a ZIP archive"):
        import_file(io.BytesIO(buffer.getvalue()), filename="refs.zip", dry_run=True)
    # Even when the caller names a format.
    with pytest.raises(ImportFileError, match="ZIP archive"):
        import_file(io.BytesIO(buffer.getvalue()), filename="refs.csv", fmt="csv", dry_run=True)


@pytest.mark.urls("socialmission.interop.tests.urls")
def test_the_import_page_shows_the_encoding_note(client: Client) -> None:
    user = get_user_model().objects.create_user("curator", password="pw")
    user.groups.add(Group.objects.get_or_create(name=CURATOR)[0])
    client.force_login(user)
    data = ris("Für ländliche Räume: Ausbildung und Praxis").encode("latin-1")
    upload = SimpleUploadedFile("old.ris", data, content_type="application/octet-stream")
    response = client.post("/curate/import/", {"file": upload, "dry_run": "on", "status": "draft"})
    assert response.status_code == 200
    assert "The file is not UTF-8; its encoding was guessed as " in response.content.decode()


def test_the_command_line_has_the_web_forms_size_cap(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_BYTES = 100
    small, large = tmp_path / "small.ris", tmp_path / "large.ris"
    small.write_text(ris("Short"))
    large.write_text(ris("A title long enough to pass the limit " * 4))
    assert small.stat().st_size <= 100 < large.stat().st_size
    with pytest.raises(CommandError, match=r"Larger than the import limit of 100.bytes"):
        call_command("import", str(small), str(large), stdout=io.StringIO(), verbosity=0)
    assert not Resource.objects.exists()  # refused before any file was read
    call_command("import", str(small), stdout=io.StringIO(), verbosity=0)
    assert Resource.objects.get().title == "Short"
