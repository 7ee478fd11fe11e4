"""CSV files of the self-assessment: a cycle's answers (the import's columns), its scores, the
national aggregates, and the import of answers collected elsewhere (one transaction per file)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialmission.assessment import services
from socialmission.assessment.models import Answer, Cycle, Institution, InstrumentVersion
from socialmission.assessment.scoring import Benchmark
from socialmission.assessment.selectors import NationalPicture, Report
from socialmission.library.models import Profession

ANSWER_COLUMNS = (
    "institution",
    "year",
    "instrument",
    "indicator",
    "answer",
    "comment",
    "professions",
)
REQUIRED_COLUMNS = ANSWER_COLUMNS[:5]
SCORE_COLUMNS = (
    "level",
    "id",
    "title",
    "score",
    "coverage",
    "quartile_all",
    "stars_all",
    "quartile_profession",
    "stars_profession",
)
NATIONAL_COLUMNS = ("instrument", "group", "level", "id", "title", "count", "p25", "p50", "p75")
MAX_IMPORT_ROWS = 100_000


def _write(header: Sequence[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def answers_csv(cycle: Cycle) -> str:
    """Every indicator of the cycle's instrument, answered or blank, in the import's columns."""
    answers = {a.indicator: a for a in Answer.objects.filter(cycle=cycle)}
    professions = ";".join(cycle.institution.professions.values_list("slug", flat=True))
    rows = []
    for indicator in cycle.instrument.parsed.indicators():
        answer = answers.get(indicator.id)
        rows.append(
            [
                cycle.institution.name,
                str(cycle.year),
                cycle.instrument.key,
                indicator.id,
                answer.value if answer else "",
                answer.comment if answer else "",
                professions,
            ]
        )
    return _write(ANSWER_COLUMNS, rows)


def _bench(b: Benchmark | None) -> list[str]:
    return ["", ""] if b is None else [str(b.quartile), str(b.stars)]


def scores_csv(report: Report) -> str:
    rows = [
        [
            level.level,
            level.id,
            level.title,
            _number(level.score.value),
            f"{level.score.coverage:.2f}",
            *_bench(level.all_peers),
            *_bench(level.profession_peers),
        ]
        for level in report.levels()
    ]
    return _write(SCORE_COLUMNS, rows)


def national_csv(pictures: Sequence[NationalPicture]) -> str:
    rows = []
    for picture in pictures:
        for group in picture.groups:
            for level, key, title in picture.rows:
                dist = group.distributions.get(key)
                if dist is None:
                    continue
                rows.append(
                    [
                        picture.instrument.key,
                        group.label or "all",
                        level,
                        key,
                        title,
                        str(dist.count),
                        _number(dist.p25),
                        _number(dist.p50),
                        _number(dist.p75),
                    ]
                )
    return _write(NATIONAL_COLUMNS, rows)


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    answers: int = 0
    cycles: set[int] = field(default_factory=set)
    created_institutions: list[str] = field(default_factory=list)
    submitted: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


class _Rollback(Exception):
    pass


def import_answers(
    *, text: str, create_institutions: bool = False, submit: bool = False
) -> ImportReport:
    """Load a file of answers in one transaction; any rejected row means nothing is written.

    All-or-nothing so that an operator fixes the listed lines and runs the same file again,
    rather than working out which half of a spreadsheet went in.
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        report.rejected.append(
            Rejection(1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        )
        return report
    reader.fieldnames = header
    try:
        with transaction.atomic():
            _import_rows(reader, report, create_institutions=create_institutions)
            if report.rejected:
                raise _Rollback
            if submit:
                for cycle in Cycle.objects.filter(pk__in=report.cycles, status=Cycle.Status.OPEN):
                    try:
                        services.submit_cycle(cycle=cycle, actor=None)
                        report.submitted += 1
                    except ValidationError as exc:
                        report.rejected.append(Rejection(0, f"{cycle}: {' '.join(exc.messages)}"))
                if report.rejected:
                    raise _Rollback
    except _Rollback:
        report.answers = 0
        report.submitted = 0
        report.created_institutions = []
    return report


class _Rejected(Exception):
    """A row that cannot be imported, with the reason the report gives."""


class _RowImporter:
    """What the rows of one import share: the lookups read once and the cycles made so far."""

    def __init__(self, report: ImportReport, *, create_institutions: bool) -> None:
        self.report = report
        self.create_institutions = create_institutions
        self.institutions: dict[str, Institution | None] = {}
        self.instruments = {v.key: v for v in InstrumentVersion.objects.all()}
        self.professions = dict(Profession.objects.values_list("slug", "pk"))
        self.cycles: dict[tuple[int, int, int], Cycle] = {}
        self.seen: dict[tuple[int, str], int] = {}

    def answer(self, row: dict[str, str], line: int) -> None:
        """Record the row's answer, or raise ``_Rejected``."""

        def get(key: str) -> str:
            return (row.get(key) or "").strip()

        name, year_text, key, indicator_id = (get(c) for c in REQUIRED_COLUMNS[:4])
        if not name:
            raise _Rejected(_("no institution"))
        year = _year(year_text)
        version = self.instruments.get(key)
        if version is None:
            raise _Rejected(
                _("unknown instrument %(key)r (load it with load_instrument)") % {"key": key}
            )
        try:
            indicator = version.parsed.indicator(indicator_id)
        except KeyError:
            raise _Rejected(
                _("indicator %(id)r is not in %(key)s") % {"id": indicator_id, "key": key}
            ) from None
        try:
            value = services.clean_value(indicator, get("answer"))
        except ValidationError as exc:
            raise _Rejected(
                _("answer to %(id)s: %(msg)s") % {"id": indicator_id, "msg": " ".join(exc.messages)}
            ) from None
        cycle = self._cycle(self._institution(name, get("professions")), version, year)
        earlier = self.seen.get((cycle.pk, indicator.id))
        if earlier is not None:
            raise _Rejected(
                _("repeats indicator %(id)s of line %(line)d")
                % {"id": indicator.id, "line": earlier}
            )
        self.seen[(cycle.pk, indicator.id)] = line
        if not value:
            return
        services.record_answer(
            cycle=cycle,
            user=None,
            indicator_id=indicator.id,
            value=value,
            comment=get("comment"),
            evidence="",
        )
        self.report.answers += 1
        self.report.cycles.add(cycle.pk)

    def _institution(self, name: str, professions_text: str) -> Institution:
        if name.lower() not in self.institutions:
            institution = Institution.objects.filter(name__iexact=name).first()
            if institution is None and self.create_institutions:
                institution = self._create_institution(name, professions_text)
            self.institutions[name.lower()] = institution
        found = self.institutions[name.lower()]
        if found is None:
            raise _Rejected(
                _("unknown institution %(name)r (use --create-institutions to create it)")
                % {"name": name}
            )
        return found

    def _create_institution(self, name: str, professions_text: str) -> Institution:
        slugs = [s.strip() for s in professions_text.split(";") if s.strip()]
        unknown = [s for s in slugs if s not in self.professions]
        if unknown:
            raise _Rejected(_("unknown professions: %(slugs)s") % {"slugs": ", ".join(unknown)})
        institution = Institution(name=name)
        institution.full_clean()
        institution.save()
        institution.professions.set([self.professions[s] for s in slugs])
        self.report.created_institutions.append(name)
        return institution

    def _cycle(self, institution: Institution, version: InstrumentVersion, year: int) -> Cycle:
        cycle_key = (institution.pk, version.pk, year)
        cycle = self.cycles.get(cycle_key)
        if cycle is None:
            cycle, _created = Cycle.objects.get_or_create(
                institution=institution, instrument=version, year=year
            )
            self.cycles[cycle_key] = cycle
        if cycle.is_submitted:
            raise _Rejected(
                _("the %(year)d cycle of %(name)s is submitted; reopen it first")
                % {"year": year, "name": institution.name}
            )
        return cycle


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2200:
        raise _Rejected(_("year %(year)r is not a year between 2000 and 2200") % {"year": text})
    return year


def _import_rows(
    reader: csv.DictReader[str], report: ImportReport, *, create_institutions: bool
) -> None:
    importer = _RowImporter(report, create_institutions=create_institutions)
    for row in reader:
        line = reader.line_num
        report.rows += 1
        if report.rows > MAX_IMPORT_ROWS:
            report.rejected.append(
                Rejection(line, _("more than %(n)d rows") % {"n": MAX_IMPORT_ROWS})
            )
            return
        try:
            importer.answer(row, line)
        except _Rejected as rejected:
            report.rejected.append(Rejection(line, str(rejected)))
