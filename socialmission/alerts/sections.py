"""What alerts adds to the library's search page (registered in ``AlertsConfig.ready()``).

The "E-mail me new resources for this search" panel below the page title, and the same panel
sent out of band with in-place (htmx) results so its link follows the new search. See
``core.sections`` for the slots.
"""

from __future__ import annotations

from socialmission.core import sections

PANEL = "alerts/search_panel.jinja"


def register() -> None:
    sections.register("search.before_form", name="alerts-panel", template=PANEL)
    sections.register(
        "search.swapped",
        name="alerts-panel",
        template=PANEL,
        context=lambda request, page: {"oob": True},
    )
