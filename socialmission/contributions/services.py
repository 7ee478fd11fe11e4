"""Every state change of the contribution workflow, one function each (see README.md).

Views, the admin and any future API call these; none of them saves a status field itself.
Each function checks the actor's role, runs in one transaction, validates before writing
(``full_clean``), and mails the contributor only after commit. Changes to a ``Resource`` carry
the curator and a reason into its history (django-simple-history), and the search index
follows through the library's outbox signals, so publishing makes a resource searchable
without any call from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.contributions import emails
from socialmission.contributions.models import (
    OPEN_STATUSES,
    Champion,
    ChampionSpotlight,
    CuratorNotice,
    Nomination,
    ResourceSpotlight,
    Status,
    Suggestion,
    http_url_validator,
)
from socialmission.library.facets import FACETS
from socialmission.library.fields import history_tag_relations, suggestion_fields
from socialmission.library.models import Resource, Vocabulary

Item = TypeVar("Item", Suggestion, Nomination)

# Suggestion fields that map one to one onto Resource fields, and the tags it carries.
RESOURCE_FIELDS = suggestion_fields(Suggestion)
SUGGESTION_M2M = tuple(
    f.field
    for f in FACETS.multiple()
    if any(m.name == f.field for m in Suggestion._meta.many_to_many)
)
SUGGESTION_EDITABLE = (*RESOURCE_FIELDS, "why")
# The bibliographic fields both suggestion forms ask, in their order.
SUGGESTION_BIBLIOGRAPHIC = (
    "year",
    "venue",
    "venue_short",
    "volume",
    "issue",
    "pages",
    "issn",
    "language",
    "keywords",
    "description",
)
# What the public suggestion form asks, in the form's order ("authors" is its one-per-line text).
SUGGESTION_SUBMITTED = (
    "title",
    "url",
    "doi",
    "pmid",
    "resource_type",
    "authors",
    *SUGGESTION_BIBLIOGRAPHIC,
    "why",
    "submitter_name",
    "submitter_email",
)
NOMINATION_EDITABLE = ("nominee_name", "profession", "institution", "role", "story", "links")
NOMINATION_SUBMITTED = (
    *NOMINATION_EDITABLE,
    "consent",
    "submitter_name",
    "submitter_email",
)


def require_curator(user: User | Any) -> None:
    if not roles.is_curator(user):
        raise PermissionDenied(gettext("Only curators may do this."))


def require_editor_in_chief(user: User | Any) -> None:
    if not roles.is_editor_in_chief(user):
        raise PermissionDenied(gettext("Only the editor-in-chief may do this."))


def _lock(item: Item) -> Item:
    """Re-read the item under a row lock so two curators cannot both act on it."""
    return type(item).objects.select_for_update().get(pk=item.pk)


def refusal(item: Suggestion | Nomination, curator: User) -> str:
    """Why ``curator`` may not act on the item now (closed, or claimed by another), or ""."""
    if item.status not in OPEN_STATUSES:
        closed: dict[str, str] = {
            Status.PUBLISHED: gettext("This item is already published."),
            Status.DECLINED: gettext("This item is already declined."),
            Status.MERGED: gettext("This item is already merged into an existing resource."),
        }
        return closed[item.status]
    if item.claimed_by_id and item.claimed_by_id != curator.pk:
        holder = item.claimed_by.display_name() if item.claimed_by else gettext("Another curator")
        return gettext(
            "%(holder)s is working on this item: only they can act on it until they release "
            "their claim (or the editor-in-chief releases it)."
        ) % {"holder": holder}
    return ""


def _check_open_and_claim(item: Suggestion | Nomination, curator: User) -> None:
    reason = refusal(item, curator)
    if reason:
        raise ValidationError(reason)


def _close(item: Suggestion | Nomination, *, curator: User, status: str) -> None:
    item.status = status
    item.decided_by = curator
    item.decided_at = timezone.now()
    item.claimed_by = None
    item.claimed_at = None


def validate_links(text: str) -> str:
    """One http(s) link per line, or a ValidationError naming the bad line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        try:
            http_url_validator(line)
        except ValidationError:
            raise ValidationError(
                gettext(
                    "“%(line)s” is not a web link: each line must start with http:// or https://."
                )
                % {"line": line[:80]}
            ) from None
    return "\n".join(lines)


