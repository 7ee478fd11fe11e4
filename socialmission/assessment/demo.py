"""Demo data for a newcomer: a dozen "Demo …" schools across professions, two submitted cycles each."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from django.db import transaction

from socialmission.accounts.models import User
from socialmission.assessment import services
from socialmission.assessment.instrument import Indicator
from socialmission.assessment.models import Cycle, Institution, InstrumentVersion, Membership
from socialmission.library.models import Profession

DEMO_SCHOOLS = [
    ("Demo School of Medicine, Lakeside", ("medicine",), "public", "Ohio"),
    ("Demo College of Nursing, Prairie", ("nursing",), "public", "Kansas"),
    ("Demo School of Dentistry, Bayview", ("dentistry",), "private", "California"),
    ("Demo College of Pharmacy, Riverbend", ("pharmacy",), "public", "Tennessee"),
    ("Demo Physician Assistant Program, Summit", ("physician-assistant",), "private", "Colorado"),
    ("Demo School of Public Health, Harbor", ("public-health",), "public", "Maryland"),
    ("Demo School of Medicine, Highland", ("medicine",), "private", "Kentucky"),
    ("Demo College of Nursing, Coastal", ("nursing",), "private", "Georgia"),
    ("Demo Health Sciences University", ("medicine", "nursing", "pharmacy"), "public", "Arizona"),
    ("Demo School of Social Work, Metro", ("social-work",), "public", "Illinois"),
    ("Demo School of Medicine, Valley", ("medicine",), "public", "New Mexico"),
    ("Demo School of Dentistry, Northern", ("dentistry",), "public", "Minnesota"),
    ("Demo Allied Health College, Pines", ("allied-health",), "private", "Maine"),
    ("Demo College of Nursing, Delta", ("nursing",), "public", "Mississippi"),
]
DEMO_LEAD = "demo-lead"


@dataclass
class DemoResult:
    institutions: int
    cycles: int
    username: str
    password: str
    report_cycle: Cycle


def _answer(indicator: Indicator, rng: random.Random, strength: float) -> str:
    """A plausible answer: stronger schools tend to higher options; about one in ten left blank."""
    if rng.random() < 0.1:
        return ""
    if indicator.type in ("number", "percent"):
        low = indicator.range_min or 0.0
        high = indicator.range_max if indicator.range_max is not None else 100.0
        value = low + (high - low) * min(1.0, max(0.0, rng.gauss(strength, 0.2)))
        return f"{round(value)}"
    options = sorted(indicator.options, key=lambda o: o.score)
    position = min(len(options) - 1, max(0, round(rng.gauss(strength, 0.25) * (len(options) - 1))))
    return options[position].value


@transaction.atomic
def create_demo(*, year: int, seed: int = 2027) -> DemoResult:
    version: InstrumentVersion = services.default_instrument()
    instrument = version.parsed
    rng = random.Random(seed)  # noqa: S311 - reproducible demo answers, not a secret
    professions = {p.slug: p for p in Profession.objects.all()}
    cycles = 0
    first: Cycle | None = None
    for index, (name, slugs, ownership, state) in enumerate(DEMO_SCHOOLS):
        institution, _created = Institution.objects.get_or_create(
            name=name, defaults={"ownership": ownership, "state": state}
        )
        institution.professions.set([professions[s] for s in slugs if s in professions])
        strength = 0.25 + 0.5 * index / len(DEMO_SCHOOLS)
        for offset, cycle_year in enumerate((year - 1, year)):
            cycle, created = Cycle.objects.get_or_create(
                institution=institution, instrument=version, year=cycle_year
            )
            if created:
                for indicator in instrument.indicators():
                    value = _answer(indicator, rng, strength + 0.08 * offset)
                    if value:
                        services.record_answer(
                            cycle=cycle,
                            user=None,
                            indicator_id=indicator.id,
                            value=value,
                            comment="",
                            evidence="",
                        )
                services.submit_cycle(cycle=cycle, actor=None)
                cycles += 1
            if first is None and cycle_year == year:
                first = cycle
    assert first is not None
    password = secrets.token_urlsafe(12)
    lead, _created = User.objects.get_or_create(
        username=DEMO_LEAD, defaults={"first_name": "Demo", "last_name": "Lead"}
    )
    lead.email = "demo-lead@example.org"
    lead.set_password(password)
    lead.save()
    Membership.objects.update_or_create(
        institution=first.institution, user=lead, defaults={"role": Membership.Role.LEAD}
    )
    return DemoResult(len(DEMO_SCHOOLS), cycles, DEMO_LEAD, password, first)
