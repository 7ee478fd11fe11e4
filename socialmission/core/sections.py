"""Page sections contributed by apps, so a page need not know the apps that fill it.

The library's pages (home, search, resource) name *slots*; each app registers the sections it
adds to a slot in its ``AppConfig.ready()``, the way the admin collects ModelAdmins::

    sections.register("resource.after_details", name="interop-exports",
                      template="interop/resource_exports.html", order=20)

A template renders a slot with ``{% load sections %}{% sections "resource.after_details" %}``:
each section's template, in ``order`` then ``name`` order, with the page's context plus what the
section's ``context`` callable returns (called with the request and the page's context; returning
``None`` leaves the section out). So a lower app offers the slot and a higher app fills it, and
imports only ever go down the layers of docs/architecture.md.

The slots are listed in ``SLOTS`` so a typo in a registration fails at start-up instead of
silently showing nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

SectionContext = Callable[[HttpRequest | None, Mapping[str, Any]], Mapping[str, Any] | None]

SLOTS = frozenset(
    {
        "home.head",  # inside <head> of the home page
        "home.after_hero",  # below the search box
        "home.after_browse",  # below "Browse the library"
        "home.end",  # last on the page
        "search.head",  # inside <head> of the search page
        "search.before_form",  # below the page title, above the search form
        "search.before_results",  # above the result list, when there are results
        "search.swapped",  # sent with in-place (htmx) results: out-of-band updates
        "resource.head",  # inside <head> of a resource page
        "resource.after_header",  # below the title, above the "Read it" links
        "resource.details",  # inside the "Details" section, after the list
        "resource.after_details",  # after the "Details" section
    }
)


@dataclass(frozen=True)
class Section:
    slot: str
    name: str
    template: str
    order: int = 100
    context: SectionContext | None = None


_registry: dict[str, dict[str, Section]] = {}


def register(
    slot: str,
    *,
    name: str,
    template: str,
    order: int = 100,
    context: SectionContext | None = None,
) -> None:
    """Add (or replace, by ``name``) a section of ``slot``."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown page slot {slot!r}; the slots are {sorted(SLOTS)}.")
    _registry.setdefault(slot, {})[name] = Section(slot, name, template, order, context)


def sections_of(slot: str) -> list[Section]:
    """The sections of ``slot`` in page order."""
    return sorted(_registry.get(slot, {}).values(), key=lambda s: (s.order, s.name))
