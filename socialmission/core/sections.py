"""Page sections contributed by apps, so a page need not know the apps that fill it.

The library's pages (home, search, resource) name *slots*; each app registers the sections it
adds to a slot in its ``AppConfig.ready()``, the way the admin collects ModelAdmins::

    sections.register("resource.after_details", name="interop-exports",
                      template="interop/resource_exports.html", order=20)

A template renders a slot with ``{% load sections %}{% sections "resource.after_details" %}``
(Django) or ``{{ sections("search.head") }}`` (Jinja2, ``core.jinja``): each section's template,
in ``order`` then ``name`` order, with the page's context plus what the section's ``context``
callable returns (called with the request and the page's context; returning ``None`` leaves
the section out). A section's template is a Jinja2 one if its name ends in ``.jinja``
(``socialmission/jinja2/``), a Django one otherwise, whichever engine the page uses. So a lower app offers the slot and a higher app fills it, and
imports only ever go down the layers of docs/architecture.md.

The slots are listed in ``SLOTS`` so a typo in a registration fails at start-up instead of
silently showing nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

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


def engine_of(template: str) -> str:
    """The template engine (settings ``TEMPLATES`` alias) a section's template belongs to."""
    return "jinja2" if template.endswith(".jinja") else "django"


def render_slot(slot: str, request: HttpRequest | None, page: Mapping[str, Any]) -> SafeString:
    """Every section of ``slot``, each rendered by its own engine with ``page`` (the page's
    context as a mapping) plus its own context."""
    parts = []
    for section in sections_of(slot):
        extra = section.context(request, page) if section.context else {}
        if extra is None:
            continue
        context = {**page, **extra, "request": request}
        if engine_of(section.template) == "jinja2":
            # Jinja2's own template: the backend's wrapper would add CSRF values no section uses.
            env = engines["jinja2"].env  # type: ignore[attr-defined]
            parts.append(env.get_template(section.template).render(context))
        else:
            parts.append(engines["django"].get_template(section.template).render(context, request))
    # Each part is the output of a template engine, which escaped what it inserted.
    return mark_safe("".join(parts))  # noqa: S308
