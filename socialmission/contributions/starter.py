"""The Resource Spotlight a new library opens with (``data/starter-spotlight.yaml``).

Registered with ``interop.catalog.register_starter_content`` in ``ContributionsConfig.ready()``:
``socialmission load_starter_catalog`` adds it after the catalog, in its transaction. It is added
only when there is no Resource Spotlight yet, open-ended (current from today until replaced).
"""

from __future__ import annotations

from pathlib import Path

from socialmission.contributions.models import ResourceSpotlight
from socialmission.interop.catalog import CatalogError, find_resource, read_starter_yaml

STARTER_SPOTLIGHT = Path(__file__).with_name("data") / "starter-spotlight.yaml"


def load_starter_spotlight(path: Path = STARTER_SPOTLIGHT) -> str:
    if ResourceSpotlight.objects.exists():
        return "A Resource Spotlight exists; the starter spotlight was not added."
    data = read_starter_yaml(path) or {}
    resource = find_resource(data.get("resource") or {}, source=path.name)
    summary = " ".join(str(data.get("summary") or "").split())
    if not summary:
        raise CatalogError(f"{path.name}: the spotlight needs a summary")
    ResourceSpotlight.objects.create(resource=resource, summary=summary)
    return f"Added a Resource Spotlight on {resource.title!r}."
