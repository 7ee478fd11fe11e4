"""Builders for the self-assessment's tests: a small instrument, institutions, teams and cycles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils import timezone

from socialmission.accounts.models import User
from socialmission.accounts.tests.factories import UserFactory
from socialmission.assessment import services
from socialmission.assessment.models import (
    Answer,
    Cycle,
    Institution,
    InstrumentVersion,
    Membership,
)
from socialmission.library.models import Profession

# Two domains; PAG has two areas (holistic: scale + yesno; pipeline: number), CE one area.
INSTRUMENT_YAML = """
instrument: test-2027
title: Test Self-Assessment
domains:
  - slug: pathways-admission-graduation
    weight: 1
    areas:
      - id: holistic-admissions
        title: Holistic admissions
        weight: 1
        topics: [diversity-inclusion-belonging]
        indicators:
          - id: PAG-1
            question: "Does admission weigh lived experience?"
            help: "From the admissions office's written policy."
            type: scale
            weight: 1
            options:
              - {value: none, label: "Not in place", score: 0}
              - {value: planning, label: "Planning", score: 0.25}
              - {value: implemented, label: "Implemented", score: 0.5}
              - {value: evaluated, label: "Evaluated", score: 0.75}
              - {value: institutionalised, label: "Institutionalised", score: 1}
          - id: PAG-2
            question: "Is the MCAT cut-off waived for pathway students?"
            type: yesno
            weight: 1
            options:
              - {value: "yes", label: "Yes", score: 1}
              - {value: "no", label: "No", score: 0}
      - id: pathway-programs
        title: Pathway programs
        weight: 1
        topics: [practice-underserved-areas]
        indicators:
          - id: PAG-3
            question: "How many pathway program students enrolled last year?"
            type: number
            weight: 1
            range: {min: 0, max: 40}
  - slug: community-engagement
    weight: 1
    areas:
      - id: partnerships
        title: Community partnerships
        weight: 1
        topics: [community-partnerships]
        indicators:
          - id: CE-1
            question: "What share of partners co-design programs?"
            type: percent
            weight: 1
            range: {min: 0, max: 100}
"""

FULL_ANSWERS = {"PAG-1": "evaluated", "PAG-2": "yes", "PAG-3": "20", "CE-1": "50"}


def instrument() -> InstrumentVersion:
    version, _changed = services.load_instrument(text=INSTRUMENT_YAML)
    return version


def user(**kwargs: object) -> User:
    return UserFactory(**kwargs)


def institution(name: str = "", professions: Sequence[str] = ("medicine",)) -> Institution:
    made = Institution.objects.create(
        name=name or f"School {Institution.objects.count() + 1}", state="Ohio"
    )
    made.professions.set(Profession.objects.filter(slug__in=professions))
    return made


def member(inst: Institution, role: str = Membership.Role.LEAD, **kwargs: object) -> User:
    person = user(**kwargs)
    Membership.objects.create(institution=inst, user=person, role=role)
    return person


def cycle(
    inst: Institution,
    answers: Mapping[str, str] | None = None,
    *,
    year: int = 2027,
    submitted: bool = False,
    version: InstrumentVersion | None = None,
) -> Cycle:
    made = Cycle.objects.create(institution=inst, instrument=version or instrument(), year=year)
    for indicator, value in (answers or {}).items():
        Answer.objects.create(cycle=made, indicator=indicator, value=value)
    if submitted:
        made.status = Cycle.Status.SUBMITTED
        made.submitted_at = timezone.now()
        made.save()
    return made


def peers(count: int, answers: Mapping[str, str] | None = None, **kwargs: object) -> list[Cycle]:
    """``count`` other institutions with one submitted cycle each (PAG-1 varied)."""
    levels = ["none", "planning", "implemented", "evaluated", "institutionalised"]
    made = []
    for n in range(count):
        values = dict(answers or FULL_ANSWERS)
        if answers is None:
            values["PAG-1"] = levels[n % 5]
        made.append(
            cycle(
                institution(f"Peer {Institution.objects.count()}", **kwargs), values, submitted=True
            )
        )  # type: ignore[arg-type]
    return made
