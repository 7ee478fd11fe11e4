"""Page sections: apps fill the library's pages through core.sections, not through imports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from socialmission.core import sections
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_templates(tmp_path: Path) -> Iterator[Path]:
    """A template folder searched before the package's own."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [tmp_path, *engine.get("DIRS", [])]
    with override_settings(TEMPLATES=[engine, *settings.TEMPLATES[1:]]):
        yield tmp_path


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The registry as the apps filled it, restored after the test."""
    monkeypatch.setattr(
        sections, "_registry", {slot: dict(named) for slot, named in sections._registry.items()}
    )
    return []


def test_unknown_slot_is_refused() -> None:
    with pytest.raises(ValueError, match=r"home\.sidebar"):
        sections.register("home.sidebar", name="x", template="x.html")


def test_sections_come_in_order_then_name(registered: list[tuple[str, str]]) -> None:
    before = [s.name for s in sections.sections_of("home.end")]
    for name, order in (("test-b", 1), ("test-a", 1), ("test-c", 0)):
        sections.register("home.end", name=name, template="x.html", order=order)
        registered.append(("home.end", name))
    # Registering a name again replaces it (AppConfig.ready() may run more than once).
    sections.register("home.end", name="test-b", template="y.html", order=1)
    names = [s.name for s in sections.sections_of("home.end")]
    assert names[:3] == ["test-c", "test-a", "test-b"]
    assert names[3:] == before
    assert [s.template for s in sections.sections_of("home.end")][2] == "y.html"


def test_a_section_from_a_new_app_appears_without_touching_the_library(
    client: Client, test_templates: Path, registered: list[tuple[str, str]]
) -> None:
    (test_templates / "extra_section.html").write_text(
        '<p class="extra">{{ greeting }} {{ resource.title|default:"home" }} {{ SITE_NAME }}</p>'
    )
    seen: list[Any] = []

    def context(request: Any, page: Any) -> dict[str, str]:
        seen.append((request.path, "resource" in page))
        return {"greeting": "Hello <b>"}

    for slot in ("home.after_browse", "resource.after_details"):
        sections.register(slot, name="test-extra", template="extra_section.html", context=context)
        registered.append((slot, "test-extra"))
    resource = ResourceFactory(title="Rural track")

    home = client.get("/").content.decode()
    page = client.get(resource.get_absolute_url()).content.decode()

    assert f'<p class="extra">Hello &lt;b&gt; home {settings.SITE_NAME}</p>' in home
    assert '<p class="extra">Hello &lt;b&gt; Rural track' in page
    assert seen == [("/", False), (resource.get_absolute_url(), True)]


def test_a_section_whose_context_is_none_is_left_out(
    client: Client, test_templates: Path, registered: list[tuple[str, str]]
) -> None:
    (test_templates / "never.html").write_text("NEVER-SHOWN")
    sections.register(
        "home.end", name="test-none", template="never.html", context=lambda r, p: None
    )
    registered.append(("home.end", "test-none"))
    assert "NEVER-SHOWN" not in client.get("/").content.decode()


def test_the_apps_fill_their_slots() -> None:
    names = {slot: [s.name for s in sections.sections_of(slot)] for slot in sections.SLOTS}
    assert names["home.after_hero"] == ["contributions-spotlights"]
    assert names["home.after_browse"] == ["guides-home"]
    assert names["resource.after_header"] == ["interop-citation"]
    assert names["resource.details"] == ["contributions-curation", "linkhealth-panel"]
    assert names["search.before_form"] == ["alerts-panel"]
    assert names["search.swapped"] == ["alerts-panel"]
    assert "interop-exports" in names["resource.after_details"]
    assert "interop-feeds" in names["search.head"]
