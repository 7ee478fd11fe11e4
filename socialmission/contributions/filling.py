""" "Fill the form" on the suggestion page: from a pasted record, or a DOI/PMID looked up outside.

A pasted RIS, BibTeX or MEDLINE record is read here and now (``records.parse_pasted_record``).
A bare DOI or PMID is looked up through ``interop.lookup``, in a task: when the answer is cached
(or the task backend runs at once) the form is filled now; otherwise the page says the lookup is
under way and polls for it (``lookup_status``), and the visitor presses "Fill the form" again.
Whatever the outcome, the identifier itself is always filled and the visitor's own typing is
kept, and the library's duplicates of what was filled are shown at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from socialmission.contributions.duplicates import DuplicateMatch, find_duplicates
from socialmission.contributions.records import parse_pasted_record, record_to_form_data
from socialmission.core import ratelimits
from socialmission.interop import lookup

# How often the page asks whether a queued lookup has finished (every POLL_SECONDS), at most.
POLL_SECONDS = 2
MAX_POLLS = 15


@dataclass
class Fill:
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    info: str = ""
    # A lookup still under way: its kind and value, for the polling region.
    pending: tuple[str, str] | None = None
    duplicates: list[DuplicateMatch] = field(default_factory=list)


def _label(kind: str) -> str:
    return "DOI" if kind == lookup.DOI else "PMID"


def _service_names(kind: str) -> str:
    return _("Crossref or DataCite") if kind == lookup.DOI else _("PubMed")


def describe(outcome: lookup.Outcome) -> str:
    """One plain sentence on what a finished lookup gave, for the visitor."""
    label = _label(outcome.kind)
    if outcome.state == lookup.FOUND:
        return _("The form is filled from %(source)s: check each field, then send it.") % {
            "source": outcome.source
        }
    if outcome.state == lookup.NOT_FOUND:
        return _(
            "%(services)s do not know the %(label)s %(value)s: only the %(label)s is filled. "
            "Check it, or fill in the rest by hand."
        ) % {"services": _service_names(outcome.kind), "label": label, "value": outcome.value}
    return _(
        "We could not ask %(services)s just now (%(problems)s): only the %(label)s is filled. "
        "Fill in the rest by hand, or press “Fill the form” again later."
    ) % {
        "services": _service_names(outcome.kind),
        "problems": "; ".join(outcome.problems),
        "label": label,
    }


def _lookup(request: HttpRequest, kind: str, value: str, fill: Fill) -> None:
    known = lookup.cached_outcome(kind, value)
    if known is None:
        allowed = ratelimits.consume(
            request,
            group="lookup",
            limit=settings.LOOKUP_RATE_LIMIT,
            window=settings.LOOKUP_RATE_WINDOW,
        )
        if not allowed.allowed:
            fill.info = _(
                "You have looked up many identifiers in a short time: only the identifier is "
                "filled. You can look up more in %(minutes)d minutes, or fill in the form by hand."
            ) % {"minutes": max(1, allowed.retry_after // 60)}
            return
        known = lookup.request_lookup(kind, value)
    if known.state == lookup.PENDING:
        fill.pending = (kind, known.value)
        fill.info = _("Looking the %(label)s up in %(services)s…") % {
            "label": _label(kind),
            "services": _service_names(kind),
        }
        return
    if known.state == lookup.FOUND and known.record is not None:
        fill.data.update(record_to_form_data(known.record))
    fill.info = describe(known)


def fill_from_paste(request: HttpRequest, text: str) -> Fill:
    result = parse_pasted_record(text)
    fill = Fill(data=dict(result.data), error=result.error)
    if result.error:
        return fill
    if result.identifier is not None:
        _lookup(request, *result.identifier, fill)
    else:
        fill.info = _("The form is filled from your record: check each field, then send it.")
    data = fill.data
    if data.get("doi") or data.get("pmid") or data.get("title"):
        fill.duplicates = find_duplicates(
            doi=data.get("doi", ""), pmid=data.get("pmid", ""), title=data.get("title", "")
        )
    return fill
