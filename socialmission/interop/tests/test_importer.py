"""The importer: created / updated / duplicates / rejected, defaults, history, index, atomicity."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.interop.importer import ImportDefaults, import_records, validate_defaults
from socialmission.interop.tests.builders import make_resource
from socialmission.library.models import IndexChange, Resource

pytestmark = pytest.mark.django_db


def article(n: int = 1, **fields: object) -> Record:
    values: dict[str, object] = {
        "title": f"Community-based medical education, study {n}",
        "authors": [Name(family="Strasser", given="Roger"), Name(family="Neusy", given="A")],
        "year": 2010 + n,
        "container_title": "Medical Education",
        "doi": f"10.1111/medu.{n}",
        "pmid": str(20000000 + n),
        "source": f"record {n}",
    }
    values.update(fields)
    return Record(**values)  # type: ignore[arg-type]


def test_creates_resources_with_fields_defaults_history_and_index_rows() -> None:
    curator = get_user_model().objects.create_user("cur", password="x")
    before_outbox = IndexChange.objects.count()
    report = import_records(
        [article(1), article(2, type="report", container_title="", publisher="WHO")],
        defaults=ImportDefaults(
            tags={
                "domain": ["community-engagement"],
                "topic": ["Specialty choice"],
                "profession": ["medicine"],
            }
        ),
        status="published",
        user=curator,
        change_reason="Imported from test.ris",
    )
    assert [e.position for e in report.created] == ["record 1", "record 2"]
    assert report.updated == report.duplicates == report.rejected == []
    first = Resource.objects.get(pk=report.created[0].resource_id)
    assert first.title == "Community-based medical education, study 1"
    assert first.authors == [
        {"family": "Strasser", "given": "Roger"},
        {"family": "Neusy", "given": "A"},
    ]
    assert (first.year, first.venue, first.doi, first.pmid) == (
        2011,
        "Medical Education",
        "10.1111/medu.1",
        "20000001",
    )
    assert first.resource_type.slug == "article"
    assert first.status == "published" and first.published_at is not None
    assert first.curated_by == curator
    assert first.slug == "community-based-medical-education-study-1"
    assert [d.slug for d in first.domains.all()] == ["community-engagement"]
    assert [t.slug for t in first.topics.all()] == ["specialty-choice"]
    assert [p.slug for p in first.professions.all()] == ["medicine"]
    second = Resource.objects.get(pk=report.created[1].resource_id)
    assert second.resource_type.slug == "report"
    assert second.venue == "WHO"
    # The curator history has the creation, by the importing user, with its tags.
    entry = first.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == curator
    assert entry.history_change_reason == "Imported from test.ris"
    assert [d.domain.slug for d in entry.domains.all()] == ["community-engagement"]
    # The search index is told about both.
    new_rows = IndexChange.objects.order_by("id")[before_outbox:]
    assert {row.resource_id for row in new_rows} >= {first.pk, second.pk}


def test_duplicates_in_the_library_and_in_the_file() -> None:
    existing = make_resource(
        title="Holistic review in admissions",
        doi="10.1000/holistic",
        pmid="",
        description="Already described.",
        year=2019,
        authors=[{"family": "Grbic", "given": "D"}],
    )
    report = import_records(
        [
            # Same DOI (in another spelling), nothing new: duplicate.
            Record(
                title="Holistic review in admissions",
                doi="https://doi.org/10.1000/HOLISTIC",
                year=2019,
                source="record 1",
            ),
            # Same title + year + first author, brings a PMID: fills it, updated.
            Record(
                title="Holistic Review in Admissions.",
                year=2019,
                pmid="999",
                authors=[Name(family="Grbić", given="Douglas")],
                source="record 2",
            ),
            # A new work, then the same one again in the file (by PMID).
            article(5, source="record 3"),
            Record(title="Something else entirely", pmid="20000005", source="record 4"),
            # Same title as record 3 but another DOI: a different work.
            article(5, doi="10.1111/erratum", pmid="", source="record 5"),
        ]
    )
    assert [e.position for e in report.duplicates] == ["record 1", "record 4"]
    assert report.duplicates[0].resource_id == existing.pk
    assert "DOI 10.1000/holistic" in report.duplicates[0].reason
    assert report.duplicates[1].reason == "same PMID 20000005 as record 3 of this file"
    assert report.duplicates[1].resource_id == report.created[0].resource_id is not None
    assert [e.position for e in report.updated] == ["record 2"]
    assert "filled pmid" in report.updated[0].reason
    existing.refresh_from_db()
    assert existing.pmid == "999"
    assert existing.description == "Already described."
    assert existing.history.first().history_type == "~"
    assert [e.position for e in report.created] == ["record 3", "record 5"]


def test_updates_never_overwrite_curated_values() -> None:
    existing = make_resource(doi="10.1000/x", venue="Curated venue", volume="")
    report = import_records(
        [
            Record(
                title="Other title",
                doi="10.1000/x",
                container_title="Theirs",
                volume="12",
                source="record 1",
            )
        ]
    )
    existing.refresh_from_db()
    assert existing.venue == "Curated venue"
    assert existing.volume == "12"
    assert existing.title != "Other title"
    assert report.updated[0].reason.endswith("filled volume")


def test_rejections_keep_their_position_and_reason() -> None:
    report = import_records(
        [
            RecordError(position="line 12", reason="unterminated entry"),
            Record(title=" ", source="record 2"),
            article(3),
        ]
    )
    assert [(e.position, e.reason) for e in report.rejected] == [
        ("line 12", "unterminated entry"),
        ("record 2", "no title"),
    ]
    assert len(report.created) == 1


def test_dry_run_reports_the_same_and_saves_nothing() -> None:
    make_resource(doi="10.1111/medu.1", volume="")
    records = [article(1, container_title="", volume="3"), article(2), article(3)]
    before = (Resource.objects.count(), IndexChange.objects.count())
    dry = import_records(records, dry_run=True)
    assert (Resource.objects.count(), IndexChange.objects.count()) == before
    assert dry.dry_run and "Dry run" in dry.summary()
    assert [e.resource_id for e in dry.created] == [None, None]
    real = import_records(records)
    assert [e.position for e in dry.created] == [e.position for e in real.created]
    assert [e.position for e in dry.updated] == [e.position for e in real.updated] == ["record 1"]
    assert real.summary() == "3 records: 2 created, 1 updated, 0 duplicates, 0 rejected"


def test_a_failure_mid_file_leaves_the_library_as_it_was() -> None:
    make_resource(doi="10.1000/keep")

    def records():  # type: ignore[no-untyped-def]
        for n in range(1, 1200):  # more than one write batch
            yield article(n)
        raise RuntimeError("parser gave up")

    before = sorted(Resource.objects.values_list("pk", flat=True))
    history = Resource.history.count()
    with pytest.raises(RuntimeError):
        import_records(records())
    assert sorted(Resource.objects.values_list("pk", flat=True)) == before
    assert Resource.history.count() == history


def test_record_tags_and_type_by_name_with_warnings_for_unknown_ones() -> None:
    report = import_records(
        [
            Record(
                title="Toolkit for community partners",
                type="webpage",
                resource_type="Toolkit",
                domains=["Community Engagement", "Astrology"],
                evidence_level="Promising",
                source="record 1",
            ),
            Record(title="A web page", type="webpage", source="record 2"),
        ],
        defaults=ImportDefaults(resource_type="video"),
    )
    toolkit = Resource.objects.get(pk=report.created[0].resource_id)
    assert toolkit.resource_type.slug == "toolkit"
    assert toolkit.evidence_level.slug == "promising"
    assert [d.slug for d in toolkit.domains.all()] == ["community-engagement"]
    assert report.created[0].warnings == ['unknown domain "Astrology" ignored']
    # The record named no library type: the import's default wins over the CSL type.
    assert Resource.objects.get(pk=report.created[1].resource_id).resource_type.slug == "video"


def test_csl_type_picks_the_resource_type_without_defaults() -> None:
    report = import_records(
        [
            Record(title="A", type="motion_picture", source="1"),
            Record(title="B", type="book", source="2"),
            Record(title="C", type="patent", source="3"),
        ]
    )
    slugs = [Resource.objects.get(pk=e.resource_id).resource_type.slug for e in report.created]
    assert slugs == ["video", "book", "article"]


def test_types_and_default_tags_worked_out_once_hold_for_every_record() -> None:
    """The resource type found for a CSL type, and the import's default tags, are worked out
    once per import: a record naming its own type or tags in between changes neither for the
    records after it."""
    report = import_records(
        [
            Record(title="A", type="book", source="1"),
            Record(title="B", type="book", resource_type="Toolkit", source="2"),
            Record(title="C", type="book", source="3"),
            Record(title="D", type="patent", domains=["Curriculum & programming"], source="4"),
            Record(title="E", type="patent", source="5"),
            Record(title="F", type="motion_picture", source="6"),
        ],
        defaults=ImportDefaults(tags={"domain": ["community-engagement"]}),
    )
    resources = [Resource.objects.get(pk=e.resource_id) for e in report.created]
    assert [r.resource_type.slug for r in resources] == [
        "book",
        "toolkit",
        "book",
        "article",
        "article",
        "video",
    ]
    domains = [sorted(d.slug for d in r.domains.all()) for r in resources]
    assert domains[3] == ["community-engagement", "curriculum-programming"]
    assert all(d == ["community-engagement"] for i, d in enumerate(domains) if i != 3)


def test_unknown_defaults_and_status_are_refused_before_writing() -> None:
    with pytest.raises(ValueError, match='Unknown domain "nope"'):
        validate_defaults(ImportDefaults(tags={"domain": ["nope"]}))
    with pytest.raises(ValueError, match="Unknown resource type"):
        import_records([article(1)], defaults=ImportDefaults(resource_type="poem"))
    with pytest.raises(ValueError, match="Status"):
        import_records([article(1)], status="withdrawn")
    assert not Resource.objects.exists()


def test_progress_is_reported() -> None:
    seen: list[int] = []
    import_records([article(n) for n in range(1, 251)], progress=seen.append)
    assert seen == [100, 200, 250]


def test_imported_resources_are_found_by_search() -> None:
    from socialmission.library.search import SearchParams, search_ids

    report = import_records(
        [article(1, title="Longitudinal integrated clerkships in rural Minnesota")],
        status="published",
    )
    found = search_ids(SearchParams.from_query({"q": "clerkships Minnesota"}))
    assert found == [report.created[0].resource_id]


def test_queries_grow_with_batches_not_with_records() -> None:
    """New resources, their tags, history rows and outbox rows are written a batch at a time:
    a few statements per ``BATCH_SIZE`` records, whatever the number of records."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from socialmission.interop.importer import BATCH_SIZE

    defaults = ImportDefaults(tags={"domain": ["community-engagement"], "profession": ["medicine"]})
    counts = []
    for first, n in ((1, BATCH_SIZE), (BATCH_SIZE + 1, 3 * BATCH_SIZE)):
        records = [article(i) for i in range(first, first + n)]
        with CaptureQueriesContext(connection) as queries:
            report = import_records(records, defaults=defaults, status="published")
        assert len(report.created) == n
        counts.append(len(queries))
    one_batch, three_batches = counts
    # Per batch: resources, history, each tag relation and its history copy, the outbox.
    per_batch = 1 + 1 + 2 * 2 + 1
    assert three_batches - one_batch == 2 * per_batch
    # Before: the savepoint, PostgreSQL's import lock, the vocabularies, the library's keys.
    assert one_batch <= 9 + per_batch


