"""The starter content: reading guides, a Key Publications list, a spotlight, evidence levels.

Loaded by ``socialmission load_starter_catalog`` (the path ``make run`` takes) into an empty
library only; every resource a data file names must be in the catalog.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from socialmission.contributions.models import Champion, ChampionSpotlight, ResourceSpotlight
from socialmission.contributions.selectors import current_resource_spotlight
from socialmission.contributions.starter import STARTER_SPOTLIGHT, load_starter_spotlight
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.guides.starter import STARTER_GUIDES, load_starter_guides
from socialmission.interop.catalog import (
    STARTER_EVIDENCE,
    CatalogError,
    apply_evidence,
    load_catalog,
    load_starter,
)
from socialmission.library.models import Resource

pytestmark = pytest.mark.django_db

GUIDES = {
    "what-is-social-mission",
    "beyond-flexner-and-social-mission-metrics",
    "holistic-admissions",
    "community-engaged-curricula",
    "key-publications",
}


def snapshot() -> dict[str, object]:
    return {
        "resources": Resource.objects.count(),
        "guides": sorted(ReadingGuide.objects.values_list("slug", flat=True)),
        "items": sorted(
            ReadingGuideItem.objects.values_list("guide__slug", "resource_id", "position")
        ),
        "spotlights": list(ResourceSpotlight.objects.values_list("resource_id", "summary")),
        "history": Resource.history.count(),
    }


def test_the_starter_command_fills_guides_spotlight_and_evidence_once() -> None:
    out = StringIO()
    call_command("load_starter_catalog", stdout=out)
    text = out.getvalue()
    assert "Loaded 101 resources" in text and "Added 5 reading guides." in text
    assert "Added a Resource Spotlight" in text
    first = snapshot()
    assert set(first["guides"]) == GUIDES  # type: ignore[arg-type]

    call_command("load_starter_catalog", stdout=out)
    assert "already holds resources" in out.getvalue()
    assert snapshot() == first


def test_loaders_run_again_add_nothing() -> None:
    load_starter()
    first = snapshot()
    assert load_starter_guides() == "Added 0 reading guides."
    assert "was not added" in load_starter_spotlight()
    assert snapshot() == first


def test_guides_have_objectives_introductions_and_annotated_published_items() -> None:
    load_starter()
    guides = ReadingGuide.objects.annotate(n=Count("items"))
    kinds = {guide.slug: guide.kind for guide in guides}
    assert kinds["key-publications"] == ReadingGuide.Kind.KEY_PUBLICATIONS
    assert sum(kind == ReadingGuide.Kind.READING_GUIDE for kind in kinds.values()) >= 4
    for guide in guides:
        assert guide.is_published and guide.published_at is not None
        assert guide.title and guide.summary and len(guide.introduction) > 200
        assert guide.n >= 7, guide.slug
        if guide.kind == ReadingGuide.Kind.READING_GUIDE:
            assert len(guide.objectives) >= 3, guide.slug
        positions = list(guide.items.values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))
    for item in ReadingGuideItem.objects.select_related("resource"):
        assert item.resource.status == Resource.Status.PUBLISHED
        assert len(item.annotation) > 40, item


def test_guide_pages_show_the_starter_guides(client: Client) -> None:
    load_starter()
    body = client.get("/guides/holistic-admissions/").content.decode()
    assert "Holistic admissions" in body
    assert "Roadmap to Diversity" in body and "scoring" in body
    assert "Key publications" in client.get("/guides/").content.decode()


def test_the_spotlight_is_current_and_on_the_home_page(client: Client) -> None:
    load_starter()
    spotlight = current_resource_spotlight()
    assert spotlight is not None
    assert spotlight.resource.title.startswith("A Novel Education and Training Program")
    assert "Capitol Hill" in spotlight.summary
    assert spotlight.resource.title in client.get("/").content.decode()
    # No invented people: champions stay empty until someone is nominated.
    assert not Champion.objects.exists() and not ChampionSpotlight.objects.exists()


def test_program_examples_with_own_outcome_data_are_rated_with_a_note() -> None:
    load_starter()
    psap = Resource.objects.get(title__startswith="Jefferson Reflects on Nearly 50 Years")
    assert psap.evidence_level is not None and psap.evidence_level.slug == "effective"
    assert "cohort" in psap.results
    latest = psap.history.first()
    assert latest is not None and latest.history_change_reason.startswith("Effective:")
    assert "not randomised" in latest.history_change_reason
    others = Resource.objects.filter(resource_type__slug="program-example").exclude(pk=psap.pk)
    assert others.count() >= 6
    assert set(others.values_list("evidence_level__slug", flat=True)) == {"not-assessed"}
    # Only the rated resource changed: every other resource has its import row alone.
    assert Resource.history.count() == Resource.objects.count() + 1


def test_every_resource_named_in_the_data_files_is_in_the_catalog() -> None:
    load_catalog()
    guides = yaml.safe_load(STARTER_GUIDES.read_text(encoding="utf-8"))
    assert load_starter_guides() == f"Added {len(guides)} reading guides."
    assert ReadingGuideItem.objects.count() == sum(len(g["items"]) for g in guides)
    assert load_starter_spotlight().startswith("Added a Resource Spotlight")
    assert apply_evidence() == len(yaml.safe_load(STARTER_EVIDENCE.read_text(encoding="utf-8")))


def _broken_copy(source: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / source.name
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    return broken


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("10.1001/jama.2017.7286", "10.1001/jama.2017.0000", "no resource with DOI"),
        ('{title: "Principles of Community', '{title: "Principals of Community', "no resource"),
    ],
)
def test_a_guide_naming_a_missing_resource_fails(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    load_catalog()
    broken = _broken_copy(STARTER_GUIDES, tmp_path, old, new)
    with pytest.raises(CatalogError, match=message):
        load_starter_guides(broken)


def test_a_missing_resource_undoes_the_whole_starter_load(tmp_path: Path) -> None:
    broken = _broken_copy(STARTER_EVIDENCE, tmp_path, "Jefferson Reflects", "Jefferson Recollects")
    with pytest.raises(CatalogError, match="no resource with title"):
        load_starter(evidence=broken)
    assert not Resource.objects.exists() and not ReadingGuide.objects.exists()


def test_spotlight_and_evidence_name_real_resources(tmp_path: Path) -> None:
    load_catalog()
    broken = _broken_copy(STARTER_SPOTLIGHT, tmp_path, "A Novel Education", "A Novel Training")
    with pytest.raises(CatalogError, match="no resource"):
        load_starter_spotlight(broken)
    bad_level = _broken_copy(STARTER_EVIDENCE, tmp_path, "level: effective", "level: great")
    with pytest.raises(CatalogError, match="unknown evidence level"):
        apply_evidence(bad_level)
