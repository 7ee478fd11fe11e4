"""The facets of the library, declared as data and counted in one place (the engine)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    key: str  # the URL parameter and the prefix of the value in the index ("domain:…")
    label: str | Promise
    model_name: str  # the vocabulary model in library.models


FACETS: tuple[Facet, ...] = (
    Facet(key="type", label=_("Resource type"), model_name="ResourceType"),
    Facet(key="domain", label=_("Domain"), model_name="Domain"),
    Facet(key="topic", label=_("Topic"), model_name="Topic"),
    Facet(key="profession", label=_("Health profession"), model_name="Profession"),
    Facet(key="evidence", label=_("Evidence level"), model_name="EvidenceLevel"),
)
FACETS_BY_KEY = {facet.key: facet for facet in FACETS}
