"""Write outbox rows for every change the search index must follow.

The handlers run inside the transaction of the change itself (a POST runs its view in one
transaction, ``core.middleware.WriteRequestAtomicMiddleware``; the admin and services use
``transaction.atomic``), so the outbox row and the change commit together or not at all. After commit, ``indexing.sync_soon`` applies them in this
process at once; any other process applies them on its next search.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from socialmission.library import models as m
from socialmission.library.facets import FACETS

# The receivers below listen to every model and keep those of the declared facets, so a facet
# another app registers in its AppConfig.ready() (after this module is imported) is followed too.


def _facet_vocabularies() -> set[type[m.Vocabulary]]:
    return {facet.vocabulary for facet in FACETS}


def _facet_throughs() -> set[type]:
    throughs = set()
    for facet in FACETS.multiple():
        relation = m.Resource._meta.get_field(facet.field)
        # A reverse relation (declared on the vocabulary) or Resource's own field.
        through = relation.through if relation.auto_created else relation.remote_field.through  # type: ignore[union-attr]
        throughs.add(through)
    return throughs


def _after_commit() -> None:
    from socialmission.library import indexing

    transaction.on_commit(indexing.sync_quietly)


# Outbox rows per INSERT statement (three parameters each: well within every backend's limit).
OUTBOX_ROWS_PER_INSERT = 1000


def enqueue_resources(resource_ids: list[int] | set[int]) -> None:
    """One outbox row per resource, by plain multi-row INSERTs: an import enqueues thousands,
    and building a model instance for each (``bulk_create``) cost a tenth of the import."""
    if not resource_ids:
        return
    ids = list(resource_ids)
    model = m.IndexChange
    qn = connection.ops.quote_name
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    columns = ", ".join(qn(column[name]) for name in ("kind", "resource_id", "created_at"))
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    kind = m.IndexChange.Kind.RESOURCE.value
    with connection.cursor() as cursor:
        for start in range(0, len(ids), OUTBOX_ROWS_PER_INSERT):
            part = ids[start : start + OUTBOX_ROWS_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
                + ", ".join(["(%s, %s, %s)"] * len(part)),
                [value for pk in part for value in (kind, pk, created_at)],
            )
    _after_commit()


def enqueue(kind: str) -> None:
    m.IndexChange.objects.create(kind=kind)
    _after_commit()


@receiver(post_save, sender=m.Resource)
@receiver(post_delete, sender=m.Resource)
def resource_changed(sender: type, instance: m.Resource, **kwargs: Any) -> None:
    enqueue_resources([instance.pk])


@receiver(m2m_changed, dispatch_uid="library-index-facets")
def _resource_m2m_changed(
    sender: type, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if sender not in _facet_throughs():
        return
    if isinstance(instance, m.Resource):
        if action != "pre_clear":
            enqueue_resources([instance.pk])
        return
    # Changed from the vocabulary's side: the resources are in pk_set, or, for clear,
    # whatever was linked before the clear.
    if action == "pre_clear":
        enqueue_resources(set(instance.resources.values_list("pk", flat=True)))
    elif pk_set:
        enqueue_resources(pk_set)


def _linked_resource_ids(instance: m.Vocabulary) -> set[int]:
    return set(instance.resources.values_list("pk", flat=True))  # type: ignore[attr-defined]


@receiver(pre_save, dispatch_uid="library-index-vocabulary-pre-save")
def vocabulary_pre_save(sender: type[m.Vocabulary], instance: m.Vocabulary, **kwargs: Any) -> None:
    if sender not in _facet_vocabularies():
        return
    # The index stores slugs and active flags; remember the old ones to see what changed.
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).values("slug", "is_active").first()
        instance._index_old = old  # type: ignore[attr-defined]


@receiver(post_save, dispatch_uid="library-index-vocabulary-post-save")
def vocabulary_post_save(
    sender: type[m.Vocabulary], instance: m.Vocabulary, created: bool, **kwargs: Any
) -> None:
    if sender not in _facet_vocabularies():
        return
    enqueue(m.IndexChange.Kind.VOCABULARY)
    old = getattr(instance, "_index_old", None)
    if old and (old["slug"] != instance.slug or old["is_active"] != instance.is_active):
        enqueue_resources(_linked_resource_ids(instance))


@receiver(pre_delete, dispatch_uid="library-index-vocabulary-pre-delete")
def vocabulary_pre_delete(
    sender: type[m.Vocabulary], instance: m.Vocabulary, **kwargs: Any
) -> None:
    if sender not in _facet_vocabularies():
        return
    enqueue(m.IndexChange.Kind.VOCABULARY)
    enqueue_resources(_linked_resource_ids(instance))


@receiver(post_save, sender=m.ActionArea)
@receiver(post_delete, sender=m.ActionArea)
def action_area_changed(sender: type, **kwargs: Any) -> None:
    enqueue(m.IndexChange.Kind.VOCABULARY)


@receiver(m2m_changed, sender=m.ActionArea.domains.through)
def action_area_domains_changed(sender: type, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        enqueue(m.IndexChange.Kind.VOCABULARY)


@receiver(post_save, sender=m.Synonym)
@receiver(post_delete, sender=m.Synonym)
def synonyms_changed(sender: type, **kwargs: Any) -> None:
    enqueue(m.IndexChange.Kind.SYNONYMS)
