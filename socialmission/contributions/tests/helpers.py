"""Building POST data the way a browser would send the contribution forms."""

from __future__ import annotations

import time
from typing import Any

from django.core import signing

from socialmission.contributions.forms import CuratorNominationForm, CuratorSuggestionForm
from socialmission.contributions.models import Nomination, Suggestion
from socialmission.core import abuse


def stamp(seconds_ago: float = 60) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=abuse._SALT)


def suggestion_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "send",
        "started": stamp(),
        "website": "",
        "title": "Holistic review in admissions at a community medical school",
        "url": "https://example.org/holistic",
        "doi": "",
        "pmid": "",
        "resource_type": "",
        "authors_text": "Mullan, Fitzhugh",
        "year": "2019",
        "venue": "Academic Medicine",
        "description": "",
        "why": "A clear model other schools can copy.",
        "submitter_name": "Sam Suggester",
        "submitter_email": "sam@example.org",
    }
    data.update(overrides)
    return data


def nomination_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "started": stamp(),
        "website": "",
        "nominee_name": "Dr Amara Okafor",
        "profession": "Medicine",
        "institution": "Riverside School of Medicine",
        "role": "Associate Dean for Community Health",
        "story": "Founded a longitudinal rural track.",
        "links": "https://example.org/okafor",
        "submitter_name": "Nora Nominator",
        "submitter_email": "nora@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return data


def _form_values(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is None:
            value = ""
        if isinstance(value, list | tuple):
            value = [str(v) for v in value]
        data[bound.name] = value
    return data


def curator_suggestion_post(
    suggestion: Suggestion, action: str, **overrides: Any
) -> dict[str, Any]:
    data = _form_values(CuratorSuggestionForm(instance=suggestion))
    data.update(overrides)
    data["action"] = action
    return data


def curator_nomination_post(
    nomination: Nomination, action: str, **overrides: Any
) -> dict[str, Any]:
    data = _form_values(CuratorNominationForm(instance=nomination))
    data.update(overrides)
    data["action"] = action
    return data