# Contributors


@transaction.atomic
def submit_suggestion(
    *,
    fields: Mapping[str, Any],
    tags: Mapping[str, Iterable[Vocabulary]] | None = None,
) -> Suggestion:
    """Record a suggestion from anyone and mail its private status link.

    ``tags``: the terms of each many-valued facet a contributor may set, by field name.
    """
    suggestion = Suggestion(**{k: v for k, v in fields.items() if k in SUGGESTION_SUBMITTED})
    suggestion.full_clean()
    suggestion.save()
    for name, terms in (tags or {}).items():
        facet = FACETS.by_field(name)
        if facet is None or not facet.contributors or name not in SUGGESTION_M2M:
            raise ValueError(f"contributors cannot set {name!r}")
        getattr(suggestion, name).set(list(terms))
    transaction.on_commit(lambda: emails.send_received(suggestion))
    transaction.on_commit(lambda: emails.notify_curators(suggestion))
    return suggestion


@transaction.atomic
def submit_nomination(*, fields: Mapping[str, Any]) -> Nomination:
    """Record a champion nomination (consent required) and mail its private status link."""
    nomination = Nomination(**{k: v for k, v in fields.items() if k in NOMINATION_SUBMITTED})
    if not nomination.consent:
        raise ValidationError({"consent": gettext("The nominee must have agreed to be featured.")})
    nomination.links = validate_links(nomination.links)
    nomination.full_clean()
    nomination.save()
    transaction.on_commit(lambda: emails.send_received(nomination))
    transaction.on_commit(lambda: emails.notify_curators(nomination))
    return nomination


@transaction.atomic
def reply_to_question(item: Suggestion | Nomination, *, reply: str) -> Suggestion | Nomination:
    """The contributor answers a curator's question; the item returns to the queue."""
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.status != Status.NEEDS_INFO:
        raise ValidationError(gettext("No question is waiting for an answer."))
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": gettext("Write your answer.")})
    item.reply = reply
    item.replied_at = timezone.now()
    item.status = Status.PENDING
    item.full_clean()
    item.save()
    answered = item
    transaction.on_commit(lambda: emails.send_answer_to_curator(answered))
    return item


# Curators: claiming, editing and deciding


def _act(
    item: Item,
    *,
    curator: User,
    change: Callable[[Item], object],
    notify: Callable[[Item], None] | None = None,
    claims: bool = False,
    validate: bool = True,
) -> Item:
    """The sequence every curator action on a suggestion or nomination follows.

    Lock the row, refuse an item that is closed or claimed by another curator, apply
    ``change``, claim the item when ``claims`` (editing and asking claim it), validate unless
    ``validate`` is off (a decision that only closes the item), save, and mail the contributor
    through ``notify`` once the transaction commits. The caller has checked the role.
    """
    item = _lock(item)
    _check_open_and_claim(item, curator)
    change(item)
    if claims and item.claimed_by_id is None:
        item.claimed_by = curator
        item.claimed_at = timezone.now()
    if validate:
        item.full_clean()
    item.save()
    if notify is not None:
        done = item
        transaction.on_commit(lambda: notify(done))
    return item


def _set_fields(names: Iterable[str], changes: Mapping[str, Any]) -> Callable[[Item], None]:
    def change(item: Item) -> None:
        for name in names:
            if name in changes:
                setattr(item, name, changes[name])

    return change


@transaction.atomic
def claim(item: Item, *, curator: User) -> Item:
    require_curator(curator)
    item = _lock(item)
    _check_open_and_claim(item, curator)
    item.claimed_by = curator
    item.claimed_at = timezone.now()
    item.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    return item


