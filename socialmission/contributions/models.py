"""What the community sends in and what curators make of it.

A ``Suggestion`` (a resource someone thinks belongs in the library) and a ``Nomination`` (a
Social Mission Champion) share one moderation life cycle, described in README.md. Their state
only ever changes through ``services.py``; the CheckConstraints below make an impossible state
unstorable whoever writes. A published nomination becomes a public ``Champion`` profile.
Spotlights choose what the home page features, optionally for a date range.

The contributor's name and e-mail are private: they are shown to curators only, and no export,
feed or API serialises these models.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import FileExtensionValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from socialmission.library.models import (
    Domain,
    EvidenceLevel,
    Profession,
    Resource,
    ResourceType,
    Topic,
)

if TYPE_CHECKING:
    # Text or a lazy translation (django-stubs' name for it).
    from django.utils.functional import _StrOrPromise

# Links a contributor types must be web links: no javascript:, data: or file: URLs.
http_url_validator = URLValidator(schemes=["http", "https"])

TITLE_MAX = 1000
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000


def web_links(text: str) -> list[str]:
    """The http(s) lines of a one-link-per-line text: the only links a page ever renders."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line.lower().startswith(("http://", "https://"))]


def new_token() -> str:
    """An unguessable token for the contributor's private status link (256 bits)."""
    return secrets.token_urlsafe(32)


class Status(models.TextChoices):
    PENDING = "pending", _("Pending review")
    NEEDS_INFO = "needs_info", _("Needs information")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged into an existing resource")


OPEN_STATUSES = (Status.PENDING, Status.NEEDS_INFO)


class SubmissionQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def open(self) -> SubmissionQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


def _curator_field(verbose_name: _StrOrPromise) -> models.ForeignKey:  # type: ignore[type-arg]
    """The curator who claimed, decided or curated something; kept when the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class Submission(models.Model):
    """What suggestions and nominations share: the contributor, the status link, the review."""

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )

    submitter_name = models.CharField(_("your name"), max_length=200)
    submitter_email = models.EmailField(_("your e-mail"), max_length=254)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    claimed_by = _curator_field(_("claimed by"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    decided_by = _curator_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("decline reason"), blank=True, max_length=LONG_TEXT_MAX)

    # The latest question a curator asked and the contributor's answer (see README.md).
    question = models.TextField(_("question"), blank=True, max_length=LONG_TEXT_MAX)
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True, max_length=LONG_TEXT_MAX)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def status_path(self) -> str:
        return reverse("contributions:status", kwargs={"token": self.token})

    def status_url(self) -> str:
        return settings.SITE_URL + self.status_path()


def _declined_has_reason(kind: str) -> models.CheckConstraint:
    """A declined submission always carries the reason its contributor was given."""
    return models.CheckConstraint(
        condition=~Q(status="declined") | ~Q(decline_reason=""),
        name=f"{kind}_declined_has_reason",
    )


class Suggestion(Submission):
    """A resource a contributor suggests; curators complete its metadata before publishing."""

    kind = "suggestion"

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    url = models.URLField(_("link"), max_length=2000, blank=True, validators=[http_url_validator])
    doi = models.CharField(_("DOI"), max_length=255, blank=True)
    pmid = models.CharField(_("PMID"), max_length=20, blank=True)
    authors = models.JSONField(_("authors"), default=list, blank=True)
    organization = models.CharField(_("organization"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=500, blank=True)
    venue_short = models.CharField(_("journal abbreviation"), max_length=200, blank=True)
    volume = models.CharField(_("volume"), max_length=50, blank=True)
    issue = models.CharField(_("issue"), max_length=50, blank=True)
    pages = models.CharField(_("pages"), max_length=50, blank=True)
    issn = models.CharField(_("ISSN"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=12, blank=True, default="en")
    keywords = models.TextField(_("keywords"), blank=True, max_length=LONG_TEXT_MAX)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX)
    resource_type = models.ForeignKey(
        ResourceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resource type"),
    )
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="+", verbose_name=_("domains")
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics"))
    professions = models.ManyToManyField(
        Profession, blank=True, related_name="+", verbose_name=_("professions")
    )
    evidence_level = models.ForeignKey(
        EvidenceLevel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence level"),
    )
    need = models.TextField(_("need"), blank=True, max_length=LONG_TEXT_MAX)
    intervention = models.TextField(_("intervention"), blank=True, max_length=LONG_TEXT_MAX)
    results = models.TextField(_("results"), blank=True, max_length=LONG_TEXT_MAX)
    why = models.TextField(_("why it matters"), blank=True, max_length=LONG_TEXT_MAX)

    # The resource this suggestion became (published) or was merged into (merged).
    resource = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("resource"),
    )

    class Meta(Submission.Meta):
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="suggestion_status_valid",
            ),
            _declined_has_reason("suggestion"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_queue_url(self) -> str:
        return reverse("contributions:suggestion", kwargs={"pk": self.pk})


class Nomination(Submission):
    """A Social Mission Champion someone nominates; publishing creates a ``Champion``."""

    kind = "nomination"

    nominee_name = models.CharField(_("nominee's name"), max_length=200)
    profession = models.CharField(_("profession"), max_length=SHORT_TEXT_MAX)
    institution = models.CharField(_("institution"), max_length=SHORT_TEXT_MAX)
    role = models.CharField(_("role"), max_length=SHORT_TEXT_MAX, blank=True)
    story = models.TextField(_("what they did for health equity"), max_length=LONG_TEXT_MAX)
    # One http(s) link per line; validated by the form and again by the service.
    links = models.TextField(_("links"), blank=True, max_length=LONG_TEXT_MAX)
    consent = models.BooleanField(_("consent"), default=False)

    champion = models.OneToOneField(
        "Champion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nomination",
        verbose_name=_("champion"),
    )

    class Meta(Submission.Meta):
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            # Merging applies to resources only.
            models.CheckConstraint(
                condition=Q(status__in=["pending", "needs_info", "published", "declined"]),
                name="nomination_status_valid",
            ),
            _declined_has_reason("nomination"),
            models.CheckConstraint(condition=Q(consent=True), name="nomination_has_consent"),
        ]

    def __str__(self) -> str:
        return self.nominee_name

    @property
    def title(self) -> str:
        return self.nominee_name

    def link_list(self) -> list[str]:
        return web_links(self.links)

    def get_queue_url(self) -> str:
        return reverse("contributions:nomination", kwargs={"pk": self.pk})


class ChampionQuerySet(models.QuerySet["Champion"]):
    def published(self) -> ChampionQuerySet:
        return self.filter(is_published=True)


class Champion(models.Model):
    """A public profile of a Social Mission Champion."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, blank=True)
    profession = models.CharField(_("profession"), max_length=SHORT_TEXT_MAX, blank=True)
    institution = models.CharField(_("institution"), max_length=SHORT_TEXT_MAX, blank=True)
    role = models.CharField(_("role"), max_length=SHORT_TEXT_MAX, blank=True)
    story = models.TextField(_("story"), max_length=LONG_TEXT_MAX)
    links = models.TextField(_("links"), blank=True, max_length=LONG_TEXT_MAX)
    photo = models.FileField(
        _("photo"),
        upload_to="champions/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    is_published = models.BooleanField(_("is published"), default=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    curated_by = _curator_field(_("curated by"))

    objects = ChampionQuerySet.as_manager()

    class Meta:
        verbose_name = _("champion")
        verbose_name_plural = _("champions")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="champion_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = slugify(self.name)[:100] or "champion"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("contributions:champion", kwargs={"pk": self.pk, "slug": self.slug})

    def link_list(self) -> list[str]:
        # Links typed in the admin skip the form's check; only web links are ever rendered.
        return web_links(self.links)


class SpotlightQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def current(self, today: object) -> SpotlightQuerySet:
        """Spotlights whose (optional) date range includes ``today``, the one to show first.

        One scheduled by date wins over an open-ended one (it was planned for these days);
        among equals the newest choice wins. NULLS LAST keeps SQLite and PostgreSQL alike.
        """
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=today),
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        ).order_by(models.F("starts_on").desc(nulls_last=True), "-created_at", "-id")


