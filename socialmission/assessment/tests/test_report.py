"""The report, its CSV files and the national picture: scores, the five-peer boundary, what to read."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import numpy
import pytest
from django.test import Client
from django.utils import timezone

from socialmission.accounts.tests.factories import editor
from socialmission.assessment import csv_io, selectors
from socialmission.assessment.models import Cycle
from socialmission.assessment.tests import factories as f
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.interop.tests.builders import make_resource
from socialmission.library.models import EvidenceLevel

pytestmark = pytest.mark.django_db


def _own(**kwargs: object) -> tuple[Cycle, Client]:
    inst = f.institution("Own School", **kwargs)  # type: ignore[arg-type]
    lead = f.member(inst)
    cycle = f.cycle(inst, f.FULL_ANSWERS)
    client = Client()
    client.force_login(lead)
    return cycle, client


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_scores_follow_the_hand_computed_example() -> None:
    cycle, _client = _own()
    report = selectors.report(cycle)
    # PAG: holistic = mean(0.75, 1) = 87.5; pathway = 20/40 = 50; domain = 68.75.
    # CE: 50. Overall = (68.75 + 50) / 2 = 59.375.
    areas = {a.id: a.score.value for d in report.domains for a in d.areas}
    assert areas == {"holistic-admissions": 87.5, "pathway-programs": 50.0, "partnerships": 50.0}
    assert report.overall.score.value == pytest.approx(59.375)
    assert [a.id for a in report.gaps] == [
        "partnerships",
        "pathway-programs",
        "holistic-admissions",
    ]


def test_four_peers_are_withheld_everywhere_five_are_shown(client: Client) -> None:
    cycle, member_client = _own()
    f.peers(4)
    report = selectors.report(cycle)
    assert all(level.all_peers is None for level in report.levels())
    page = member_client.get(f"/assessment/cycles/{cycle.pk}/report/").content.decode()
    assert "not enough peers yet" in page and "of 4 stars" not in page
    scores = _rows(member_client.get(f"/assessment/cycles/{cycle.pk}/scores.csv").content.decode())
    assert {r["quartile_all"] for r in scores} == {""} and {r["stars_all"] for r in scores} == {""}
    # Four submitted schools: the national picture shows no number.
    national = client.get("/assessment/national/").content.decode()
    assert "fewer than five schools" in national and "<td>4</td>" not in national
    assert csv_io.national_csv(selectors.national_pictures()).count("\n") == 1

    f.peers(1, answers={**f.FULL_ANSWERS, "PAG-1": "institutionalised"})
    report = selectors.report(cycle)
    overall = report.overall.all_peers
    assert overall is not None and overall.peers == 5
    page = member_client.get(f"/assessment/cycles/{cycle.pk}/report/").content.decode()
    assert "of 4 stars" in page
    scores = {
        r["id"]: r
        for r in _rows(
            member_client.get(f"/assessment/cycles/{cycle.pk}/scores.csv").content.decode()
        )
    }
    assert scores["overall"]["stars_all"] == str(overall.stars)
    assert scores["overall"]["quartile_all"] == str(5 - overall.stars)
    national = client.get("/assessment/national/").content.decode()
    assert "<td>5</td>" in national
    # The peers' cycles have now been used in another school's benchmark.
    assert Cycle.objects.filter(benchmarked_at__isnull=False).count() == 5
    assert Cycle.objects.get(pk=cycle.pk).benchmarked_at is None


def test_quartiles_match_numpy_and_stars_follow_the_cut_points() -> None:
    cycle, _client = _own()
    peers = f.peers(7)
    report = selectors.report(cycle)
    peer_values = [selectors.cycle_scores(p).areas["holistic-admissions"].value for p in peers]
    area = next(a for d in report.domains for a in d.areas if a.id == "holistic-admissions")
    assert area.all_peers is not None
    expected = numpy.percentile(peer_values, [25, 50, 75])
    assert [area.all_peers.p25, area.all_peers.p50, area.all_peers.p75] == pytest.approx(expected)
    # 87.5 is at or above the 75th percentile of the peers' 0, 62.5, 75, 87.5, 100, 0, 62.5 ... values.
    assert area.all_peers.stars == (4 if 87.5 >= expected[2] else 3)


def test_profession_peers_are_only_those_sharing_a_profession() -> None:
    cycle, _client = _own(professions=("nursing",))
    f.peers(5, professions=("medicine",))
    report = selectors.report(cycle)
    assert report.overall.all_peers is not None
    assert report.overall.profession_peers is None
    f.peers(5, professions=("nursing", "dentistry"))
    report = selectors.report(cycle)
    assert report.overall.profession_peers is not None
    assert report.overall.profession_peers.peers == 5 and report.overall.all_peers.peers == 10


def test_only_the_latest_submitted_cycle_of_each_peer_counts() -> None:
    cycle, _client = _own()
    for peer in f.peers(5):
        f.cycle(peer.institution, {"PAG-1": "none"}, year=2026, submitted=True)
        f.cycle(peer.institution, {"PAG-1": "none"}, year=2028)  # open: not a peer value
    report = selectors.report(cycle)
    assert report.peers_all == 5
    assert report.overall.all_peers is not None and report.overall.all_peers.peers == 5


def test_change_since_the_previous_submitted_cycle() -> None:
    cycle, _client = _own()
    f.cycle(cycle.institution, {**f.FULL_ANSWERS, "CE-1": "30"}, year=2026, submitted=True)
    report = selectors.report(cycle)
    assert report.previous is not None and report.previous.year == 2026
    ce = next(d for d in report.domains if d.level.id == "community-engagement")
    assert ce.level.change == pytest.approx(20)
    assert report.overall.change == pytest.approx(10)


def test_what_to_read_next_orders_by_profession_then_evidence_then_date() -> None:
    cycle, client = _own(professions=("nursing",))
    best = EvidenceLevel.objects.get(slug="evidence-based")
    weak = EvidenceLevel.objects.get(slug="emerging")
    now = timezone.now()
    tags = {"domains": ("community-engagement",), "topics": ("community-partnerships",)}
    old_best = make_resource(
        title="Old evidence-based",
        evidence_level=best,
        published_at=now - timedelta(days=9),
        **tags,
    )
    new_weak = make_resource(title="New emerging", evidence_level=weak, published_at=now, **tags)
    nursing = make_resource(
        title="For nurses",
        evidence_level=weak,
        professions=("nursing",),
        published_at=now - timedelta(days=30),
        **tags,
    )
    example = make_resource(
        title="A program to copy",
        type_slug="program-example",
        published_at=now - timedelta(days=40),
        **tags,
    )
    make_resource(
        title="Wrong topic", domains=("community-engagement",), topics=("specialty-choice",)
    )
    make_resource(title="Draft", status="draft", **tags)
    guide = ReadingGuide.objects.create(
        title="Partnering with communities", slug="partnering", is_published=True
    )
    ReadingGuideItem.objects.create(guide=guide, resource=old_best, position=1)
    report = selectors.report(cycle)
    partnerships = next(n for n in report.next_reads if n.area.id == "partnerships")
    assert [r.title for r in partnerships.resources] == [
        nursing.title,
        old_best.title,
        new_weak.title,
        example.title,
    ]
    assert [g.title for g in partnerships.guides] == ["Partnering with communities"]
    assert "domain=community-engagement" in partnerships.search_url
    assert "topic=community-partnerships" in partnerships.search_url
    page = client.get(f"/assessment/cycles/{cycle.pk}/report/").content.decode()
    assert (
        "A program to copy" in page
        and "Program example" in page
        and "Partnering with communities" in page
    )


def test_the_report_has_a_radar_chart_with_its_text_alternative_and_table() -> None:
    cycle, client = _own()
    page = client.get(f"/assessment/cycles/{cycle.pk}/report/").content.decode()
    assert 'role="img"' in page and "<desc" in page and "Community Engagement: 50" in page
    assert page.count('class="radar-shape"') == 1 and "<caption>" in page


def test_answers_csv_has_the_import_columns_and_round_trips(tmp_path: object) -> None:
    cycle, client = _own()
    response = client.get(f"/assessment/cycles/{cycle.pk}/answers.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response.content.decode())
    assert list(rows[0]) == list(csv_io.ANSWER_COLUMNS)
    assert {r["indicator"]: r["answer"] for r in rows} == f.FULL_ANSWERS
    cycle.answers.all().delete()
    report = csv_io.import_answers(text=response.content.decode())
    assert report.ok and report.answers == 4
    assert selectors.answer_values(cycle) == f.FULL_ANSWERS


def test_the_national_export_is_for_editors_in_chief(client: Client) -> None:
    f.peers(5)
    assert client.get("/assessment/national/export.csv").status_code == 302
    client.force_login(editor())
    rows = _rows(client.get("/assessment/national/export.csv").content.decode())
    overall = next(r for r in rows if r["id"] == "overall" and r["group"] == "all")
    assert overall["count"] == "5"
    assert "Peer 0" not in client.get("/assessment/national/export.csv").content.decode()
    assert "Peer 0" not in client.get("/assessment/national/").content.decode()
