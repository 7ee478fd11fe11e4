"""Uploaded champion photos are served at MEDIA_URL."""

from pathlib import Path

import pytest
from django.test import Client


@pytest.mark.django_db
def test_uploaded_photo_is_served(client: Client, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "champions").mkdir()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    (tmp_path / "champions" / "ada.png").write_bytes(png)
    response = client.get("/media/champions/ada.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png
    assert client.get("/media/champions/missing.png").status_code == 404
    assert client.get("/media/../settings.py").status_code in {400, 404}  # never served
