"""Resources and the vocabularies that describe them, plus the outbox the search index follows.

The database is the single source of truth. Every change to a resource or a vocabulary writes
an ``IndexChange`` row in the same transaction (see ``signals.py``); the search index applies
those rows in order (see ``indexing.py``).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socialmission.bibliography.names import initials
from socialmission.library.facets import FACETS


def author_names(authors: object) -> tuple[list[str], list[str]]:
    """``(author_search_names(authors), author_display_names(authors))`` in one pass."""
    search: list[str] = []
    display: list[str] = []
    if not isinstance(authors, list):
        return search, display
    for author in authors:
        if isinstance(author, dict):
            literal = author.get("literal")
            if literal:
                search.append(str(literal))
                display.append(str(literal))
                continue
            family = author.get("family")
            given = str(author.get("given") or "")
            full = " ".join(filter(None, (family, given)))
            if full:
                search.append(full)
            short = " ".join(filter(None, (family, _initials(given))))
            if short:
                display.append(short)
    return search, display


@functools.lru_cache(maxsize=4096)
def _initials(given: str) -> str:
    # Given names repeat across records: a full reindex asks for the same few thousand again
    # and again (a sixth of its Python time before this cache).
    return initials(given)


def author_display_names(authors: object) -> list[str]:
    """Authors as the site shows them, "Family Initials" (Mullan F) or the literal name.

    One style whatever the source: an imported "Olivero, J Michael" shows as "Olivero JM", like
    the starter catalog's "Mullan F".
    """
    return author_names(authors)[1]


def author_search_names(authors: object) -> list[str]:
    """Authors with their given names in full ("Olivero J Michael"), for the search index."""
    return author_names(authors)[0]


class VocabularyQuerySet(models.QuerySet["Vocabulary"]):
    def active(self) -> VocabularyQuerySet:
        return self.filter(is_active=True)


class Vocabulary(models.Model):
    """A curator-editable list of terms; its slug is what URLs and the index use."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order in lists and facets.")
    )
    is_active = models.BooleanField(_("is active"), default=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Domain(Vocabulary):
    """What a school acts on; also the domains of the self-assessment."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class Topic(Vocabulary):
    """A goal or outcome area."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Profession(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("profession")
        verbose_name_plural = _("professions")


class ResourceType(Vocabulary):
    # The schema.org type and CSL type the exports and page metadata use for this kind.
    csl_type = models.CharField(_("csl type"), max_length=40, default="article-journal")
    schema_org_type = models.CharField(_("schema org type"), max_length=60, default="CreativeWork")

    class Meta(Vocabulary.Meta):
        verbose_name = _("resource type")
        verbose_name_plural = _("resource types")


class EvidenceLevel(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("evidence level")
        verbose_name_plural = _("evidence levels")


class ActionArea(Vocabulary):
    """The library's older six Action Areas; kept so old links and tags resolve to domains."""

    domains = models.ManyToManyField(
        Domain, related_name="action_areas", blank=True, verbose_name=_("domains")
    )

    class Meta(Vocabulary.Meta):
        verbose_name = _("action area")
        verbose_name_plural = _("action areas")


class Synonym(models.Model):
    """Two phrases a search treats as the same, in both directions (URM ↔ underrepresented…)."""

    term = models.CharField(_("term"), max_length=200)
    equivalent = models.CharField(_("equivalent"), max_length=200)

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["term", "equivalent"], name="synonym_unique_pair"),
            models.CheckConstraint(
                condition=~Q(term="") & ~Q(equivalent=""), name="synonym_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ↔ {self.equivalent}"


class ResourceQuerySet(models.QuerySet["Resource"]):
    def published(self) -> ResourceQuerySet:
        return self.filter(status=Resource.Status.PUBLISHED)

    def with_vocabularies(self) -> ResourceQuerySet:
        return self.select_related(*(f.field for f in FACETS.single())).prefetch_related(
            *(f.field for f in FACETS.multiple())
        )


class Resource(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("title"), max_length=1000)
    slug = models.SlugField(_("slug"), max_length=120, blank=True)
    # A list of {"family": …, "given": …} or {"literal": …}, the shape CSL-JSON uses.
    authors = models.JSONField(_("authors"), default=list, blank=True)
    organization = models.CharField(_("organization"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    venue = models.CharField(
        _("venue"), max_length=500, blank=True, help_text=_("Journal, publisher or site.")
    )
    venue_short = models.CharField(
        _("journal abbreviation"),
        max_length=200,
        blank=True,
        help_text=_("The NLM abbreviation (e.g. Acad Med), used by AMA and Vancouver citations."),
    )
    volume = models.CharField(_("volume"), max_length=50, blank=True)
    issue = models.CharField(_("issue"), max_length=50, blank=True)
    pages = models.CharField(_("pages"), max_length=50, blank=True)
    issn = models.CharField(_("ISSN"), max_length=20, blank=True)
    doi = models.CharField(_("DOI"), max_length=255, blank=True, db_index=True)
    pmid = models.CharField(_("PMID"), max_length=20, blank=True, db_index=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=12, default="en", blank=True)
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("Separated by semicolons."))
    description = models.TextField(_("description"), blank=True)

    resource_type = models.ForeignKey(
        ResourceType,
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=_("resource type"),
    )
    domains = models.ManyToManyField(
        Domain, related_name="resources", blank=True, verbose_name=_("domains")
    )
    topics = models.ManyToManyField(
        Topic, related_name="resources", blank=True, verbose_name=_("topics")
    )
    professions = models.ManyToManyField(
        Profession, related_name="resources", blank=True, verbose_name=_("professions")
    )
    evidence_level = models.ForeignKey(
        EvidenceLevel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("evidence level"),
    )

    # The structured summary of a program example (Rural Health Information Hub's model).
    need = models.TextField(_("need"), blank=True)
    intervention = models.TextField(_("intervention"), blank=True)
    results = models.TextField(_("results"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curated_resources",
        verbose_name=_("curated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    # The many-to-many facets declared on this model (facets.py) keep their history too.
    history = HistoricalRecords(m2m_fields=[f.field for f in FACETS.multiple()])
    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "withdrawn"]),
                name="resource_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="resource_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = slugify(self.title)[:100] or "resource"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("library:resource", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def author_names(self) -> list[str]:
        return author_display_names(self.authors)

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(";") if k.strip()]

    def language_name(self) -> str:
        """The language's name in the reader's language ("Spanish"), else the code as stored."""
        if not self.language:
            return ""
        try:
            return str(get_language_info(self.language)["name_translated"])
        except KeyError:
            return self.language


class IndexChange(models.Model):
    """The outbox: one row per change the search index must apply, in id order.

    ``resource_id`` is a plain integer, not a foreign key, so that a deletion can still be
    recorded after the resource row is gone.
    """

    class Kind(models.TextChoices):
        RESOURCE = "resource", _("Resource changed")
        VOCABULARY = "vocabulary", _("Vocabulary changed")
        SYNONYMS = "synonyms", _("Synonyms changed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    resource_id = models.BigIntegerField(_("resource id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set once the index holds the change. Rows are marked rather than a "last position" kept,
    # because on PostgreSQL ids are handed out before commit and can commit out of order.
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("index change")
        verbose_name_plural = _("index changes")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(applied_at__isnull=True), name="indexchange_pending"
            ),
            models.Index(fields=["kind", "id"], name="indexchange_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["resource", "vocabulary", "synonyms"]),
                name="indexchange_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.resource_id or ''}"
