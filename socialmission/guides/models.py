"""Reading guides and Key Publications: curated, ordered lists of library resources.

A ``ReadingGuide`` is a curator's path through the library (with learning objectives and an
introduction); a "Key Publications" list is the same structure with a different label, so both
share one model and one set of pages and exports. Each ``ReadingGuideItem`` places one resource
at a position in a guide with the curator's note on why to read it. Public pages only ever show
published guides and, within them, published resources (selectors.py does the filtering).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialmission.library.models import Resource


class ReadingGuideQuerySet(models.QuerySet["ReadingGuide"]):
    def published(self) -> ReadingGuideQuerySet:
        return self.filter(is_published=True)


class ReadingGuide(models.Model):
    class Kind(models.TextChoices):
        READING_GUIDE = "reading_guide", _("Reading guide")
        KEY_PUBLICATIONS = "key_publications", _("Key publications")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences for lists.")
    )
    learning_objectives = models.TextField(
        _("learning objectives"),
        blank=True,
        help_text=_("One objective per line; shown as a list."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.READING_GUIDE
    )
    is_published = models.BooleanField(_("is published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reading_guides",
        verbose_name=_("curated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReadingGuideQuerySet.as_manager()

    class Meta:
        verbose_name = _("reading guide")
        verbose_name_plural = _("reading guides")
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reading_guide", "key_publications"]),
                name="readingguide_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="readingguide_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self._stamp_published_at()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("guides:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # Forms validate the constraints before save(), so the date is stamped here too.
        super().clean()
        self._stamp_published_at()

    def _stamp_published_at(self) -> None:
        # Publishing stamps the date once; unpublishing keeps it so a re-published guide keeps
        # its place in date-ordered lists.
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_key_publications(self) -> bool:
        return self.kind == self.Kind.KEY_PUBLICATIONS

    @property
    def objectives(self) -> list[str]:
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]


class ReadingGuideItem(models.Model):
    guide = models.ForeignKey(
        ReadingGuide, on_delete=models.CASCADE, related_name="items", verbose_name=_("guide")
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        related_name="reading_guide_items",
        verbose_name=_("resource"),
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order in the guide.")
    )
    annotation = models.TextField(
        _("annotation"), blank=True, help_text=_("Why read it, and what to look for.")
    )

    class Meta:
        verbose_name = _("reading guide item")
        verbose_name_plural = _("reading guide items")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "resource"], name="readingguideitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guide}: {self.resource}"
