"""The starter catalog loads through the one importer, only into an empty library."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from socialmission.interop.catalog import STARTER_CATALOG, CatalogError, load_catalog
from socialmission.library.models import IndexChange, Resource
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_catalog_goes_through_the_importer() -> None:
    report = load_catalog()
    assert len(report.created) == 101 and report.format == "CSV"
    assert Resource.objects.published().count() == 101
    # What every import gets: history rows, outbox rows, normalised DOIs.
    assert (
        Resource.history.filter(history_change_reason="Imported from starter-catalog.csv").count()
        == 101
    )
    assert IndexChange.objects.filter(resource_id__isnull=False).count() >= 101
    dois = list(Resource.objects.exclude(doi="").values_list("doi", flat=True))
    assert dois and all(doi == doi.strip() and not doi.startswith("http") for doi in dois)
    assert "10.1097/ACM.0000000000003697" in dois  # as registered
    first = Resource.objects.get(
        title="The Social Mission of Medical Education: Ranking the Schools"
    )
    assert first.authors[0] == {"family": "Mullan", "given": "F"}
    assert first.evidence_level is not None and first.evidence_level.slug == "not-assessed"
    assert first.language == "en"
    assert sorted(d.slug for d in first.domains.all()) == [
        "governance-accountability",
        "pathways-admission-graduation",
    ]


def test_catalog_names_are_read_by_the_one_parser() -> None:
    load_catalog()
    edited = Resource.objects.get(authors__0__family="Wakefield")
    # "(eds)" makes the list editors; an edited volume is listed under its editors.
    assert edited.authors[-1] == {"family": "Flaubert", "given": "JL"}
    boelen = Resource.objects.get(
        title="The Social Accountability of Medical Schools and its Indicators"
    )
    assert boelen.authors == [{"family": "Boelen", "given": "C"}]  # "et al." is no one


def test_a_catalog_that_does_not_load_cleanly_saves_nothing(tmp_path: Path) -> None:
    text = STARTER_CATALOG.read_text(encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text(text.replace("Governance & Accountability", "Governance & Accountancy", 1))
    with pytest.raises(CatalogError, match='unknown domain "Governance & Accountancy"'):
        load_catalog(broken)
    assert not Resource.objects.exists()


def test_command_loads_only_into_an_empty_library() -> None:
    out = StringIO()
    call_command("load_starter_catalog", stdout=out)
    assert "Loaded 101 resources from starter-catalog.csv." in out.getvalue()
    call_command("load_starter_catalog", stdout=out)
    assert "already holds resources" in out.getvalue()
    assert Resource.objects.count() == 101


def test_command_leaves_a_library_with_resources_alone() -> None:
    ResourceFactory(title="Our own first resource")
    call_command("load_starter_catalog", stdout=StringIO())
    assert Resource.objects.count() == 1
