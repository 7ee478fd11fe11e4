"""Uploaded import files kept on the server between a dry run and "Import now".

A dry run stores the file under ``DATA_DIR/import-staging/`` with a random token; the report
page carries only the token, never a path. The file is bound to the curator who uploaded it
and expires after ``IMPORT_STAGING_SECONDS`` (default an hour); a real import removes it, and
every new staging sweeps away the expired ones.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _root() -> Path:
    return Path(settings.DATA_DIR) / "import-staging"


def lifetime() -> int:
    return int(getattr(settings, "IMPORT_STAGING_SECONDS", 3600))


@dataclass(frozen=True)
class Staged:
    token: str
    path: Path
    name: str


def stage(upload: Any, *, user_id: int) -> str:
    """Keep an uploaded file for ``user_id``; returns its token."""
    prune()
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    with open(root / f"{token}.upload", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    meta = {"user": user_id, "name": str(upload.name)[:255], "created": time.time()}
    (root / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def fetch(token: str, *, user_id: int) -> Staged | None:
    """The staged file of ``token`` if it is this user's and has not expired, else None."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    root = _root()
    try:
        meta = json.loads((root / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = root / f"{token}.upload"
    if meta.get("user") != user_id or _expired(meta) or not path.is_file():
        return None
    return Staged(token=token, path=path, name=str(meta.get("name", "")))


def discard(token: str) -> None:
    if not _TOKEN.fullmatch(token or ""):
        return
    for suffix in (".upload", ".json"):
        (_root() / f"{token}{suffix}").unlink(missing_ok=True)


def prune() -> None:
    """Remove the expired staged files (and any half-written pair)."""
    root = _root()
    if not root.is_dir():
        return
    for meta_path in root.glob("*.json"):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        if _expired(meta):
            discard(meta_path.stem)
    cutoff = time.time() - lifetime()
    for upload in root.glob("*.upload"):
        if not upload.with_suffix(".json").exists() and upload.stat().st_mtime < cutoff:
            upload.unlink(missing_ok=True)


def _expired(meta: dict[str, Any]) -> bool:
    created = meta.get("created")
    return not isinstance(created, int | float) or time.time() - created > lifetime()
