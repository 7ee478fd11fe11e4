"""The instrument format: parsing, every check with its place, carry-over, fingerprint, crosswalk.

Pure: no database.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialmission.assessment.instrument import (
    CROSSWALK,
    DEFAULT_INSTRUMENT,
    Instrument,
    InstrumentError,
    check_carry_over,
    fingerprint,
    load_crosswalk,
    parse_crosswalk,
    parse_instrument,
)
from socialmission.library.vocabularies import DOMAINS, TOPICS

HERE = Path(__file__).resolve().parent
DOMAIN_SLUGS = {slug for _name, slug, _definition in DOMAINS}
TOPIC_SLUGS = {slug for _name, slug, _definition in TOPICS}
SCALE = [
    {"value": "none", "label": "Not in place", "score": 0},
    {"value": "planning", "label": "Planning", "score": 0.25},
    {"value": "implemented", "label": "Implemented", "score": 0.5},
]


def tiny(name: str) -> Instrument:
    return parse_instrument((HERE / name).read_text(), domain_slugs=DOMAIN_SLUGS)


def base() -> dict[str, Any]:
    return {
        "instrument": "t-1",
        "title": "Test instrument",
        "domains": [
            {
                "slug": "community-engagement",
                "weight": 1,
                "areas": [
                    {
                        "id": "needs",
                        "title": "Needs assessment",
                        "weight": 1,
                        "topics": ["community-partnerships"],
                        "sources": ["A source, doi:10.1000/1"],
                        "indicators": [
                            {
                                "id": "CE-1",
                                "question": "Q1?",
                                "help": "H1",
                                "type": "scale",
                                "weight": 1,
                                "options": copy.deepcopy(SCALE),
                            },
                            {
                                "id": "CE-2",
                                "question": "Q2?",
                                "type": "number",
                                "range": {"min": 0, "max": 40},
                            },
                        ],
                    },
                    {
                        "id": "partners",
                        "title": "Partnerships",
                        "indicators": [
                            {
                                "id": "CE-3",
                                "question": "Q3?",
                                "type": "yesno",
                                "options": [
                                    {"value": "yes", "label": "Yes", "score": 1},
                                    {"value": "no", "label": "No", "score": 0},
                                ],
                            }
                        ],
                    },
                ],
            }
        ],
    }


def parse(data: dict[str, Any], **kwargs: Any) -> Instrument:
    return parse_instrument(yaml.safe_dump(data, sort_keys=False), **kwargs)


def first_indicator(d: dict[str, Any]) -> dict[str, Any]:
    return d["domains"][0]["areas"][0]["indicators"][0]


def second_indicator(d: dict[str, Any]) -> dict[str, Any]:
    return d["domains"][0]["areas"][0]["indicators"][1]


def test_a_valid_file_becomes_dataclasses_in_file_order() -> None:
    instrument = parse(base(), domain_slugs=DOMAIN_SLUGS, topic_slugs=TOPIC_SLUGS)
    assert instrument.id == "t-1"
    assert instrument.title == "Test instrument"
    assert instrument.carries_over_from is None
    assert [a.id for a in instrument.areas()] == ["needs", "partners"]
    assert [i.id for i in instrument.indicators()] == ["CE-1", "CE-2", "CE-3"]
    ce1 = instrument.indicator("CE-1")
    assert (ce1.question, ce1.help, ce1.type, ce1.weight) == ("Q1?", "H1", "scale", 1.0)
    assert [(o.value, o.label, o.score) for o in ce1.options] == [
        ("none", "Not in place", 0.0),
        ("planning", "Planning", 0.25),
        ("implemented", "Implemented", 0.5),
    ]
    assert (ce1.range_min, ce1.range_max, ce1.carries_over) == (None, None, None)
    ce2 = instrument.indicator("CE-2")
    assert (ce2.range_min, ce2.range_max, ce2.options, ce2.help) == (0.0, 40.0, (), "")
    needs = instrument.area_of("CE-2")
    assert needs.id == "needs"
    assert needs.topics == ("community-partnerships",)
    assert needs.sources == ("A source, doi:10.1000/1",)
    assert instrument.domain_of("partners").slug == "community-engagement"
    # a weight left out is 1
    assert instrument.areas()[1].weight == 1.0
    assert instrument.indicator("CE-3").weight == 1.0


def test_lookups_of_unknown_ids_raise_key_error() -> None:
    instrument = parse(base())
    for lookup in (instrument.indicator, instrument.area_of, instrument.domain_of):
        with pytest.raises(KeyError):
            lookup("nope")


def test_unquoted_yes_and_no_option_values_mean_the_text() -> None:
    instrument = tiny("tiny-2026.yaml")
    assert [o.value for o in instrument.indicator("OLD-4").options] == ["yes", "no"]


def test_the_example_of_the_issue_parses() -> None:
    text = """
