"""What linkhealth adds to a resource page (registered in ``LinkHealthConfig.ready()``).

For curators only: the state of the resource's links and their last checks, inside the
"Details" section, after the curation line. See ``core.sections`` for the slots.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from socialmission.accounts import roles
from socialmission.core import sections


def panel_context(request: HttpRequest | None, page: Mapping[str, Any]) -> dict[str, Any] | None:
    # Readers get nothing, and the page makes no link query for them.
    if request is None or not roles.is_curator(request.user):
        return None
    return {}


def register() -> None:
    sections.register(
        "resource.details",
        name="linkhealth-panel",
        template="linkhealth/includes/resource_panel.html",
        order=200,
        context=panel_context,
    )