@transaction.atomic
def release(item: Item, *, curator: User) -> Item:
    """Give up a claim; the editor-in-chief may release anyone's."""
    require_curator(curator)
    item = _lock(item)
    if item.claimed_by_id and item.claimed_by_id != curator.pk:
        require_editor_in_chief(curator)
    item.claimed_by = None
    item.claimed_at = None
    item.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    return item


@transaction.atomic
def edit_suggestion(
    suggestion: Suggestion,
    *,
    curator: User,
    changes: Mapping[str, Any],
) -> Suggestion:
    """Save a curator's corrections and tags; editing claims the item."""
    require_curator(curator)
    suggestion = _act(
        suggestion,
        curator=curator,
        change=_set_fields(SUGGESTION_EDITABLE, changes),
        claims=True,
    )
    for name in SUGGESTION_M2M:
        if name in changes:
            getattr(suggestion, name).set(list(changes[name]))
    return suggestion


@transaction.atomic
def edit_nomination(
    nomination: Nomination, *, curator: User, changes: Mapping[str, Any]
) -> Nomination:
    require_curator(curator)
    set_fields = _set_fields(NOMINATION_EDITABLE, changes)

    def change(nomination: Nomination) -> None:
        set_fields(nomination)
        nomination.links = validate_links(nomination.links)

    return _act(nomination, curator=curator, change=change, claims=True)


def _save_resource(resource: Resource, *, curator: User, reason: str) -> None:
    # simple-history reads these two attributes for every history row the save (and the m2m
    # changes that follow) create; the search index follows through the outbox signals.
    resource._history_user = curator  # type: ignore[attr-defined]
    resource._change_reason = reason[:100]  # type: ignore[attr-defined]
    resource.full_clean()
    resource.save()


@transaction.atomic
def publish_suggestion(suggestion: Suggestion, *, curator: User) -> Resource:
    """Create the Resource from the suggestion and publish it (searchable at once)."""
    require_curator(curator)

    def create(suggestion: Suggestion) -> Resource:
        if suggestion.resource_type_id is None:
            raise ValidationError(
                {"resource_type": gettext("Choose the type of resource before publishing.")}
            )
        now = timezone.now()
        resource = Resource(
            **{name: getattr(suggestion, name) for name in RESOURCE_FIELDS},
            status=Resource.Status.PUBLISHED,
            published_at=now,
            curated_by=curator,
        )
        if suggestion.need or suggestion.intervention or suggestion.results:
            resource.reviewed_on = now.date()
        reason = f"Published from suggestion #{suggestion.pk}"
        _save_resource(resource, curator=curator, reason=reason)
        for name in SUGGESTION_M2M:
            getattr(resource, name).set(list(getattr(suggestion, name).all()))
        return resource

    return cast(Resource, _publish(suggestion, curator=curator, create=create))


def _outcome(item: Suggestion | Nomination) -> Resource | Champion:
    """What a decision made of the item: its resource (published, merged) or its champion."""
    made = item.resource if isinstance(item, Suggestion) else item.champion
    assert made is not None  # set by the decision that closed the item
    return made


def _publish(
    item: Item, *, curator: User, create: Callable[[Item], Resource | Champion]
) -> Resource | Champion:
    """Publish what ``create`` makes of the item, close it, and mail its public address."""

    def change(item: Item) -> None:
        made = create(item)
        _close(item, curator=curator, status=Status.PUBLISHED)
        setattr(item, "resource" if isinstance(item, Suggestion) else "champion", made)

    item = _act(
        item,
        curator=curator,
        change=change,
        notify=lambda i: emails.send_published(i, _outcome(i).get_absolute_url()),
        validate=False,
    )
    return _outcome(item)


def _send_merged(suggestion: Suggestion) -> None:
    # Only a published resource has a page to point the contributor to.
    resource = _outcome(suggestion)
    if resource.is_published:
        emails.send_merged(suggestion, resource.get_absolute_url())


