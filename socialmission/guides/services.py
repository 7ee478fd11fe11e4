"""Every change curators make to reading guides: keyword-only, in a transaction, role checked.

Positions are kept as 1..n in the guide's order: adding appends, removing closes the gap, and
moving swaps an item with its neighbour. The guide's row is locked first, so two curators
reordering the same guide at once are served one after the other.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.library.models import Resource

GUIDE_FIELDS = (
    "title",
    "slug",
    "kind",
    "summary",
    "learning_objectives",
    "introduction",
    "is_published",
)
ANNOTATION_MAX = 5000


def require_curator(user: User | Any) -> None:
    if not roles.is_curator(user):
        raise PermissionDenied(_("Only curators may change reading guides."))


def _lock(guide: ReadingGuide) -> ReadingGuide:
    return ReadingGuide.objects.select_for_update().get(pk=guide.pk)


def _items(guide: ReadingGuide) -> list[ReadingGuideItem]:
    return list(guide.items.select_for_update().order_by("position", "pk"))


def _renumber(items: list[ReadingGuideItem]) -> None:
    changed = []
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    ReadingGuideItem.objects.bulk_update(changed, ["position"])


def _apply(guide: ReadingGuide, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(GUIDE_FIELDS)
    if unknown:
        raise TypeError(f"Not guide fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(guide, name, value)
    guide.full_clean()
    guide.save()


@transaction.atomic
def create_guide(*, curator: User, **fields: Any) -> ReadingGuide:
    """A new guide (or Key Publications list) with ``fields`` from ``GUIDE_FIELDS``."""
    require_curator(curator)
    guide = ReadingGuide(curated_by=curator)
    _apply(guide, fields)
    return guide


@transaction.atomic
def update_guide(*, guide: ReadingGuide, curator: User, **fields: Any) -> ReadingGuide:
    require_curator(curator)
    guide = _lock(guide)
    if guide.curated_by_id is None:
        guide.curated_by = curator
    _apply(guide, fields)
    return guide


@transaction.atomic
def add_item(
    *, guide: ReadingGuide, resource: Resource, curator: User, annotation: str = ""
) -> ReadingGuideItem:
    """Append ``resource`` to the guide; a resource already in it is refused."""
    require_curator(curator)
    guide = _lock(guide)
    if resource.status == Resource.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn resource cannot be added to a guide."))
    items = _items(guide)
    if any(item.resource_id == resource.pk for item in items):
        raise ValidationError(_("This resource is already in the guide."))
    _renumber(items)  # guides made in the admin may number 10, 20, …: the new one goes last
    return ReadingGuideItem.objects.create(
        guide=guide,
        resource=resource,
        position=len(items) + 1,
        annotation=_clean_note(annotation),
    )


def _clean_note(annotation: str) -> str:
    annotation = annotation.strip()
    if len(annotation) > ANNOTATION_MAX:
        raise ValidationError(
            _("Keep the note under %(max)d characters.") % {"max": ANNOTATION_MAX}
        )
    return annotation


@transaction.atomic
def set_note(*, item: ReadingGuideItem, curator: User, annotation: str) -> ReadingGuideItem:
    """The curator's note on why to read the item."""
    require_curator(curator)
    _lock(item.guide)
    item = ReadingGuideItem.objects.get(pk=item.pk)
    item.annotation = _clean_note(annotation)
    item.save(update_fields=["annotation"])
    return item


@transaction.atomic
def remove_item(*, item: ReadingGuideItem, curator: User) -> None:
    require_curator(curator)
    guide = _lock(item.guide)
    ReadingGuideItem.objects.filter(pk=item.pk, guide=guide).delete()
    _renumber(_items(guide))


@transaction.atomic
def move_item(
    *, item: ReadingGuideItem, curator: User, direction: Literal["up", "down"]
) -> ReadingGuideItem:
    """Swap the item with its neighbour above or below; at either end nothing changes."""
    require_curator(curator)
    if direction not in ("up", "down"):
        raise ValueError(f"Unknown direction {direction!r}")
    items = _items(_lock(item.guide))
    positions = [each.pk for each in items]
    if item.pk not in positions:
        raise ReadingGuideItem.DoesNotExist("The item was removed meanwhile.")
    index = positions.index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    _renumber(items)
    return next(each for each in items if each.pk == item.pk)
