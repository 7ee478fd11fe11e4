"""Personal and organisational names as bibliographic exports write them (pure code).

Functions:

- ``parse_name(text)``: one ``Name`` from "Family, Given", "Family, Jr., Given", "Family GI"
  (MEDLINE/Vancouver initials), "Given Family", "Given van der Family", or an organisation
  ("World Health Organization" → ``Name(literal=…)``); "" gives an empty Name.
- ``parse_names(text, separator=";")``: several names from one field ("A, B; C, D").
- ``looks_like_organisation(text)``: whether a name string is an institution rather than a person.
- ``format_name(name, inverted=True)``: "Family, Given" (or "Given Family"), the literal for
  organisations.
- ``initials(given)``: "JA" from "John Andrew", "J. A." or "J.-A.".
- ``name_key(name)``: a casefolded, accent-free "family initial" key for matching authors.
"""

from __future__ import annotations

import re

from socialmission.bibliography.record import Name
from socialmission.bibliography.text import clean, strip_accents

# Words that only occur in the names of institutions, never in a person's name.
_ORGANISATION_WORDS = frozenset(
    """
    academy agency alliance association authors board bureau center centre coalition collaboration
    collaborative college commission committee company consortium corporation council department
    division federation forum foundation group hospital inc initiative institute institution
    investigators league ltd ministry network office organisation organization panel partnership
    program programme project service services society taskforce team trust union university
    working
    """.split()
)
# Lower-case name particles that belong to the family name in "Given von Family" order.
_PARTICLES = frozenset("da de del della der di dos du la le st ten ter van von zu".split())
_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv 2nd 3rd".split())
_INITIALS_RE = re.compile(r"^[A-Z]{1,3}$")
_INITIALS_SPLIT_RE = re.compile(r"[\s.\-]+")
# Vancouver initials as Embase and EndNote write them: "JA", "J.A.", "D.-G.", "E."
_TRAILING_INITIALS_RE = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def looks_like_organisation(text: str) -> bool:
    """True when ``text`` reads as an institution ("World Health Organization", "IAAF")."""
    value = clean(text)
    if not value:
        return False
    words = [w.strip(".,;:()&'").casefold() for w in value.split()]
    if any(word in _ORGANISATION_WORDS for word in words):
        return True
    # A single all-capital token of 3+ letters is an acronym (WHO, IAAF), not "Smith JA".
    return " " not in value and "," not in value and value.isupper() and len(value) >= 3


def parse_name(text: str) -> Name:
    """Parse one name; see the module docstring for the forms understood."""
    value = clean(text).strip(" ,;")
    if not value:
        return Name()
    if value.startswith("{") and value.endswith("}"):
        return Name(literal=clean(value[1:-1]))
    if looks_like_organisation(value):
        return Name(literal=value)
    if "," in value:
        return _parse_inverted(value)
    return _parse_direct(value)


def _parse_inverted(value: str) -> Name:
    """ "Family, Given" and "Family, Jr., Given" (the suffix goes after the given names)."""
    parts = [clean(p) for p in value.split(",")]
    family = parts[0]
    rest = [p for p in parts[1:] if p]
    suffix = [p for p in rest if p.casefold() in _SUFFIXES]
    given = " ".join(p for p in rest if p.casefold() not in _SUFFIXES)
    if suffix:
        given = " ".join([given, *suffix]).strip()
    if not family:
        return Name(family=given) if given else Name()
    return Name(family=family, given=given)


def _parse_direct(value: str) -> Name:
    """ "Smith JA" (MEDLINE/Vancouver initials), "Given van der Family", "Given Family Jr"."""
    words = value.split(" ")
    if len(words) == 1:
        return Name(family=value)
    if _TRAILING_INITIALS_RE.match(words[-1]) and not words[0].isupper():
        # MEDLINE AU / Vancouver form: "Smith JA", "van der Berg H".
        return Name(family=" ".join(words[:-1]), given=words[-1])
    for index, word in enumerate(words[1:-1], start=1):
        if word in _PARTICLES:
            return Name(family=" ".join(words[index:]), given=" ".join(words[:index]))
    if words[-1].casefold() in _SUFFIXES and len(words) > 2:
        return Name(family=words[-2], given=" ".join([*words[:-2], words[-1]]))
    return Name(family=words[-1], given=" ".join(words[:-1]))


def parse_names(text: str, separator: str = ";") -> list[Name]:
    """Parse several names separated by ``separator`` (empty parts skipped)."""
    names = (parse_name(part) for part in clean(text).split(separator))
    return [name for name in names if name.family or name.given or name.literal]


def format_name(name: Name, inverted: bool = True) -> str:
    """ "Family, Given" (inverted) or "Given Family"; an organisation's literal as it is."""
    if name.literal:
        return name.literal
    if not name.given:
        return name.family
    if not name.family:
        return name.given
    return f"{name.family}, {name.given}" if inverted else f"{name.given} {name.family}"


def initials(given: str) -> str:
    """Initials without periods or spaces: "John Andrew" → "JA", "J.-A." → "JA"."""
    given = clean(given)
    letters = [part[0] for part in _INITIALS_SPLIT_RE.split(given) if part]
    # Already-compact initials ("JA") stay as they are.
    if len(letters) == 1 and _INITIALS_RE.match(given):
        return given
    return "".join(letters).upper()


def name_key(name: Name) -> str:
    """A key for matching the same person across sources: "family f" (casefolded, no accents)."""
    if name.literal:
        return strip_accents(name.literal).casefold()
    first = initials(name.given)[:1]
    return strip_accents(f"{name.family} {first}".strip()).casefold()
