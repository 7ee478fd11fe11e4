"""Reads for the contribution pages: the curator queue, status links, spotlights, history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db.models import Field, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from socialmission.accounts.models import User
from socialmission.bibliography.text import doi_key, normalize_pmid, normalize_title
from socialmission.contributions.duplicates import DuplicateMatch, flag_duplicates, titles_match
from socialmission.contributions.models import (
    OPEN_STATUSES,
    Champion,
    ChampionSpotlight,
    Nomination,
    ResourceSpotlight,
    Status,
    Suggestion,
)
from socialmission.library.fields import Use, fields_for, history_tag_relations
from socialmission.library.models import Resource


@dataclass(frozen=True)
class QueueFilters:
    kind: str = "all"  # all | suggestion | nomination
    status: str = "open"  # open | one of Status values | all
    claimed: str = "any"  # any | mine | unclaimed
    q: str = ""


@dataclass
class QueueEntry:
    item: Suggestion | Nomination
    kind: str
    duplicate: DuplicateMatch | None = None  # an open suggestion the library seems to hold

    @property
    def created_at(self) -> datetime:
        return self.item.created_at


def _filter(
    queryset: QuerySet[Any], filters: QueueFilters, user: User, text_field: str
) -> QuerySet[Any]:
    if filters.status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.claimed == "mine":
        queryset = queryset.filter(claimed_by=user)
    elif filters.claimed == "unclaimed":
        queryset = queryset.filter(claimed_by__isnull=True)
    if filters.q:
        queryset = queryset.filter(**{f"{text_field}__icontains": filters.q})
    return queryset.select_related("claimed_by").order_by("created_at", "id")


def queue(filters: QueueFilters, *, user: User, limit: int = 200) -> list[QueueEntry]:
    """Suggestions and nominations matching the filters, oldest first."""
    entries: list[QueueEntry] = []
    if filters.kind in {"all", "suggestion"}:
        suggestions = _filter(Suggestion.objects.all(), filters, user, "title")
        entries += [
            QueueEntry(s, "suggestion") for s in suggestions.select_related("resource_type")[:limit]
        ]
    if filters.kind in {"all", "nomination"}:
        nominations = _filter(Nomination.objects.all(), filters, user, "nominee_name")
        entries += [QueueEntry(n, "nomination") for n in nominations[:limit]]
    entries.sort(key=lambda e: (e.created_at, e.kind, e.item.pk))
    entries = entries[:limit]
    open_suggestions = [e.item for e in entries if e.kind == "suggestion" and e.item.is_open]
    flags = flag_duplicates(open_suggestions)
    for entry in entries:
        if entry.kind == "suggestion":
            entry.duplicate = flags.get(entry.item.pk)
    return entries


@dataclass(frozen=True)
class DraftFilters:
    q: str = ""
    resource_type: int | None = None


def drafts(filters: DraftFilters, *, limit: int = 200) -> tuple[list[Resource], int]:
    """Resources waiting in draft (imports land there), oldest first, and how many in all."""
    queryset = Resource.objects.filter(status=Resource.Status.DRAFT)
    if filters.q:
        queryset = queryset.filter(title__icontains=filters.q)
    if filters.resource_type is not None:
        queryset = queryset.filter(resource_type_id=filters.resource_type)
    rows = list(queryset.select_related("resource_type").order_by("created_at", "id")[:limit])
    return rows, queryset.count()


def queue_total(filters: QueueFilters, *, user: User) -> int:
    total = 0
    if filters.kind in {"all", "suggestion"}:
        total += _filter(Suggestion.objects.all(), filters, user, "title").count()
    if filters.kind in {"all", "nomination"}:
        total += _filter(Nomination.objects.all(), filters, user, "nominee_name").count()
    return total


def similar_open_suggestions(suggestion: Suggestion) -> list[Suggestion]:
    """Other open suggestions of the same work: two people often suggest the same article."""
    doi = doi_key(suggestion.doi)
    pmid = normalize_pmid(suggestion.pmid)
    key_words = sorted(set(normalize_title(suggestion.title).split()), key=len, reverse=True)[:3]
    condition = Q()
    if doi:
        condition |= Q(doi__icontains=doi)
    if pmid:
        condition |= Q(pmid__contains=pmid)
    for word in key_words:
        condition |= Q(title__icontains=word)
    if not condition:
        return []
    candidates = Suggestion.objects.open().exclude(pk=suggestion.pk).filter(condition)[:200]
    return [
        other
        for other in candidates
        if (doi and doi_key(other.doi) == doi)
        or (pmid and normalize_pmid(other.pmid) == pmid)
        or titles_match(suggestion.title, other.title)
    ]


def item_by_token(token: str) -> Suggestion | Nomination | None:
    """The contribution a private status link points at, or None."""
    if not token or len(token) > 64:
        return None
    suggestion = Suggestion.objects.select_related("resource").filter(token=token).first()
    if suggestion is not None:
        return suggestion
    return Nomination.objects.select_related("champion").filter(token=token).first()


def status_link_expired(item: Suggestion | Nomination, now: datetime | None = None) -> bool:
    """A status link works until CONTRIBUTION_STATUS_LINK_DAYS after the final decision."""
    if item.is_open or item.decided_at is None:
        return False
    expiry = item.decided_at + timedelta(days=settings.CONTRIBUTION_STATUS_LINK_DAYS)
    return (now or timezone.now()) >= expiry


def current_resource_spotlight(today: date | None = None) -> ResourceSpotlight | None:
    """The Resource Spotlight to show today: the newest choice whose dates include today."""
    today = today or timezone.localdate()
    # The few current spotlights are read first and the resource's status checked here:
    # filtering on it in SQL made SQLite scan every resource (100 ms at 100k resources).
    candidates = ResourceSpotlight.objects.current(today).select_related(
        "resource", "resource__resource_type"
    )[:50]
    return next((s for s in candidates if s.resource.status == Resource.Status.PUBLISHED), None)


def current_champion_spotlight(today: date | None = None) -> ChampionSpotlight | None:
    today = today or timezone.localdate()
    return (
        ChampionSpotlight.objects.current(today)
        .filter(champion__is_published=True)
        .select_related("champion")
        .first()
    )


def published_champions() -> QuerySet[Champion]:
    return Champion.objects.published().order_by("name", "id")


# History


# What the history page compares: every field but the bookkeeping ones (library/fields.py).
HISTORY_FIELDS = fields_for(Use.HISTORY)


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    history_id: int
    date: datetime
    user: str
    reason: str
    kind: str
    changes: list[FieldChange] = field(default_factory=list)
    is_current: bool = False


def _display(value: Any) -> str:
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append(
                    item.get("literal")
                    or ", ".join(p for p in (item.get("family"), item.get("given")) if p)
                )
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _snapshot(version: Any, names: dict[str, dict[int, str]]) -> dict[str, str]:
    snap: dict[str, str] = {}
    for name in HISTORY_FIELDS:
        model_field = cast("Field[Any, Any]", Resource._meta.get_field(name))
        if model_field.is_relation:
            pk = getattr(version, model_field.attname)
            related = names.setdefault(name, {})
            if pk is not None and pk not in related:
                obj = model_field.related_model._default_manager.filter(pk=pk).first()  # type: ignore[union-attr]
                related[pk] = str(obj) if obj else f"#{pk} (deleted)"
            snap[name] = related.get(pk, "") if pk is not None else ""
        else:
            snap[name] = _display(getattr(version, model_field.attname))
    for name, target in history_tag_relations():
        rows = getattr(version, name).select_related(target).all()
        snap[name] = ", ".join(sorted(str(getattr(row, target)) for row in rows))
    return snap


def _same_change(a: Any, b: Any) -> bool:
    # One save followed by its m2m updates writes several history rows (simple-history records
    # each m2m signal); they are one change to a reader, so the page shows them as one.
    return (
        b.history_type == "~"
        and a.history_user_id == b.history_user_id
        and a.history_change_reason == b.history_change_reason
        and abs((b.history_date - a.history_date).total_seconds()) < 2
    )


def resource_history(resource: Resource) -> list[HistoryEntry]:
    """Every recorded change, newest first, with each field's value before and after."""
    versions = list(
        resource.history.select_related("history_user").order_by("history_date", "history_id")  # type: ignore[attr-defined]
    )
    groups: list[list[Any]] = []
    for version in versions:
        if groups and _same_change(groups[-1][-1], version):
            groups[-1].append(version)
        else:
            groups.append([version])
    names: dict[str, dict[int, str]] = {}
    entries: list[HistoryEntry] = []
    previous: dict[str, str] = {}
    for group in groups:
        first, last = group[0], group[-1]
        snap = _snapshot(last, names)
        changes = []
        for key, after in snap.items():
            before = previous.get(key, "")
            if before != after:
                label = cast("Field[Any, Any]", Resource._meta.get_field(key)).verbose_name
                changes.append(FieldChange(key, capfirst(str(label)), before, after))
        user = first.history_user
        default_reason = {
            "+": gettext("Created"),
            "~": gettext("Changed"),
            "-": gettext("Deleted"),
        }.get(first.history_type, "")
        entries.append(
            HistoryEntry(
                history_id=last.history_id,
                date=first.history_date,
                user=user.display_name() if user else gettext("system"),
                reason=first.history_change_reason or default_reason,
                kind=first.history_type,
                changes=changes,
            )
        )
        previous = snap
    if entries:
        entries[-1].is_current = True
    entries.reverse()
    return entries
