"""The reading guides and Key Publications list a new library starts with.

``data/starter-guides.yaml`` holds them; ``load_starter_guides`` is registered with
``interop.catalog.register_starter_content`` (``GuidesConfig.ready()``), so ``socialmission
load_starter_catalog`` adds them right after the catalog, in its transaction. A guide whose slug
exists is left alone, so loading twice adds nothing; a resource the catalog does not hold is a
``CatalogError`` that undoes the whole starter load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.interop.catalog import CatalogError, find_resource, read_starter_yaml

STARTER_GUIDES = Path(__file__).with_name("data") / "starter-guides.yaml"


def _text(value: Any) -> str:
    return str(value or "").strip()


def load_starter_guides(path: Path = STARTER_GUIDES) -> str:
    """Create the guides of ``path`` that do not exist yet; returns a line for the report."""
    guides = read_starter_yaml(path) or []
    created = 0
    for guide_data in guides:
        slug = _text(guide_data.get("slug"))
        if not slug:
            raise CatalogError(f"{path.name}: a guide has no slug")
        if ReadingGuide.objects.filter(slug=slug).exists():
            continue
        kind = guide_data.get("kind", ReadingGuide.Kind.READING_GUIDE)
        if kind not in ReadingGuide.Kind.values:
            raise CatalogError(f"{path.name}: guide {slug} has an unknown kind {kind!r}")
        guide = ReadingGuide.objects.create(
            slug=slug,
            title=_text(guide_data.get("title")),
            kind=kind,
            summary=_text(guide_data.get("summary")),
            learning_objectives="\n".join(
                _text(line) for line in guide_data.get("learning_objectives") or []
            ),
            introduction=_text(guide_data.get("introduction")),
            is_published=bool(guide_data.get("published", True)),
        )
        for position, item in enumerate(guide_data.get("items") or [], start=1):
            resource = find_resource(item.get("resource") or {}, source=f"{path.name}: {slug}")
            ReadingGuideItem.objects.create(
                guide=guide,
                resource=resource,
                position=position,
                annotation=" ".join(_text(item.get("note")).split()),
            )
        created += 1
    return f"Added {created} reading guides."
