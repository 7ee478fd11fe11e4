"""Reads for the self-assessment's pages, reports, exports and the national picture.

Access is decided here: ``*_for_member`` raise ``Http404`` for anyone who is not a member, so a
guessed id tells a stranger nothing (not even that the institution exists).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from socialmission.accounts.models import User
from socialmission.assessment import scoring
from socialmission.assessment.chart import Radar, radar
from socialmission.assessment.instrument import Area, Indicator, Instrument
from socialmission.assessment.models import (
    Answer,
    Cycle,
    Institution,
    InstrumentVersion,
    Membership,
    ShareLink,
)
from socialmission.guides.models import ReadingGuide
from socialmission.library.models import Domain, Profession, Resource
from socialmission.library.search import SearchParams

WEAK_AREAS = 3
HISTORY_PER_INDICATOR = 5
READS_PER_AREA = 5
GUIDES_PER_AREA = 3
PROGRAM_EXAMPLE = "program-example"
NATIONAL_CACHE_SECONDS = 600


def membership_for(user: User | AnonymousUser, institution: Institution) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(institution=institution, user=user).first()


def memberships_of(user: User | AnonymousUser) -> list[Membership]:
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("institution")
        .order_by("institution__name")
    )


def institution_for_member(user: User | AnonymousUser, pk: int) -> tuple[Institution, Membership]:
    institution = Institution.objects.filter(pk=pk).first()
    membership = membership_for(user, institution) if institution else None
    if institution is None or membership is None:
        raise Http404(gettext("No such institution."))
    return institution, membership


def cycle_for_member(user: User | AnonymousUser, pk: int) -> tuple[Cycle, Membership]:
    cycle = (
        Cycle.objects.select_related("institution", "instrument", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    membership = membership_for(user, cycle.institution) if cycle else None
    if cycle is None or membership is None:
        raise Http404(gettext("No such cycle."))
    return cycle, membership


def shared_cycle(token: str) -> Cycle:
    link = (
        ShareLink.objects.live()
        .select_related("cycle__institution", "cycle__instrument")
        .filter(token=token)
        .first()
    )
    if link is None:
        raise Http404(gettext("No such report link."))
    return link.cycle


def domain_titles() -> dict[str, str]:
    return dict(Domain.objects.values_list("slug", "name"))


def answers_of(cycle: Cycle) -> dict[str, Answer]:
    return {
        a.indicator: a for a in Answer.objects.filter(cycle=cycle).select_related("answered_by")
    }


def answer_values(cycle: Cycle) -> dict[str, str]:
    return dict(Answer.objects.filter(cycle=cycle).values_list("indicator", "value"))


def cycle_scores(cycle: Cycle) -> scoring.CycleScores:
    return scoring.score_cycle(cycle.instrument.parsed, answer_values(cycle))


# Answering pages


@dataclass(frozen=True)
class Change:
    who: str
    value: str
    when: datetime


@dataclass
class Row:
    indicator: Indicator
    answer: Answer | None
    changes: list[Change] = field(default_factory=list)

    @property
    def value(self) -> str:
        return self.answer.value if self.answer else ""

    @property
    def answered(self) -> bool:
        return bool(self.value)


@dataclass
class AreaRows:
    area: Area
    rows: list[Row]


@dataclass
class DomainProgress:
    slug: str
    title: str
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress(cycle: Cycle, answers: dict[str, Answer] | None = None) -> list[DomainProgress]:
    answers = answers if answers is not None else answers_of(cycle)
    titles = domain_titles()
    result = []
    for domain in cycle.instrument.parsed.domains:
        ids = [i.id for a in domain.areas for i in a.indicators]
        answered = sum(1 for i in ids if i in answers and answers[i].value)
        result.append(
            DomainProgress(domain.slug, titles.get(domain.slug, domain.slug), answered, len(ids))
        )
    return result


def domain_rows(cycle: Cycle, slug: str) -> list[AreaRows]:
    instrument = cycle.instrument.parsed
    domain = next((d for d in instrument.domains if d.slug == slug), None)
    if domain is None:
        raise Http404(gettext("No such domain in this instrument."))
    answers = answers_of(cycle)
    ids = [i.id for a in domain.areas for i in a.indicators]
    changes = answer_changes(cycle, ids)
    return [
        AreaRows(area, [Row(i, answers.get(i.id), changes.get(i.id, [])) for i in area.indicators])
        for area in domain.areas
    ]


def answer_changes(
    cycle: Cycle, indicator_ids: Sequence[str], per_indicator: int = HISTORY_PER_INDICATOR
) -> dict[str, list[Change]]:
    """Who saved which value when, newest first, for the indicators of one page (one query)."""
    history = (
        Answer.history.filter(cycle_id=cycle.pk, indicator__in=list(indicator_ids))  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("-history_date")[: per_indicator * max(len(indicator_ids), 1)]
    )
    result: dict[str, list[Change]] = defaultdict(list)
    for record in history:
        changes = result[record.indicator]
        if len(changes) < per_indicator:
            who = record.history_user.display_name() if record.history_user else ""
            changes.append(Change(who, record.value, record.history_date))
    return result


# Benchmarks and the report


def peer_cycles(instrument: InstrumentVersion, *, exclude_institution: int | None) -> list[Cycle]:
    """The latest submitted cycle of each institution (but one) on this instrument."""
    cycles = Cycle.objects.filter(instrument=instrument, status=Cycle.Status.SUBMITTED)
    if exclude_institution is not None:
        cycles = cycles.exclude(institution_id=exclude_institution)
    cycles = cycles.order_by("institution_id", "-year", "-submitted_at")
    latest: dict[int, Cycle] = {}
    for cycle in cycles:
        latest.setdefault(cycle.institution_id, cycle)
    return list(latest.values())


def scores_of(cycles: Sequence[Cycle], instrument: Instrument) -> dict[int, scoring.CycleScores]:
    values: dict[int, dict[str, str]] = defaultdict(dict)
    rows = Answer.objects.filter(cycle__in=[c.pk for c in cycles]).values_list(
        "cycle_id", "indicator", "value"
    )
    for cycle_id, indicator, value in rows:
        values[cycle_id][indicator] = value
    return {c.pk: scoring.score_cycle(instrument, values[c.pk]) for c in cycles}


def professions_by_institution(ids: Iterable[int]) -> dict[int, set[str]]:
    result: dict[int, set[str]] = defaultdict(set)
    through = Institution.professions.through
    for inst_id, slug in through.objects.filter(institution_id__in=list(ids)).values_list(
        "institution_id", "profession__slug"
    ):
        result[inst_id].add(slug)
    return result


def level_value(scores: scoring.CycleScores, level: str, key: str) -> float | None:
    if level == "overall":
        return scores.overall.value
    table = scores.domains if level == "domain" else scores.areas
    found = table.get(key)
    return found.value if found else None


@dataclass
class Level:
    level: str  # "overall", "domain" or "area"
    id: str
    title: str
    score: scoring.Score
    all_peers: scoring.Benchmark | None
    profession_peers: scoring.Benchmark | None
    change: float | None = None


@dataclass
class DomainReport:
    level: Level
    areas: list[Level]


@dataclass
class NextRead:
    area: Level
    domain_title: str
    resources: Sequence[Resource]
    guides: Sequence[ReadingGuide]
    search_url: str


@dataclass
class Report:
    cycle: Cycle
    overall: Level
    domains: list[DomainReport]
    strengths: list[Level]
    gaps: list[Level]
    next_reads: list[NextRead]
    chart: Radar
    previous: Cycle | None
    peers_all: int
    peers_profession: int
    # Peer cycles whose scores a benchmark on this report was computed from.
    benchmark_peer_ids: set[int] = field(default_factory=set)

    def levels(self) -> list[Level]:
        rows = [self.overall]
        for domain in self.domains:
            rows.append(domain.level)
            rows.extend(domain.areas)
        return rows


def _previous_scores(
    cycle: Cycle, instrument: Instrument
) -> tuple[Cycle | None, scoring.CycleScores | None]:
    previous = (
        Cycle.objects.filter(
            institution=cycle.institution, status=Cycle.Status.SUBMITTED, year__lt=cycle.year
        )
        .select_related("instrument")
        .order_by("-year", "-submitted_at")
        .first()
    )
    if previous is None:
        return None, None
    carried = scoring.carried_answers(
        previous.instrument.parsed, answer_values(previous), instrument
    )
    return previous, scoring.score_cycle(instrument, carried)


def report(cycle: Cycle) -> Report:
    instrument = cycle.instrument.parsed
    scores = cycle_scores(cycle)
    titles = domain_titles()
    peers = peer_cycles(cycle.instrument, exclude_institution=cycle.institution_id)
    peer_scores = scores_of(peers, instrument)
    own_professions = set(cycle.institution.professions.values_list("slug", flat=True))
    peer_professions = professions_by_institution(c.institution_id for c in peers)
    same_profession = [c for c in peers if peer_professions[c.institution_id] & own_professions]
    used: set[int] = set()

    def bench(
        level: str, key: str, value: float | None, group: list[Cycle]
    ) -> scoring.Benchmark | None:
        scored = [(c.pk, level_value(peer_scores[c.pk], level, key)) for c in group]
        values = [v for _, v in scored if v is not None]
        result = scoring.benchmark(value, values)
        if result is not None:
            used.update(pk for pk, v in scored if v is not None)
        return result

    def make(level: str, key: str, title: str, score: scoring.Score) -> Level:
        return Level(
            level,
            key,
            title,
            score,
            bench(level, key, score.value, peers),
            bench(level, key, score.value, same_profession),
        )

    previous, previous_scores = _previous_scores(cycle, instrument)
    change = scoring.change_since(previous_scores, scores) if previous_scores else {}

    overall = make("overall", "overall", instrument.title, scores.overall)
    overall.change = change.get("overall")
    domains = []
    for domain in instrument.domains:
        level = make(
            "domain", domain.slug, titles.get(domain.slug, domain.slug), scores.domains[domain.slug]
        )
        level.change = change.get(domain.slug)
        areas = [make("area", a.id, a.title, scores.areas[a.id]) for a in domain.areas]
        domains.append(DomainReport(level, areas))

    scored_areas = [a for d in domains for a in d.areas if a.score.value is not None]
    by_score = sorted(scored_areas, key=lambda a: (a.score.value, a.id))
    gaps = by_score[:WEAK_AREAS]
    strengths = [a for a in reversed(by_score) if a not in gaps][:WEAK_AREAS]
    area_domain = {a.id: d.slug for d in instrument.domains for a in d.areas}
    next_reads = [
        _next_read(area, _area(instrument, area.id), area_domain[area.id], titles, own_professions)
        for area in gaps
    ]
    chart = radar([(d.level.title, d.level.score.value) for d in domains])
    return Report(
        cycle=cycle,
        overall=overall,
        domains=domains,
        strengths=strengths,
        gaps=gaps,
        next_reads=next_reads,
        chart=chart,
        previous=previous,
        peers_all=len(peers),
        peers_profession=len(same_profession),
        benchmark_peer_ids=used,
    )


def _area(instrument: Instrument, area_id: str) -> Area:
    return next(a for a in instrument.areas() if a.id == area_id)


def _next_read(
    level: Level, area: Area, domain_slug: str, titles: dict[str, str], professions: set[str]
) -> NextRead:
    """Published resources for a weak area: the school's professions first, best evidence, newest."""
    resources = Resource.objects.published().filter(domains__slug=domain_slug)
    if area.topics:
        resources = resources.filter(topics__slug__in=area.topics)
    for_profession = Resource.professions.through.objects.filter(
        resource_id=OuterRef("pk"), profession__slug__in=professions
    )
    chosen = list(
        resources.distinct()
        .annotate(for_profession=Exists(for_profession))
        .select_related("resource_type", "evidence_level")
        .order_by(
            "-for_profession",
            F("evidence_level__position").asc(nulls_last=True),
            F("published_at").desc(nulls_last=True),
            "-pk",
        )[:READS_PER_AREA]
    )
    for resource in chosen:
        resource.is_program_example = resource.resource_type.slug == PROGRAM_EXAMPLE  # type: ignore[attr-defined]
    # Guides carry no tags of their own: a guide is "for the domain" when its published
    # resources are, and the guides holding most of them come first.
    in_domain = Q(
        items__resource__status=Resource.Status.PUBLISHED,
        items__resource__domains__slug=domain_slug,
    )
    guides = list(
        ReadingGuide.objects.published()
        .annotate(in_domain=Count("items", filter=in_domain, distinct=True))
        .filter(in_domain__gt=0)
        .order_by("-in_domain", "-published_at", "title")[:GUIDES_PER_AREA]
    )
    params = SearchParams(filters={"domain": (domain_slug,), "topic": area.topics})
    if not area.topics:
        params = SearchParams(filters={"domain": (domain_slug,)})
    return NextRead(
        area=level,
        domain_title=titles.get(domain_slug, domain_slug),
        resources=chosen,
        guides=guides,
        search_url=reverse("library:search") + "?" + params.urlencode(),
    )


