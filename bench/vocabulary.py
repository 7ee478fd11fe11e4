"""The words the synthetic catalog is written in, and their Zipf-like frequencies.

One fixed vocabulary, independent of the catalog's seed and size, so that the query mix in
``queries.py`` means the same thing at 10k and at 1M resources: the first terms are very common
(tens of thousands of hits at 100k), the generated tail is rare (a handful of hits or none).
Multi-word entries are phrases; they are written into the text whole, so phrase queries match.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cache

# fmt: off
# Ordered roughly from most to least frequent in health-professions-education writing.
CORE_TERMS: tuple[str, ...] = (
    "health", "education", "students", "medical", "community", "equity", "program", "school",
    "care", "training", "faculty", "patients", "curriculum", "diversity", "learning",
    "primary care", "public health", "nursing", "outcomes", "practice", "social mission",
    "underserved", "rural", "residents", "graduates", "clinical", "evaluation", "access",
    "workforce", "admissions", "health equity", "partnership", "service", "population",
    "disparities", "leadership", "inclusion", "competencies", "assessment", "research",
    "pathway", "recruitment", "retention", "mentoring", "interprofessional", "pharmacy",
    "dentistry", "physician", "physician assistant", "social work", "allied health",
    "medical students", "nursing students", "dental students", "pharmacy students",
    "underrepresented", "minority", "racism", "bias", "belonging", "climate", "culture",
    "accountability", "governance", "strategic planning", "mission", "policy", "funding",
    "scholarship", "debt", "tuition", "financial support", "holistic review",
    "holistic admissions", "pipeline", "outreach", "high school", "undergraduate",
    "postbaccalaureate", "community college", "first-generation", "low-income", "veterans",
    "immigrant", "refugee", "indigenous", "tribal", "Black", "Latino", "Hispanic", "Asian",
    "women", "gender", "LGBTQ", "disability", "language", "interpreters", "trust",
    "social determinants of health", "structural competency", "cultural humility",
    "implicit bias", "anti-racism", "advocacy", "civic engagement", "service learning",
    "community-based learning", "longitudinal integrated clerkship", "clerkship", "rotation",
    "residency", "graduate medical education", "continuing education", "simulation",
    "standardized patients", "reflection", "portfolio", "competency-based education",
    "entrustable professional activities", "milestones", "accreditation", "LCME", "ACGME",
    "community health workers", "federally qualified health centers", "safety-net",
    "free clinic", "student-run clinic", "homeless", "housing", "food insecurity",
    "transportation", "incarceration", "substance use", "opioid", "mental health",
    "behavioral health", "maternal health", "child health", "adolescent", "older adults",
    "chronic disease", "diabetes", "hypertension", "HIV", "COVID-19", "pandemic",
    "telehealth", "broadband", "Medicaid", "insurance", "uninsured", "cost", "economics",
    "specialty choice", "family medicine", "internal medicine", "pediatrics", "psychiatry",
    "obstetrics", "surgery", "emergency medicine", "general dentistry", "oral health",
    "community pharmacy", "nurse practitioner", "midwifery", "dental therapy",
    "health professional shortage area", "medically underserved area", "loan repayment",
    "National Health Service Corps", "area health education center", "frontier",
    "Appalachia", "border", "colonias", "reservation", "urban", "inner city", "neighborhood",
    "census tract", "zip code", "geography", "distance", "practice location",
    "career intentions", "motivation", "burnout", "wellbeing", "resilience", "stress",
    "microaggressions", "discrimination", "harassment", "promotion", "tenure",
    "faculty development", "junior faculty", "department chairs", "deans", "leadership pipeline",
    "demographics", "representation", "data", "metrics", "indicators", "benchmarking",
    "self-assessment", "survey", "interviews", "focus groups", "qualitative", "quantitative",
    "mixed methods", "cohort", "cross-sectional", "longitudinal", "randomized", "controlled",
    "regression", "propensity score", "systematic review", "scoping review", "meta-analysis",
    "case study", "program evaluation", "logic model", "theory of change", "framework",
    "toolkit", "guide", "curriculum map", "learning objectives", "syllabus", "module",
    "workshop", "lecture", "online", "e-learning", "video", "podcast", "case-based",
    "problem-based learning", "team-based learning", "peer teaching", "near-peer",
    "community advisory board", "community-academic partnership",
    "community-based participatory research", "needs assessment",
    "community health needs assessment", "stakeholders", "coalition", "nonprofit",
    "faith-based", "schools", "youth", "families", "parents", "caregivers", "elders",
    "health literacy", "numeracy", "communication", "shared decision-making",
    "patient-centered", "quality improvement", "patient safety", "value-based care",
    "population health", "epidemiology", "biostatistics", "global health",
    "international", "exchange", "humanitarian", "climate change", "environmental justice",
    "water", "air quality", "lead", "violence", "gun violence", "trauma-informed care",
    "adverse childhood experiences", "foster care", "juvenile justice", "immigration",
    "deportation", "farmworkers", "migrant", "seasonal", "agricultural", "occupational health",
    "oral-systemic health", "fluoride", "sealants", "vaccination", "immunization",
    "screening", "prevention", "health promotion", "nutrition", "physical activity",
    "obesity", "tobacco", "cancer", "cardiovascular", "asthma", "kidney disease", "sickle cell",
    "genetics", "precision medicine", "artificial intelligence", "informatics",
    "electronic health record", "big data", "social needs screening", "referral",
    "care coordination", "case management", "navigation", "patient navigators",
    "promotoras", "doulas", "lay health workers", "peer support", "recovery",
    "harm reduction", "naloxone", "syringe services", "hepatitis C", "tuberculosis",
    "historically Black colleges and universities", "Hispanic-serving institutions",
    "tribal colleges", "minority-serving institutions", "land-grant", "state university",
    "academic health center", "teaching hospital", "community hospital", "critical access",
    "regional campus", "branch campus", "distributed campus", "three-year curriculum",
    "accelerated", "tuition-free", "conditional scholarship", "service obligation",
    "return of service", "grow your own", "rural track", "urban track", "underserved track",
    "global track", "health policy track", "leadership track", "research track",
)

# Words that glue sentences together; written often but never queried.
FUNCTION_WORDS: tuple[str, ...] = (
    "the", "of", "and", "in", "to", "for", "with", "among", "on", "by", "a", "from", "through",
    "across", "within", "versus", "after", "before", "during", "between",
)

SENTENCE_OPENERS: tuple[str, ...] = (
    "We describe", "This study examined", "We evaluated", "Background:", "Methods:",
    "Results:", "Conclusions:", "We report", "This report describes", "The program offers",
    "Participants reported", "Findings suggest", "We surveyed", "This toolkit supports",
    "The curriculum introduces", "Data show",
)

STUDY_DESIGNS: tuple[str, ...] = (
    "a cross-sectional study", "a qualitative study", "a randomized trial",
    "a mixed-methods evaluation", "a scoping review", "a systematic review", "a case study",
    "a national survey", "a retrospective cohort study", "a program description",
    "a ten-year follow-up", "a multi-institution comparison",
)

LEARNERS: tuple[str, ...] = (
    "medical students", "nursing students", "dental students", "pharmacy students",
    "physician assistant students", "residents", "public health students",
    "social work students", "faculty", "graduates", "applicants", "premedical students",
    "high school students", "community health workers",
)

FAMILY_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Chen", "Wang", "Kim", "Patel",
    "Singh", "Okafor", "Mensah", "Osei", "Begay", "Yazzie", "Tsosie", "Nakamura", "Tanaka",
    "Mullan", "Chen", "Petterson", "Rosenblatt", "Rabinowitz", "Grumbach", "Fair", "Salsberg",
    "Fitzhugh", "Mullan", "Quinn", "Olsen", "Dubois", "Moreau", "Rossi", "Bianchi", "Müller",
    "Schmidt", "Novak", "Kowalski", "Ivanova", "Haddad", "Khalil", "Rahman", "Ahmed", "Ali",
    "Mohammed", "Ibrahim", "Abdullah", "Cohen", "Levi", "Friedman", "O'Brien", "McCarthy",
    "Murphy", "Kelly", "Sullivan", "Walsh", "Byrne", "Ryan", "Fernández", "Núñez", "Peña",
)

VENUES: tuple[str, ...] = (
    "Academic Medicine", "Medical Education", "BMC Medical Education", "Medical Teacher",
    "Journal of Nursing Education", "Nurse Education Today", "Journal of Dental Education",
    "American Journal of Pharmaceutical Education", "Journal of Physician Assistant Education",
    "Public Health Reports", "Journal of Health Care for the Poor and Underserved",
    "Advances in Health Sciences Education", "Teaching and Learning in Medicine",
    "Journal of Interprofessional Care", "Rural and Remote Health", "Family Medicine",
    "JAMA Network Open", "Health Affairs", "Journal of General Internal Medicine",
    "Education for Health", "Journal of Rural Health", "American Journal of Public Health",
    "Journal of the National Medical Association", "Pedagogy in Health Promotion",
    "Social Work Education", "Health Equity", "MedEdPORTAL", "Fitzhugh Mullan Institute",
    "Association of American Medical Colleges", "Beyond Flexner Alliance",
    "Rural Health Information Hub", "Health Resources and Services Administration",
)

ORGANIZATIONS: tuple[str, ...] = (
    "Beyond Flexner Alliance", "Fitzhugh Mullan Institute for Health Workforce Equity",
    "Association of American Medical Colleges", "American Association of Colleges of Nursing",
    "American Dental Education Association", "Physician Assistant Education Association",
    "Council on Social Work Education", "National Academies of Sciences", "World Health Organization",
    "Robert Graham Center", "Macy Foundation",
)

_SYLLABLES: tuple[str, ...] = (
    "ka", "lo", "mi", "ran", "te", "vo", "sha", "bel", "dor", "fen", "gri", "hal", "jun", "kor",
    "lam", "ne", "pra", "qui", "ros", "sil", "tu", "val", "wen", "xi", "yor", "zan", "ba", "ce",
    "di", "ek", "fa", "go", "hu", "ir", "ja", "ku", "li", "ma", "no", "ol", "pe", "ri", "sa",
)
# fmt: on

# How many generated proper-noun-like terms make the rare tail, and the Zipf exponent.
TAIL_SIZE = 50_000
ZIPF_EXPONENT = 1.05
# The tail is damped so that about one content word in twelve is a rare one, as in real abstracts
# (names of places, programs and people), while the rarest still have only a few hits at 1M.
TAIL_DAMPING = 0.12
VOCABULARY_SEED = 2026


@dataclass(frozen=True)
class Vocabulary:
    """Terms by rank (0 = most frequent) and cumulative weights for ``random.choices``."""

    terms: tuple[str, ...]
    cum_weights: tuple[float, ...]
    core_size: int  # terms[:core_size] are real words and phrases, the rest the generated tail

    def expected_share(self, rank: int) -> float:
        """The probability that one drawn term is the term at ``rank``."""
        previous = self.cum_weights[rank - 1] if rank else 0.0
        return (self.cum_weights[rank] - previous) / self.cum_weights[-1]


def _tail_terms() -> list[str]:
    rng = random.Random(VOCABULARY_SEED)
    seen = {term.lower() for term in CORE_TERMS} | set(FUNCTION_WORDS)
    tail: list[str] = []
    while len(tail) < TAIL_SIZE:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in seen:
            seen.add(word)
            tail.append(word)
    return tail


@cache
def vocabulary() -> Vocabulary:
    core = tuple(dict.fromkeys(CORE_TERMS))
    terms = (*core, *_tail_terms())
    # Offset the ranks a little so the top few terms do not dwarf everything else.
    weights = (
        (1.0 if rank < len(core) else TAIL_DAMPING) / (rank + 3) ** ZIPF_EXPONENT
        for rank in range(len(terms))
    )
    return Vocabulary(
        terms=terms, cum_weights=tuple(itertools.accumulate(weights)), core_size=len(core)
    )