instrument: smm-2027            # unique id
title: Social Mission Metrics Self-Assessment
carries_over_from: smm-2026     # optional: the previous version
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
            question: "..."
            help: "..."
            type: scale
            weight: 1
            options:
              - {value: none, label: "Not in place", score: 0}
              - {value: planning, label: "Planning", score: 0.25}
            carries_over: PAG-1
          - id: PAG-2
            question: "..."
            type: number
            range: {min: 0, max: 40}
"""
    instrument = parse_instrument(text, domain_slugs=DOMAIN_SLUGS, topic_slugs=TOPIC_SLUGS)
    assert instrument.carries_over_from == "smm-2026"
    assert instrument.indicator("PAG-1").carries_over == "PAG-1"
    assert instrument.indicator("PAG-2").range_max == 40.0


Mutation = Callable[[dict[str, Any]], None]


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        path(d)[key] = value

    return mutate


def _del(path: Callable[[dict[str, Any]], dict[str, Any]], key: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        del path(d)[key]

    return mutate


def _top(d: dict[str, Any]) -> dict[str, Any]:
    return d


def _domain(d: dict[str, Any]) -> dict[str, Any]:
    return d["domains"][0]


def _area(d: dict[str, Any]) -> dict[str, Any]:
    return d["domains"][0]["areas"][0]


def _option(d: dict[str, Any]) -> dict[str, Any]:
    return first_indicator(d)["options"][1]


def _range(d: dict[str, Any]) -> dict[str, Any]:
    return second_indicator(d)["range"]


def _duplicate_indicator(d: dict[str, Any]) -> None:
    d["domains"][0]["areas"][1]["indicators"][0]["id"] = "CE-1"


def _duplicate_area(d: dict[str, Any]) -> None:
    d["domains"][0]["areas"][1]["id"] = "needs"


def _duplicate_domain(d: dict[str, Any]) -> None:
    d["domains"].append(copy.deepcopy(d["domains"][0]))
    for area in d["domains"][1]["areas"]:
        area["id"] += "-b"
        for indicator in area["indicators"]:
            indicator["id"] += "-b"


def _duplicate_option(d: dict[str, Any]) -> None:
    first_indicator(d)["options"][2]["value"] = "none"


def _yesno_with_other_values(d: dict[str, Any]) -> None:
    d["domains"][0]["areas"][1]["indicators"][0]["options"][1]["value"] = "maybe"


I0 = "domains[0].areas[0].indicators[0]"
I1 = "domains[0].areas[0].indicators[1]"

ERROR_CASES: list[tuple[str, Mutation, str]] = [
    (
        "score above 1",
        _set(_option, "score", 1.5),
        f"{I0}.options[1].score: must be between 0 and 1",
    ),
    (
        "score below 0",
        _set(_option, "score", -0.1),
        f"{I0}.options[1].score: must be between 0 and 1",
    ),
    (
        "score not a number",
        _set(_option, "score", "high"),
        f"{I0}.options[1].score: must be a number",
    ),
    ("option without label", _del(_option, "label"), f"{I0}.options[1].label: is required"),
    (
        "label read as boolean",
        _set(_option, "label", False),
        f"{I0}.options[1].label: must be text (put it in quotes",
    ),
    (
        "duplicate option",
        _duplicate_option,
        f"{I0}.options[2].value: 'none' is used by an earlier option",
    ),
    (
        "indicator weight 0",
        _set(first_indicator, "weight", 0),
        f"{I0}.weight: must be greater than 0",
    ),
    (
        "area weight negative",
        _set(_area, "weight", -1),
        "domains[0].areas[0].weight: must be greater than 0",
    ),
    ("domain weight 0", _set(_domain, "weight", 0), "domains[0].weight: must be greater than 0"),
    ("weight text", _set(first_indicator, "weight", "heavy"), f"{I0}.weight: must be a number"),
    ("weight boolean", _set(first_indicator, "weight", True), f"{I0}.weight: must be a number"),
    (
        "weight infinite",
        _set(first_indicator, "weight", float("inf")),
        f"{I0}.weight: must be a finite number",
    ),
    (
        "duplicate indicator id",
        _duplicate_indicator,
        "domains[0].areas[1].indicators[0].id: the indicator id 'CE-1' is used twice",
    ),
    (
        "duplicate area id",
        _duplicate_area,
        "domains[0].areas[1].id: the area id 'needs' is used twice",
    ),
    (
        "duplicate domain",
        _duplicate_domain,
        "domains[1].slug: the domain 'community-engagement' appears twice",
    ),
    ("range min = max", _set(_range, "min", 40), f"{I1}.range: min must be less than max"),
    ("range min > max", _set(_range, "min", 50), f"{I1}.range: min must be less than max"),
    ("range max missing", _del(_range, "max"), f"{I1}.range.max: is required"),
    ("range min text", _set(_range, "min", "zero"), f"{I1}.range.min: must be a number"),
    (
        "number without range",
        _del(second_indicator, "range"),
        f"{I1}.range: is required for a number indicator",
    ),
    (
        "number with options",
        _set(second_indicator, "options", SCALE),
        f"{I1}.options: is only for scale, yesno and choice, not number",
    ),
    (
        "percent beyond 100",
        lambda d: second_indicator(d).update(type="percent", range={"min": 0, "max": 120}),
        f"{I1}.range: a percent range lies between 0 and 100",
    ),
    (
        "scale without options",
        _del(first_indicator, "options"),
        f"{I0}.options: is required for a scale indicator",
    ),
    (
        "scale with empty options",
        _set(first_indicator, "options", []),
        f"{I0}.options: must be a non-empty list",
    ),
    (
        "choice with one option",
        lambda d: first_indicator(d).update(type="choice", options=SCALE[:1]),
        f"{I0}.options: needs at least two options",
    ),
    (
        "scale with range",
        _set(first_indicator, "range", {"min": 0, "max": 1}),
        f"{I0}.range: is only for number and percent, not scale",
    ),
    (
        "yesno with other values",
        _yesno_with_other_values,
        "domains[0].areas[1].indicators[0].options: a yesno indicator has exactly the options yes and no",
    ),
    (
        "unknown type",
        _set(first_indicator, "type", "likert"),
        f"{I0}.type: 'likert' is not one of: scale, yesno, choice, number, percent",
    ),
    ("misspelt key", _set(first_indicator, "weigth", 2), f"{I0}.weigth: unknown key"),
    ("missing question", _del(first_indicator, "question"), f"{I0}.question: is required"),
    (
        "empty question",
        _set(first_indicator, "question", "  "),
        f"{I0}.question: must not be empty",
    ),
    ("bad indicator id", _set(first_indicator, "id", "CE 1"), f"{I0}.id: 'CE 1' is not a valid id"),
    (
        "id too long",
        _set(first_indicator, "id", "x" * 65),
        f"{I0}.id: '{'x' * 65}' is not a valid id",
    ),
    (
        "carries_over without a previous version",
        _set(first_indicator, "carries_over", "OLD-1"),
        f"{I0}.carries_over: the instrument has no carries_over_from",
    ),
    (
        "carries over from itself",
        _set(_top, "carries_over_from", "t-1"),
        "carries_over_from: an instrument cannot carry over from itself",
    ),
    (
        "area without indicators",
        _set(_area, "indicators", []),
        "domains[0].areas[0].indicators: must be a non-empty list",
    ),
    ("domain without areas", _del(_domain, "areas"), "domains[0].areas: is required"),
    ("no domains", _set(_top, "domains", []), "domains: must be a non-empty list"),
    ("missing instrument id", _del(_top, "instrument"), "instrument: is required"),
    (
        "topics not a list",
        _set(_area, "topics", "community-partnerships"),
        "domains[0].areas[0].topics: must be a list",
    ),
    (
        "topic listed twice",
        _set(_area, "topics", ["community-partnerships"] * 2),
        "domains[0].areas[0].topics[1]: 'community-partnerships' is listed twice",
    ),
    (
        "empty source",
        _set(_area, "sources", [""]),
        "domains[0].areas[0].sources[0]: must be non-empty text",
    ),
    (
        "indicator not a mapping",
        lambda d: _area(d)["indicators"].append("CE-9"),
        "domains[0].areas[0].indicators[2]: must be a mapping",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [pytest.param(m, msg, id=name) for name, m, msg in ERROR_CASES],
)
def test_each_mistake_is_reported_with_its_place(mutate: Mutation, message: str) -> None:
    data = base()
    mutate(data)
    with pytest.raises(InstrumentError) as caught:
        parse(data)
    assert any(error.startswith(message) for error in caught.value.errors), caught.value.errors
    assert isinstance(caught.value, ValueError)
    assert message in str(caught.value)


def test_unknown_domain_and_topic_slugs_are_refused_when_the_known_ones_are_given() -> None:
    data = base()
    data["domains"][0]["slug"] = "community-engagment"
    data["domains"][0]["areas"][1]["topics"] = ["equity"]
    parse(data)  # without the known slugs, any slug will do
    with pytest.raises(InstrumentError) as caught:
        parse(data, domain_slugs=DOMAIN_SLUGS, topic_slugs=TOPIC_SLUGS)
    assert caught.value.errors[0].startswith(
        "domains[0].slug: unknown domain 'community-engagment' (known: community-engagement,"
    )
    assert caught.value.errors[1].startswith(
        "domains[0].areas[1].topics[0]: unknown topic 'equity' (known: community-partnerships,"
    )


def test_every_mistake_of_a_file_is_reported_at_once() -> None:
    data = base()
    _option(data)["score"] = 2
    second_indicator(data)["range"]["min"] = 99
    data["domains"][0]["areas"][1]["weight"] = 0
    with pytest.raises(InstrumentError) as caught:
        parse(data)
    assert caught.value.errors == (
        f"{I0}.options[1].score: must be between 0 and 1",
        f"{I1}.range: min must be less than max",
        "domains[0].areas[1].weight: must be greater than 0",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("instrument: [unclosed\n", r"^line 2, column 1: not valid YAML"),
        (
            "instrument: a\ntitle: b\ntitle: c\ndomains: []\n",
            r"^line 3, column 1: the key 'title' appears twice$",
        ),
        ("- just\n- a list\n", r"^the file: must be a mapping"),
        ("", r"^the file: must be a mapping"),
        ("instrument: !!python/object:os.system x\n", r"not valid YAML"),
    ],
)
def test_files_that_are_not_an_instrument_are_refused(text: str, message: str) -> None:
    with pytest.raises(InstrumentError, match=message):
        parse_instrument(text)


# -- carry-over ----------------------------------------------------------------------------------


def test_the_next_version_refers_to_indicators_of_the_previous_one() -> None:
    check_carry_over(tiny("tiny-2027.yaml"), tiny("tiny-2026.yaml"))


def test_carry_over_to_a_missing_or_incompatible_indicator_is_refused() -> None:
    previous = tiny("tiny-2026.yaml")
    text = (HERE / "tiny-2027.yaml").read_text()
    text = text.replace("carries_over: OLD-2", "carries_over: OLD-9")
    text = text.replace("carries_over: OLD-1", "carries_over: OLD-2")
    with pytest.raises(InstrumentError) as caught:
        check_carry_over(parse_instrument(text), previous)
    assert caught.value.errors == (
        "domains[0].areas[0].indicators[0].carries_over: a scale indicator cannot continue "
        "the number indicator 'OLD-2'",
        "domains[0].areas[0].indicators[1].carries_over: 'OLD-9' is not an indicator of tiny-2026",
    )


def test_carry_over_from_another_instrument_than_the_named_one_is_refused() -> None:
    with pytest.raises(InstrumentError, match=r"^carries_over_from: is 'tiny-2026', not"):
        check_carry_over(tiny("tiny-2027.yaml"), parse(base()))


# -- fingerprint ---------------------------------------------------------------------------------


def test_the_fingerprint_ignores_layout_but_not_content() -> None:
    text = (HERE / "tiny-2026.yaml").read_text()
    original = fingerprint(text)
    assert re.fullmatch(r"[0-9a-f]{64}", original)
    relaid = yaml.safe_dump(yaml.safe_load(text), sort_keys=True, default_flow_style=False)
    assert fingerprint(relaid) == original
    assert fingerprint("# a new comment\n" + text) == original
    assert fingerprint(text.replace("weight: 1\n", "weight: 1.0\n")) == original
    assert fingerprint(text.replace("Planning", "Planned")) != original
    assert fingerprint(text.replace("max: 10", "max: 11")) != original
    assert fingerprint(text.replace("score: 0.25", "score: 0.3")) != original


def test_the_fingerprint_of_an_invalid_file_is_an_error() -> None:
    with pytest.raises(InstrumentError):
        fingerprint("instrument: x\n")


# -- the shipped files ---------------------------------------------------------------------------


def test_the_shipped_instrument_parses_against_the_library_vocabularies_and_meets_the_counts() -> (
    None
):
    instrument = parse_instrument(
        DEFAULT_INSTRUMENT.read_text(encoding="utf-8"),
        domain_slugs=DOMAIN_SLUGS,
        topic_slugs=TOPIC_SLUGS,
    )
    assert instrument.id == "smm-2027"
    assert {d.slug for d in instrument.domains} == DOMAIN_SLUGS
    assert len(instrument.domains) == 5
    for domain in instrument.domains:
        assert 3 <= len(domain.areas) <= 5, domain.slug
    assert 30 <= len(instrument.indicators()) <= 45
    for area in instrument.areas():
        assert area.topics, area.id
        assert area.sources, area.id
        for source in area.sources:
            assert re.search(r"doi:10\.|https?://", source), source
    types = {indicator.type for indicator in instrument.indicators()}
    assert {"scale", "number", "percent", "yesno"} <= types
    maturity = ["none", "planning", "implemented", "evaluated", "institutionalised"]
    scales = [i for i in instrument.indicators() if i.type == "scale"]
    for indicator in scales:
        assert [o.value for o in indicator.options] == maturity, indicator.id
        assert [o.score for o in indicator.options] == [0, 0.25, 0.5, 0.75, 1], indicator.id
    for indicator in instrument.indicators():
        assert indicator.help, indicator.id
    assert DEFAULT_INSTRUMENT.read_text(encoding="utf-8").startswith("#")


def test_the_shipped_crosswalk_maps_the_six_published_domains_onto_library_domains() -> None:
    crosswalk = load_crosswalk(domain_slugs=DOMAIN_SLUGS)
    assert [row.title for row in crosswalk.rows] == [
        "Educational program",
        "Community engagement",
        "Governance",
        "Diversity and inclusion",
        "Institutional culture and climate",
        "Research",
    ]
    assert crosswalk.domains_for("educational-program") == ("curriculum-programming",)
    assert crosswalk.domains_for("community-engagement") == ("community-engagement",)
    assert "governance-accountability" in crosswalk.domains_for("governance")
    covered = {slug for row in crosswalk.rows for slug in row.domains}
    assert covered == DOMAIN_SLUGS
    assert all(row.note for row in crosswalk.rows)
    assert "doi:10.1001/jamanetworkopen.2022.10900" in crosswalk.source
    with pytest.raises(KeyError):
        crosswalk.domains_for("curriculum")


def test_crosswalk_mistakes_are_reported_with_their_place() -> None:
    text = CROSSWALK.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["rows"][1]["to"] = ["community-engagment"]
    data["rows"][2]["to"] = []
    data["rows"][3]["from"] = data["rows"][0]["from"]
    del data["rows"][4]["note"]
    with pytest.raises(InstrumentError) as caught:
        parse_crosswalk(yaml.safe_dump(data), domain_slugs=DOMAIN_SLUGS)
    errors = caught.value.errors
    assert errors[0].startswith("rows[1].to[0]: unknown domain 'community-engagment'")
    assert errors[1] == "rows[2].to: must name at least one library domain"
    assert errors[2] == "rows[3].from: 'educational-program' appears twice"
    assert errors[3] == "rows[4].note: is required"