# The national picture


@dataclass
class Group:
    label: str
    distributions: dict[str, scoring.Distribution | None]  # "overall", domain slugs, area ids


@dataclass
class NationalPicture:
    instrument: InstrumentVersion
    institutions: int
    groups: list[Group]
    rows: list[tuple[str, str, str]]  # (level, id, title) in report order


def _national(instrument: InstrumentVersion) -> NationalPicture:
    parsed = instrument.parsed
    titles = domain_titles()
    cycles = peer_cycles(instrument, exclude_institution=None)
    scores = scores_of(cycles, parsed)
    professions = professions_by_institution(c.institution_id for c in cycles)
    rows = [("overall", "overall", parsed.title)]
    for domain in parsed.domains:
        rows.append(("domain", domain.slug, titles.get(domain.slug, domain.slug)))
        rows.extend(("area", a.id, a.title) for a in domain.areas)

    def group(label: str, members: list[Cycle]) -> Group:
        dists = {}
        for level, key, _title in rows:
            values = [level_value(scores[c.pk], level, key) for c in members]
            dists[key] = scoring.distribution([v for v in values if v is not None])
        return Group(label, dists)

    groups = [group("", cycles)]
    for slug, name in Profession.objects.order_by("position", "name").values_list("slug", "name"):
        members = [c for c in cycles if slug in professions[c.institution_id]]
        if len(members) >= scoring.MIN_PEERS:
            groups.append(group(name, members))
    return NationalPicture(instrument, len(cycles), groups, rows)


def national_pictures() -> list[NationalPicture]:
    """Aggregates per instrument with submitted cycles; cached until a cycle is submitted or reopened."""
    stamp = Cycle.objects.filter(status=Cycle.Status.SUBMITTED).aggregate(
        count=Count("pk"), latest=Max("submitted_at")
    )
    latest = stamp["latest"].timestamp() if stamp["latest"] else 0
    key = f"assessment-national-{stamp['count']}-{latest}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    versions = InstrumentVersion.objects.filter(
        Exists(Cycle.objects.filter(instrument=OuterRef("pk"), status=Cycle.Status.SUBMITTED))
    ).order_by("-loaded_at")
    pictures = [_national(v) for v in versions]
    cache.set(key, pictures, NATIONAL_CACHE_SECONDS)
    return pictures