@transaction.atomic
def merge_suggestion(suggestion: Suggestion, *, curator: User, into: Resource) -> Resource:
    """Fold a suggestion into an existing resource: fill its blanks and add the tags.

    Values the resource already has win; a curator who prefers the suggestion's wording edits
    the resource afterwards (and the history shows both).
    """
    require_curator(curator)

    def change(suggestion: Suggestion) -> None:
        resource = Resource.objects.select_for_update().get(pk=into.pk)
        for name in RESOURCE_FIELDS:
            if name == "resource_type":
                continue
            current = getattr(resource, name)
            offered = getattr(suggestion, name)
            if current in ("", None, []) and offered not in ("", None, []):
                setattr(resource, name, offered)
        _save_resource(resource, curator=curator, reason=f"Merged suggestion #{suggestion.pk}")
        for name in SUGGESTION_M2M:
            offered_tags = list(getattr(suggestion, name).all())
            if offered_tags:
                getattr(resource, name).add(*offered_tags)
        _close(suggestion, curator=curator, status=Status.MERGED)
        suggestion.resource = resource

    suggestion = _act(
        suggestion, curator=curator, change=change, notify=_send_merged, validate=False
    )
    return cast(Resource, _outcome(suggestion))


@transaction.atomic
def publish_nomination(nomination: Nomination, *, curator: User) -> Champion:
    """Create the public champion profile from a nomination."""
    require_curator(curator)

    def create(nomination: Nomination) -> Champion:
        champion = Champion(
            name=nomination.nominee_name,
            profession=nomination.profession,
            institution=nomination.institution,
            role=nomination.role,
            story=nomination.story,
            links=validate_links(nomination.links),
            is_published=True,
            published_at=timezone.now(),
            curated_by=curator,
        )
        champion.full_clean()
        champion.save()
        return champion

    return cast(Champion, _publish(nomination, curator=curator, create=create))


@transaction.atomic
def decline(item: Item, *, curator: User, reason: str) -> Item:
    """Decline with a reason the contributor receives by e-mail and sees on the status page."""
    require_curator(curator)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give the contributor a reason.")})

    def change(item: Item) -> None:
        _close(item, curator=curator, status=Status.DECLINED)
        item.decline_reason = reason

    return _act(item, curator=curator, change=change, notify=emails.send_declined)


@transaction.atomic
def bulk_decline(items: Sequence[Item], *, curator: User, reason: str) -> int:
    """Decline many open items (spam) at once; returns how many were declined.

    No e-mail goes out: mailing the addresses spammers type would make the library a spam
    relay. Items another curator has claimed are left alone.
    """
    require_curator(curator)
    reason = reason.strip() or "Declined as spam."
    count = 0
    for item in items:
        locked = _lock(item)
        if locked.status not in OPEN_STATUSES:
            continue
        if locked.claimed_by_id and locked.claimed_by_id != curator.pk:
            continue
        _close(locked, curator=curator, status=Status.DECLINED)
        locked.decline_reason = reason
        locked.save()
        count += 1
    return count


@transaction.atomic
def ask_question(item: Item, *, curator: User, question: str) -> Item:
    """Mail the contributor a question with a reply link; the item waits in "needs information"."""
    require_curator(curator)
    question = question.strip()
    if not question:
        raise ValidationError({"question": gettext("Write your question.")})

    def change(item: Item) -> None:
        item.status = Status.NEEDS_INFO
        item.question = question
        item.asked_at = timezone.now()
        item.reply = ""
        item.replied_at = None

    return _act(item, curator=curator, change=change, notify=emails.send_question, claims=True)


# Curators' e-mail about new contributions


@transaction.atomic
def set_notice_frequency(curator: User, frequency: str) -> CuratorNotice:
    """Opt in to (or out of) e-mail about new suggestions and nominations."""
    require_curator(curator)
    if frequency not in CuratorNotice.Frequency.values:
        raise ValidationError({"frequency": gettext("Choose one of the options.")})
    notice, _created = CuratorNotice.objects.select_for_update().get_or_create(user=curator)
    if frequency == CuratorNotice.Frequency.DAILY and notice.frequency != frequency:
        notice.digest_until = timezone.now()  # the first digest lists what comes from now on
    notice.frequency = frequency
    notice.save()
    return notice


