"""A self-assessment instrument: its YAML format parsed and checked into frozen dataclasses.

Pure: no Django, no ORM. The format is documented in this app's README.md; other tools may write
it, so every mistake is reported with the place it was found, e.g.
``domains[1].areas[0].indicators[2].options[1].score: must be between 0 and 1``. All mistakes of
a file are collected and reported together (one per line of the error message).

The crosswalk from the published Social Mission Metrics survey's domains to the library's domains
is data too (``instruments/smmi-crosswalk.yaml``), read by :func:`parse_crosswalk`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
DEFAULT_INSTRUMENT = INSTRUMENTS_DIR / "smm-2027.yaml"
CROSSWALK = INSTRUMENTS_DIR / "smmi-crosswalk.yaml"

TYPES = ("scale", "yesno", "choice", "number", "percent")
OPTION_TYPES = frozenset({"scale", "yesno", "choice"})
NUMERIC_TYPES = frozenset({"number", "percent"})
ID_MAX_LENGTH = 64
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class InstrumentError(ValueError):
    """An instrument (or crosswalk) that cannot be used; ``errors`` lists every problem found."""

    def __init__(self, errors: str | list[str] | tuple[str, ...]) -> None:
        self.errors: tuple[str, ...] = (errors,) if isinstance(errors, str) else tuple(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    score: float


@dataclass(frozen=True)
class Indicator:
    id: str
    question: str
    help: str
    type: str
    weight: float
    options: tuple[Option, ...]
    range_min: float | None
    range_max: float | None
    carries_over: str | None

    def option(self, value: str) -> Option | None:
        """The option whose value is ``value``, or None."""
        for option in self.options:
            if option.value == value:
                return option
        return None


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    weight: float
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Domain:
    slug: str
    weight: float
    areas: tuple[Area, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    carries_over_from: str | None
    domains: tuple[Domain, ...]

    def areas(self) -> list[Area]:
        """Every area, in the file's order."""
        return [area for domain in self.domains for area in domain.areas]

    def indicators(self) -> list[Indicator]:
        """Every indicator, in the file's order."""
        return [indicator for area in self.areas() for indicator in area.indicators]

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError if the instrument has none."""
        for indicator in self.indicators():
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def area_of(self, indicator_id: str) -> Area:
        """The area holding this indicator; KeyError if the instrument has no such indicator."""
        for area in self.areas():
            if any(indicator.id == indicator_id for indicator in area.indicators):
                return area
        raise KeyError(indicator_id)

    def domain_of(self, area_id: str) -> Domain:
        """The domain holding this area; KeyError if the instrument has no such area."""
        for domain in self.domains:
            if any(area.id == area_id for area in domain.areas):
                return domain
        raise KeyError(area_id)


# -- reading YAML ------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that repeats a key (safe_load keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        try:
            repeated = key in seen
        except TypeError:  # an unhashable key: construct_mapping below reports it
            continue
        if repeated:
            mark = key_node.start_mark
            raise InstrumentError(
                f"line {mark.line + 1}, column {mark.column + 1}: the key {key!r} appears twice"
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InstrumentError(f"{where}not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise InstrumentError(f"not valid YAML: {exc}") from None


# -- checking ----------------------------------------------------------------------------------


@dataclass
class _Checker:
    """Collects every problem with its place, and reads typed values out of parsed YAML."""

    errors: list[str] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}" if where else message)

    def mapping(
        self,
        data: Any,
        where: str,
        *,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.error(where or "the file", "must be a mapping of keys to values")
            return None
        known = required + optional
        for key in data:
            if key not in known:
                self.error(
                    _join(where, str(key)),
                    f"unknown key (expected one of: {', '.join(known)})",
                )
        for key in required:
            if key not in data or data[key] is None:
                self.error(_join(where, key), "is required")
        return data

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        place = _join(where, key)
        if value is None:
            return ""  # a missing required key is already reported by mapping()
        if isinstance(value, bool):
            self.error(
                place, "must be text (put it in quotes: YAML reads yes/no/on/off as true/false)"
            )
            return ""
        if isinstance(value, int | float):
            value = _number_text(value)
        if not isinstance(value, str):
            self.error(place, "must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.error(place, "must not be empty")
        return value

    def identifier(self, data: dict[str, Any], key: str, where: str) -> str:
        value = self.text(data, key, where)
        if value and (len(value) > ID_MAX_LENGTH or not _ID.match(value)):
            self.error(
                _join(where, key),
                f"{value!r} is not a valid id (letters, digits, '.', '_' and '-', starting with a "
                f"letter or digit, at most {ID_MAX_LENGTH} characters)",
            )
        return value

    def number(self, value: Any, place: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(place, "must be a number")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.error(place, "must be a finite number")
            return None
        return number

    def weight(self, data: dict[str, Any], where: str) -> float:
        if "weight" not in data:
            return 1.0
        weight = self.number(data["weight"], _join(where, "weight"))
        if weight is None:
            return 1.0
        if weight <= 0:
            self.error(_join(where, "weight"), "must be greater than 0")
        return weight

    def text_list(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        place = _join(where, key)
        if not isinstance(value, list):
            self.error(place, "must be a list")
            return ()
        items: list[str] = []
        for n, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{place}[{n}]", "must be non-empty text")
            elif item.strip() in items:
                self.error(f"{place}[{n}]", f"{item.strip()!r} is listed twice")
            else:
                items.append(item.strip())
        return tuple(items)

    def items(self, data: dict[str, Any], key: str, where: str) -> list[tuple[str, Any]]:
        """The entries of a required non-empty list, each with its place."""
        value = data.get(key)
        place = _join(where, key)
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.error(place, "must be a non-empty list")
            return []
        return [(f"{place}[{n}]", item) for n, item in enumerate(value)]


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _option_value(value: Any) -> Any:
    # YAML 1.1 reads an unquoted yes/no as a boolean; a yes/no option means the text.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def _parse_option(check: _Checker, data: Any, where: str) -> Option | None:
    mapping = check.mapping(data, where, required=("value", "label", "score"))
    if mapping is None:
        return None
    mapping = {**mapping, "value": _option_value(mapping.get("value"))}
    value = check.text(mapping, "value", where)
    label = check.text(mapping, "label", where)
    score = None
    if mapping.get("score") is not None:
        score = check.number(mapping["score"], f"{where}.score")
        if score is not None and not 0 <= score <= 1:
            check.error(f"{where}.score", "must be between 0 and 1")
            score = None
    if not value or not label or score is None:
        return None
    return Option(value=value, label=label, score=score)


def _parse_options(check: _Checker, mapping: dict[str, Any], where: str, kind: str) -> list[Option]:
    """The options of a scale, yesno or choice indicator (errors go to ``check``)."""
    before = len(check.errors)
    if mapping.get("range") is not None:
        check.error(f"{where}.range", f"is only for number and percent, not {kind}")
    entries = check.items(mapping, "options", where)
    if mapping.get("options") is None:
        check.error(f"{where}.options", f"is required for a {kind} indicator")
    options: list[Option] = []
    for place, item in entries:
        option = _parse_option(check, item, place)
        if option is None:
            continue
        if option.value in {o.value for o in options}:
            check.error(f"{place}.value", f"{option.value!r} is used by an earlier option")
            continue
        options.append(option)
    values = {o.value for o in options}
    if kind == "yesno" and entries and len(check.errors) == before and values != {"yes", "no"}:
        check.error(f"{where}.options", "a yesno indicator has exactly the options yes and no")
    if kind in ("scale", "choice") and len(entries) == 1:
        check.error(f"{where}.options", "needs at least two options")
    return options


def _parse_range(
    check: _Checker, mapping: dict[str, Any], where: str, kind: str
) -> tuple[float | None, float | None]:
    """The (min, max) of a number or percent indicator (errors go to ``check``)."""
    if mapping.get("options") is not None:
        check.error(f"{where}.options", f"is only for scale, yesno and choice, not {kind}")
    if mapping.get("range") is None:
        check.error(f"{where}.range", f"is required for a {kind} indicator ({{min: …, max: …}})")
        return None, None
    bounds = check.mapping(mapping["range"], f"{where}.range", required=("min", "max"))
    if bounds is None or bounds.get("min") is None or bounds.get("max") is None:
        return None, None
    range_min = check.number(bounds["min"], f"{where}.range.min")
    range_max = check.number(bounds["max"], f"{where}.range.max")
    if range_min is not None and range_max is not None:
        if range_min >= range_max:
            check.error(f"{where}.range", "min must be less than max")
        if kind == "percent" and (range_min < 0 or range_max > 100):
            check.error(f"{where}.range", "a percent range lies between 0 and 100")
    return range_min, range_max


def _parse_carries_over(
    check: _Checker, mapping: dict[str, Any], where: str, *, carries: bool
) -> str | None:
    if mapping.get("carries_over") is None:
        return None
    carries_over = check.identifier(mapping, "carries_over", where) or None
    if not carries:
        check.error(
            f"{where}.carries_over",
            "the instrument has no carries_over_from, so there is no previous version",
        )
    return carries_over


def _parse_indicator(check: _Checker, data: Any, where: str, *, carries: bool) -> Indicator | None:
    mapping = check.mapping(
        data,
        where,
        required=("id", "question", "type"),
        optional=("help", "weight", "options", "range", "carries_over"),
    )
    if mapping is None:
        return None
    before = len(check.errors)
    indicator_id = check.identifier(mapping, "id", where)
    question = check.text(mapping, "question", where)
    help_text = check.text(mapping, "help", where, required=False)
    kind = check.text(mapping, "type", where)
    if kind and kind not in TYPES:
        check.error(f"{where}.type", f"{kind!r} is not one of: {', '.join(TYPES)}")
    weight = check.weight(mapping, where)
    options = _parse_options(check, mapping, where, kind) if kind in OPTION_TYPES else []
    range_min, range_max = (
        _parse_range(check, mapping, where, kind) if kind in NUMERIC_TYPES else (None, None)
    )
    carries_over = _parse_carries_over(check, mapping, where, carries=carries)
    if len(check.errors) > before:
        return None
    return Indicator(
        id=indicator_id,
        question=question,
        help=help_text,
        type=kind,
        weight=weight,
        options=tuple(options),
        range_min=range_min,
        range_max=range_max,
        carries_over=carries_over,
    )


def _parse_area(
    check: _Checker,
    data: Any,
    where: str,
    *,
    topic_slugs: Collection[str] | None,
    carries: bool,
) -> Area | None:
    mapping = check.mapping(
        data,
        where,
        required=("id", "title", "indicators"),
        optional=("weight", "topics", "sources"),
    )
    if mapping is None:
        return None
    area_id = check.identifier(mapping, "id", where)
    title = check.text(mapping, "title", where)
    weight = check.weight(mapping, where)
    topics = check.text_list(mapping, "topics", where)
    if topic_slugs is not None:
        for n, topic in enumerate(topics):
            if topic not in topic_slugs:
                check.error(
                    f"{where}.topics[{n}]",
                    f"unknown topic {topic!r} (known: {', '.join(sorted(topic_slugs))})",
                )
    sources = check.text_list(mapping, "sources", where)
    indicators = [
        _parse_indicator(check, item, place, carries=carries)
        for place, item in check.items(mapping, "indicators", where)
    ]
    if None in indicators or not area_id or not title:
        return None
    return Area(
        id=area_id,
        title=title,
        weight=weight,
        topics=topics,
        sources=sources,
        indicators=tuple(i for i in indicators if i is not None),
    )


def _parse_domain(
    check: _Checker,
    data: Any,
    where: str,
    *,
    domain_slugs: Collection[str] | None,
    topic_slugs: Collection[str] | None,
    carries: bool,
) -> Domain | None:
    mapping = check.mapping(data, where, required=("slug", "areas"), optional=("weight",))
    if mapping is None:
        return None
    slug = check.text(mapping, "slug", where)
    if slug and domain_slugs is not None and slug not in domain_slugs:
        check.error(
            f"{where}.slug",
            f"unknown domain {slug!r} (known: {', '.join(sorted(domain_slugs))})",
        )
    weight = check.weight(mapping, where)
    areas = [
        _parse_area(check, item, place, topic_slugs=topic_slugs, carries=carries)
        for place, item in check.items(mapping, "areas", where)
    ]
    if None in areas or not slug:
        return None
    return Domain(slug=slug, weight=weight, areas=tuple(a for a in areas if a is not None))


def _places(instrument: Instrument) -> Iterator[tuple[str, Indicator]]:
    """Every indicator with its place in the file."""
    for d, domain in enumerate(instrument.domains):
        for a, area in enumerate(domain.areas):
            for i, indicator in enumerate(area.indicators):
                yield f"domains[{d}].areas[{a}].indicators[{i}]", indicator


def _check_unique(check: _Checker, instrument: Instrument) -> None:
    seen_domains: set[str] = set()
    for d, domain in enumerate(instrument.domains):
        if domain.slug in seen_domains:
            check.error(f"domains[{d}].slug", f"the domain {domain.slug!r} appears twice")
        seen_domains.add(domain.slug)
    seen_areas: set[str] = set()
    for d, domain in enumerate(instrument.domains):
        for a, area in enumerate(domain.areas):
            if area.id in seen_areas:
                check.error(f"domains[{d}].areas[{a}].id", f"the area id {area.id!r} is used twice")
            seen_areas.add(area.id)
    seen_indicators: set[str] = set()
    for place, indicator in _places(instrument):
        if indicator.id in seen_indicators:
            check.error(f"{place}.id", f"the indicator id {indicator.id!r} is used twice")
        seen_indicators.add(indicator.id)


def parse_instrument(
    text: str,
    *,
    domain_slugs: Collection[str] | None = None,
    topic_slugs: Collection[str] | None = None,
) -> Instrument:
    """Parse and check an instrument file's text.

    ``domain_slugs`` / ``topic_slugs``: when given, the slugs the library knows; any other slug is
    an error. Raises :class:`InstrumentError` listing every problem with its place.
    """
    data = _load_yaml(text)
    check = _Checker()
    mapping = check.mapping(
        data, "", required=("instrument", "title", "domains"), optional=("carries_over_from",)
    )
    if mapping is None:
        raise InstrumentError(check.errors)
    instrument_id = check.identifier(mapping, "instrument", "")
    title = check.text(mapping, "title", "")
    carries_over_from = None
    if mapping.get("carries_over_from") is not None:
        carries_over_from = check.identifier(mapping, "carries_over_from", "") or None
        if carries_over_from is not None and carries_over_from == instrument_id:
            check.error("carries_over_from", "an instrument cannot carry over from itself")
    domains = [
        _parse_domain(
            check,
            item,
            place,
            domain_slugs=domain_slugs,
            topic_slugs=topic_slugs,
            carries=carries_over_from is not None,
        )
        for place, item in check.items(mapping, "domains", "")
    ]
    if check.errors:
        raise InstrumentError(check.errors)
    instrument = Instrument(
        id=instrument_id,
        title=title,
        carries_over_from=carries_over_from,
        domains=tuple(d for d in domains if d is not None),
    )
    _check_unique(check, instrument)
    if check.errors:
        raise InstrumentError(check.errors)
    return instrument


def check_carry_over(current: Instrument, previous: Instrument) -> None:
    """Check ``current``'s ``carries_over`` references against the previous version.

    Raises :class:`InstrumentError` when ``current`` does not name ``previous`` as the version it
    carries over from, when an indicator continues one that ``previous`` does not have, or when an
    answer could not mean the same thing (a numeric indicator continuing an option one or back).
    """
    check = _Checker()
    if current.carries_over_from != previous.id:
        check.error(
            "carries_over_from",
            f"is {current.carries_over_from!r}, not the previous version {previous.id!r}",
        )
        raise InstrumentError(check.errors)
    known = {indicator.id: indicator for indicator in previous.indicators()}
    for place, indicator in _places(current):
        if indicator.carries_over is None:
            continue
        before = known.get(indicator.carries_over)
        if before is None:
            check.error(
                f"{place}.carries_over",
                f"{indicator.carries_over!r} is not an indicator of {previous.id}",
            )
        elif (before.type in NUMERIC_TYPES) != (indicator.type in NUMERIC_TYPES):
            check.error(
                f"{place}.carries_over",
                f"a {indicator.type} indicator cannot continue the {before.type} indicator "
                f"{before.id!r}",
            )
    if check.errors:
        raise InstrumentError(check.errors)


def fingerprint(text: str) -> str:
    """sha256 of the parsed, normalised content: comments, key order, quoting and layout of the
    file do not change it; any change of meaning or wording does."""
    instrument = parse_instrument(text)
    canonical = json.dumps(asdict(instrument), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# -- the crosswalk of the published survey's domains -------------------------------------------


@dataclass(frozen=True)
class CrosswalkRow:
    source_domain: str
    title: str
    domains: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Crosswalk:
    id: str
    title: str
    source: str
    rows: tuple[CrosswalkRow, ...]

    def domains_for(self, source_domain: str) -> tuple[str, ...]:
        """The library domain slugs a published-survey domain maps onto; KeyError if unknown."""
        for row in self.rows:
            if row.source_domain == source_domain:
                return row.domains
        raise KeyError(source_domain)


def parse_crosswalk(text: str, *, domain_slugs: Collection[str] | None = None) -> Crosswalk:
    """Parse a crosswalk file (format in README.md); InstrumentError names each problem's place."""
    data = _load_yaml(text)
    check = _Checker()
    mapping = check.mapping(data, "", required=("crosswalk", "title", "source", "rows"))
    if mapping is None:
        raise InstrumentError(check.errors)
    crosswalk_id = check.identifier(mapping, "crosswalk", "")
    title = check.text(mapping, "title", "")
    source = check.text(mapping, "source", "")
    rows: list[CrosswalkRow] = []
    for place, item in check.items(mapping, "rows", ""):
        row = check.mapping(item, place, required=("from", "title", "to", "note"))
        if row is None:
            continue
        before = len(check.errors)
        source_domain = check.identifier(row, "from", place)
        row_title = check.text(row, "title", place)
        note = check.text(row, "note", place)
        targets = check.text_list(row, "to", place)
        if row.get("to") is not None and not targets and len(check.errors) == before:
            check.error(f"{place}.to", "must name at least one library domain")
        if domain_slugs is not None:
            for n, slug in enumerate(targets):
                if slug not in domain_slugs:
                    check.error(
                        f"{place}.to[{n}]",
                        f"unknown domain {slug!r} (known: {', '.join(sorted(domain_slugs))})",
                    )
        if source_domain in {r.source_domain for r in rows}:
            check.error(f"{place}.from", f"{source_domain!r} appears twice")
        if len(check.errors) == before:
            rows.append(CrosswalkRow(source_domain, row_title, targets, note))
    if check.errors:
        raise InstrumentError(check.errors)
    return Crosswalk(id=crosswalk_id, title=title, source=source, rows=tuple(rows))


def load_crosswalk(
    path: Path = CROSSWALK, *, domain_slugs: Collection[str] | None = None
) -> Crosswalk:
    """Read and parse the shipped crosswalk (or another file in the same format)."""
    return parse_crosswalk(path.read_text(encoding="utf-8"), domain_slugs=domain_slugs)