def _dates_ordered(name: str) -> models.CheckConstraint:
    """A spotlight's optional date range never ends before it starts."""
    return models.CheckConstraint(
        condition=Q(starts_on__isnull=True)
        | Q(ends_on__isnull=True)
        | Q(ends_on__gte=models.F("starts_on")),
        name=name,
    )


class Spotlight(models.Model):
    starts_on = models.DateField(
        _("starts on"), null=True, blank=True, help_text=_("Empty: from now on.")
    )
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Empty: until replaced.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SpotlightQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class ResourceSpotlight(Spotlight):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="spotlights", verbose_name=_("resource")
    )
    summary = models.TextField(_("editorial summary"), max_length=1000)

    class Meta(Spotlight.Meta):
        verbose_name = _("resource spotlight")
        verbose_name_plural = _("resource spotlights")
        constraints = [_dates_ordered("resource_spotlight_dates_ordered")]

    def __str__(self) -> str:
        return f"Spotlight: {self.resource}"


class ChampionSpotlight(Spotlight):
    champion = models.ForeignKey(
        Champion, on_delete=models.CASCADE, related_name="spotlights", verbose_name=_("champion")
    )

    class Meta(Spotlight.Meta):
        verbose_name = _("champion spotlight")
        verbose_name_plural = _("champion spotlights")
        constraints = [_dates_ordered("champion_spotlight_dates_ordered")]

    def __str__(self) -> str:
        return f"Spotlight: {self.champion}"


class CuratorNotice(models.Model):
    """A curator's choice of e-mail about new contributions: none, each one, or a daily digest."""

    class Frequency(models.TextChoices):
        OFF = "off", _("No e-mail")
        IMMEDIATE = "immediate", _("An e-mail for each new contribution")
        DAILY = "daily", _("One e-mail a day listing the new contributions")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="curator_notice",
        verbose_name=_("user"),
    )
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.OFF
    )
    # The end of the period the last digest covered: the next one lists what came after it.
    digest_until = models.DateTimeField(_("digest until"), null=True, blank=True)

    class Meta:
        verbose_name = _("curator notice")
        verbose_name_plural = _("curator notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=["off", "immediate", "daily"]),
                name="curator_notice_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.frequency}"
