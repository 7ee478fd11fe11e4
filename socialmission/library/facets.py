"""The facets of the library: each declared once, here, and read by every consumer.

A facet is a vocabulary a resource is tagged with. Its declaration drives the index document
(``indexing.documents_for``), search parameters and facet counts (``search``), the API's query
parameters, response fields and enums (``interop.api``), OAI-PMH sets (``interop.oai``), the
tags of exported and imported records (``interop.records``, ``interop.importer``), history
diffs and the index outbox signals. Adding a facet is: the vocabulary model and its relation
to ``Resource`` (plus migration), one ``Facet`` below (or ``FACETS.register`` from another
app's ``AppConfig.ready()``), and a seed of its terms. See docs/architecture.md.

This module imports no models (``models.py`` reads it for the history of the relations), so a
facet names its vocabulary as "app_label.ModelName".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from socialmission.library.models import Vocabulary


@dataclass(frozen=True)
class Facet:
    key: str  # the URL parameter, the OAI set spec and the prefix in the index ("domain:…")
    field: str  # the Resource attribute: a foreign key or a (forward or reverse) many-to-many
    model: str  # the vocabulary model, "app_label.ModelName"
    label: str | Promise  # singular: the heading of its filter
    plural: str | Promise  # lists of terms, OAI set names
    multiple: bool  # many-to-many (else a foreign key: at most one term)
    order: int  # position among the facets (filters, API, exports)
    contributors: bool = False  # whether a contributor's suggestion may set it
    api_name: str = ""  # the key of its terms in the API's resource; default ``field``
    oai_set: bool = True  # exposed as an OAI-PMH set family
    # Its terms' words are matched by a search, weighted low ("curriculum", "pharmacy"); off
    # for broad or evaluative terms whose words would match unrelated queries ("Pathways,
    # Admission & Graduation", "Not assessed").
    searchable: bool = False

    @property
    def output_name(self) -> str:
        return self.api_name or self.field

    @property
    def vocabulary(self) -> type[Vocabulary]:
        model: type[Vocabulary] = apps.get_model(self.model)
        return model


class FacetRegistry:
    """The declared facets in their order; other apps add theirs from ``AppConfig.ready()``."""

    def __init__(self, *facets: Facet) -> None:
        self._facets: dict[str, Facet] = {}
        # The facets in their order, kept until one is registered or removed (Facet is frozen).
        self._ordered: tuple[Facet, ...] | None = None
        for facet in facets:
            self.register(facet)

    def register(self, facet: Facet) -> None:
        if facet.key in self._facets:
            raise ValueError(f"facet {facet.key!r} is declared twice")
        if any(f.field == facet.field for f in self._facets.values()):
            raise ValueError(f"field {facet.field!r} already belongs to a facet")
        self._facets[facet.key] = facet
        self._ordered = None

    def unregister(self, key: str) -> None:
        del self._facets[key]
        self._ordered = None

    def __iter__(self) -> Iterator[Facet]:
        # Sorted once, not on every loop: imports and index syncs iterate per record.
        if self._ordered is None:
            self._ordered = tuple(sorted(self._facets.values(), key=lambda f: (f.order, f.key)))
        return iter(self._ordered)

    def __len__(self) -> int:
        return len(self._facets)

    def __getitem__(self, key: str) -> Facet:
        return self._facets[key]

    def __contains__(self, key: object) -> bool:
        return key in self._facets

    def get(self, key: str) -> Facet | None:
        return self._facets.get(key)

    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self)

    def multiple(self) -> tuple[Facet, ...]:
        return tuple(f for f in self if f.multiple)

    def single(self) -> tuple[Facet, ...]:
        return tuple(f for f in self if not f.multiple)

    def by_field(self, field: str) -> Facet | None:
        return next((f for f in self if f.field == field), None)

    def fields(self) -> tuple[str, ...]:
        return tuple(f.field for f in self)


FACETS = FacetRegistry(
    Facet(
        key="type",
        field="resource_type",
        model="library.ResourceType",
        label=_("Resource type"),
        plural=_("Resource types"),
        multiple=False,
        order=10,
        contributors=True,
        searchable=True,
        api_name="type",
    ),
    Facet(
        key="domain",
        field="domains",
        model="library.Domain",
        label=_("Domain"),
        plural=_("Domains"),
        multiple=True,
        order=20,
        contributors=True,
    ),
    Facet(
        key="topic",
        field="topics",
        model="library.Topic",
        label=_("Topic"),
        plural=_("Topics"),
        multiple=True,
        order=30,
        contributors=True,
        searchable=True,
    ),
    Facet(
        key="profession",
        field="professions",
        model="library.Profession",
        label=_("Health profession"),
        plural=_("Health professions"),
        multiple=True,
        order=40,
        contributors=True,
        searchable=True,
    ),
    Facet(
        key="evidence",
        field="evidence_level",
        model="library.EvidenceLevel",
        label=_("Evidence level"),
        plural=_("Evidence levels"),
        multiple=False,
        order=50,
        oai_set=False,
    ),
)
