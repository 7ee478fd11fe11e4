"""Which ``Resource`` fields each feature uses, derived from the model plus one table of exceptions.

Every concrete field of ``Resource`` takes part in every use below unless ``EXCLUDED`` leaves it
out of that use, with the reason. So a field added to the model appears, with no other change,
in the curator's edit form (the admin), the history page and revert, suggestion publication
and merge (when ``Suggestion`` has a field of the same name), import updates, exports and the
API; leaving it out of one of them is a line here.

The facets (``facets.py``) are the vocabulary relations: their many-to-many fields are not
concrete and never listed here; their foreign keys (``resource_type``, ``evidence_level``) are
concrete fields for editing and history, and left to the facet declarations for the Record,
the API and imports.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from socialmission.library.facets import FACETS
from socialmission.library.models import Resource


class Use(StrEnum):
    EDIT = "edit"  # the curator's resource form (the admin)
    SUGGESTION = "suggestion"  # copied from a suggestion on publication, filled on merge
    HISTORY = "history"  # the history page's changes (and revert, which restores every field)
    IMPORT = "import"  # filled in from an imported record when the resource has it blank
    EXPORT = "export"  # carried into the Record every export, feed and page metadata start from
    API = "api"  # the API's resource


ALL = frozenset(Use)
_FACET_USES = frozenset({Use.IMPORT, Use.EXPORT, Use.API})  # the facet declarations do these
_WORKFLOW = frozenset({Use.SUGGESTION, Use.IMPORT, Use.EXPORT})

# field → (the uses it is left out of, why)
EXCLUDED: dict[str, tuple[frozenset[Use], str]] = {
    "id": (ALL, "the key, not a value: every use has it implicitly"),
    "slug": (ALL, "made from the title on every save"),
    "title": (
        frozenset({Use.IMPORT}),
        "an import matches a resource by identifiers and fills blanks; it never renames",
    ),
    "status": (_WORKFLOW | {Use.API}, "changed by publication and withdrawal only"),
    "curated_by": (_WORKFLOW | {Use.API}, "private: who curated is not public"),
    "published_at": (_WORKFLOW, "set by publication"),
    "reviewed_on": (_WORKFLOW, "set by curators reviewing a program summary"),
    "created_at": (ALL - {Use.EDIT}, "set by the database; shown read-only"),
    "updated_at": (ALL - {Use.EDIT, Use.API}, "set by the database; shown read-only"),
    "need": (frozenset({Use.IMPORT, Use.EXPORT}), "program summaries have no bibliographic field"),
    "intervention": (
        frozenset({Use.IMPORT, Use.EXPORT}),
        "program summaries have no bibliographic field",
    ),
    "results": (
        frozenset({Use.IMPORT, Use.EXPORT}),
        "program summaries have no bibliographic field",
    ),
}

# Fields the API shows only on one resource, not in lists.
API_DETAIL_ONLY = frozenset({"need", "intervention", "results", "reviewed_on"})
# Fields the Record calls by another name (interop.records); others keep theirs.
# A name that is no Record attribute is the key of ``Record.extra`` the parsers write.
RECORD_NAMES: dict[str, str] = {"description": "abstract", "venue_short": "container_title_short"}


def concrete_fields() -> list[models.Field]:  # type: ignore[type-arg]
    return [f for f in Resource._meta.concrete_fields if not f.primary_key]


def fields_for(use: Use) -> tuple[str, ...]:
    """The names of the Resource fields ``use`` takes, in model order."""
    facet_fields = set(FACETS.fields())
    names = []
    for model_field in concrete_fields():
        excluded, _why = EXCLUDED.get(model_field.name, (frozenset(), ""))
        if use in excluded:
            continue
        if model_field.name in facet_fields and use in _FACET_USES:
            continue
        names.append(model_field.name)
    return tuple(names)


def suggestion_fields(suggestion_model: type[models.Model]) -> tuple[str, ...]:
    """The fields a suggestion carries to its resource: SUGGESTION fields both models have."""
    own = {f.name for f in suggestion_model._meta.concrete_fields}
    return tuple(name for name in fields_for(Use.SUGGESTION) if name in own)


def history_tag_relations() -> list[tuple[str, str]]:
    """The many-to-many facets kept in Resource's history: (field, the term's column name)."""
    history = Resource.history.model  # type: ignore[attr-defined]
    relations = []
    for facet in FACETS.multiple():
        if hasattr(history, facet.field):
            relation = Resource._meta.get_field(facet.field)
            relations.append((facet.field, relation.m2m_reverse_field_name()))  # type: ignore[union-attr]
    return relations