def test_history_copies_of_tag_rows_match_the_tag_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each creation history row holds a copy of its resource's tag rows (their ids too), also
    when the rows of a batch take several statements and resources carry several terms."""
    from socialmission.interop import importer
    from socialmission.library.models import Domain, Profession

    monkeypatch.setattr(importer, "TAG_ROWS_PER_INSERT", 3)
    report = import_records(
        [article(i, domains=["Curriculum & programming"] if i % 2 else []) for i in range(1, 8)],
        defaults=ImportDefaults(
            tags={"domain": ["community-engagement"], "profession": ["medicine", "nursing"]}
        ),
        status="published",
    )
    ids = [entry.resource_id for entry in report.created if entry.resource_id is not None]
    assert len(ids) == 7
    for relation, model in (("domains", Domain), ("professions", Profession)):
        through = getattr(Resource, relation).through
        field = model.__name__.lower()
        rows = through.objects.filter(resource_id__in=ids).order_by("id")
        expected = [(row.id, row.resource_id, getattr(row, f"{field}_id")) for row in rows]
        assert len(expected) == (7 + 4 if relation == "domains" else 14)
        copies = []
        for resource_id in ids:
            entry = Resource.objects.get(pk=resource_id).history.get()
            copies += [
                (copy.id, copy.resource_id, getattr(copy, f"{field}_id"))
                for copy in getattr(entry, relation).all()
            ]
        assert sorted(copies) == expected


def test_outbox_rows_for_many_resources_take_one_statement_per_thousand() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from socialmission.library.signals import OUTBOX_ROWS_PER_INSERT, enqueue_resources

    ids = list(range(10_000_001, 10_000_001 + 2 * OUTBOX_ROWS_PER_INSERT + 5))
    with CaptureQueriesContext(connection) as queries:
        enqueue_resources(ids)
    assert len(queries) == 3
    rows = IndexChange.objects.filter(resource_id__gte=ids[0])
    assert sorted(rows.values_list("resource_id", flat=True)) == ids
    assert set(rows.values_list("kind", flat=True)) == {IndexChange.Kind.RESOURCE}
    assert not rows.filter(applied_at__isnull=False).exists()
    assert not rows.filter(created_at__isnull=True).exists()


def test_the_ascii_fast_paths_of_the_match_key_agree_with_the_general_functions() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from socialmission.bibliography.text import normalize_title, strip_accents
    from socialmission.interop import importer

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.characters(max_codepoint=127)))
    def agree(text: str) -> None:
        assert importer._normal_title(text) == normalize_title(text)
        family = importer._family_key([{"family": text}])
        assert family == strip_accents(text).casefold().strip()

    agree()
    assert importer._family_key([{"family": "Gödel "}]) == "godel"