def send_curator_digests(*, now: datetime | None = None) -> int:
    """Mail each curator who chose the daily digest the contributions sent since their last
    one; returns how many digests went out. A curator with nothing new gets no mail."""
    now = now or timezone.now()
    sent = 0
    notices = CuratorNotice.objects.filter(
        frequency=CuratorNotice.Frequency.DAILY, user__is_active=True
    ).select_related("user")
    for notice in notices:
        if not roles.is_curator(notice.user):
            continue
        since = notice.digest_until or now - timedelta(days=1)
        with transaction.atomic():
            items: list[Suggestion | Nomination] = [
                *Suggestion.objects.open().filter(created_at__gt=since, created_at__lte=now),
                *Nomination.objects.open().filter(created_at__gt=since, created_at__lte=now),
            ]
            if items:
                items.sort(key=lambda item: (item.created_at, item.pk))
                emails.send_curator_digest(notice.user, items)
                sent += 1
            CuratorNotice.objects.filter(pk=notice.pk).update(digest_until=now)
    return sent


# Drafts (imported resources waiting for review)


@transaction.atomic
def publish_drafts(resources: Iterable[Resource], *, curator: User) -> int:
    """Publish the given draft resources; returns how many (one no longer a draft is skipped)."""
    require_curator(curator)
    count = 0
    now = timezone.now()
    for resource in resources:
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if locked.status != Resource.Status.DRAFT:
            continue
        locked.status = Resource.Status.PUBLISHED
        locked.published_at = locked.published_at or now
        locked.curated_by = locked.curated_by or curator
        _save_resource(locked, curator=curator, reason="Published from the drafts to review")
        count += 1
    return count


# History


@transaction.atomic
def revert_resource(resource: Resource, *, curator: User, history_id: int) -> Resource:
    """Restore every field and tag of the resource as it was in one history version."""
    require_curator(curator)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    try:
        version = resource.history.get(history_id=history_id)  # type: ignore[attr-defined]
    except resource.history.model.DoesNotExist:  # type: ignore[attr-defined]
        raise ValidationError(gettext("That version does not belong to this resource.")) from None
    for field in Resource._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at"}:
            continue
        setattr(resource, field.attname, getattr(version, field.attname))
    stamp = timezone.localtime(version.history_date).strftime("%Y-%m-%d %H:%M")
    _save_resource(resource, curator=curator, reason=f"Reverted to the version of {stamp}")
    for name, target in history_tag_relations():
        ids = [getattr(row, f"{target}_id") for row in getattr(version, name).all()]
        getattr(resource, name).set(ids)
    return resource


# Spotlights (editor-in-chief)


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": gettext("The end date is before the start date.")})


@transaction.atomic
def create_resource_spotlight(
    *,
    editor: User,
    resource: Resource,
    summary: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> ResourceSpotlight:
    require_editor_in_chief(editor)
    if not resource.is_published:
        raise ValidationError(
            {"resource": gettext("Only a published resource can be in the spotlight.")}
        )
    _check_dates(starts_on, ends_on)
    spotlight = ResourceSpotlight(
        resource=resource,
        summary=summary.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=editor,
    )
    spotlight.full_clean()
    spotlight.save()
    return spotlight


@transaction.atomic
def create_champion_spotlight(
    *,
    editor: User,
    champion: Champion,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> ChampionSpotlight:
    require_editor_in_chief(editor)
    if not champion.is_published:
        raise ValidationError(
            {"champion": gettext("Only a published champion can be in the spotlight.")}
        )
    _check_dates(starts_on, ends_on)
    spotlight = ChampionSpotlight(
        champion=champion, starts_on=starts_on, ends_on=ends_on, created_by=editor
    )
    spotlight.full_clean()
    spotlight.save()
    return spotlight


@transaction.atomic
def remove_spotlight(spotlight: ResourceSpotlight | ChampionSpotlight, *, editor: User) -> None:
    require_editor_in_chief(editor)
    spotlight.delete()
