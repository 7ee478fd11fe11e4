"""Forms for contributors and curators. They validate and normalise input; services decide."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from socialmission.bibliography.text import (
    clean,
    normalize_doi,
    normalize_pmid,
    split_list,
    unique,
)
from socialmission.contributions.models import (
    LONG_TEXT_MAX,
    Champion,
    CuratorNotice,
    Nomination,
    Suggestion,
    http_url_validator,
)
from socialmission.contributions.records import authors_text, parse_authors
from socialmission.contributions.services import (
    SUGGESTION_BIBLIOGRAPHIC,
    SUGGESTION_SUBMITTED,
    validate_links,
)
from socialmission.contributions.services import SUGGESTION_M2M as TAGS
from socialmission.library.facets import FACETS
from socialmission.library.models import EvidenceLevel, Resource, ResourceType


def _tag_fields(*, contributors: bool) -> dict[str, forms.Field]:
    """A checkbox list of active terms per many-valued facet a suggestion carries (``TAGS``);
    for the public form only the facets contributors may set."""
    return {
        facet.field: forms.ModelMultipleChoiceField(
            facet.vocabulary.objects.active(), widget=forms.CheckboxSelectMultiple, required=False
        )
        for facet in FACETS.multiple()
        if facet.field in TAGS and (facet.contributors or not contributors)
    }


class _TagFieldsMixin:
    """Adds the tag checkbox lists after the field named ``tags_after``."""

    fields: dict[str, forms.Field]
    tags_after = "description"
    contributors_only = False

    def _add_tag_fields(self) -> None:
        names = list(self.fields)
        tags = _tag_fields(contributors=self.contributors_only)
        position = names.index(self.tags_after) + 1
        ordered = [*names[:position], *tags, *names[position:]]
        self.fields.update(tags)
        self.order_fields(ordered)  # type: ignore[attr-defined]

    def tag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TAGS if name in self.fields]  # type: ignore[index]


def _url_field(**kwargs: Any) -> forms.URLField:
    # Only web links: the model's validator refuses javascript:, data: and file: URLs too.
    return forms.URLField(
        label=_("Link"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        validators=[http_url_validator],
        **kwargs,
    )


def _clean_doi(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    doi = normalize_doi(value)
    if not doi:
        raise ValidationError(
            _("This is not a DOI. A DOI looks like 10.1234/abcd, with or without https://doi.org/.")
        )
    return doi


def _clean_pmid(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    pmid = normalize_pmid(value)
    if not pmid:
        raise ValidationError(_("This is not a PubMed id. A PMID is a number such as 31234567."))
    return pmid


def _normalised(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """Single-line fields with collapsed whitespace, and the authors as a CSL-style list."""
    data = dict(cleaned_data)
    data["authors"] = data.pop("authors_text", [])
    for name in ("title", "venue", "organization", "volume", "issue", "pages"):
        if isinstance(data.get(name), str):
            data[name] = clean(data[name])
    return data


class _ResourceMetadataMixin:
    """Identifier, keyword and language normalisation and the one-author-per-line field, shared by both forms."""

    cleaned_data: dict[str, Any]

    def clean_doi(self) -> str:
        return _clean_doi(self.cleaned_data.get("doi", ""))

    def clean_pmid(self) -> str:
        return _clean_pmid(self.cleaned_data.get("pmid", ""))

    def clean_authors_text(self) -> list[dict[str, str]]:
        return parse_authors(self.cleaned_data.get("authors_text", ""))

    def clean_keywords(self) -> str:
        # One spelling per keyword, in the library's "a; b; c" form.
        return "; ".join(unique(split_list(self.cleaned_data.get("keywords", ""), ";,")))

    def clean_language(self) -> str:
        return clean(self.cleaned_data.get("language", "")).lower()

    def clean_issn(self) -> str:
        return clean(self.cleaned_data.get("issn", "")).upper()


class _LinksMixin:
    """The nomination forms' "one web link per line" field, checked as the service checks it."""

    cleaned_data: dict[str, Any]

    def clean_links(self) -> str:
        return validate_links(self.cleaned_data.get("links", ""))


# What the public and the curator forms of one model share in their ``Meta``.
_SUGGESTION_IDENTITY = ["title", "url", "doi", "pmid", "resource_type"]
_SUGGESTION_LABELS = {
    "url": _("Link"),
    "doi": _("DOI"),
    "venue_short": _("Journal abbreviation"),
    "volume": _("Volume"),
    "issue": _("Issue"),
    "pages": _("Pages"),
    "issn": _("ISSN"),
    "language": _("Language"),
    "keywords": _("Keywords"),
}
_SUGGESTION_WIDGETS = {
    "title": forms.TextInput(),
    "keywords": forms.TextInput(),
    "description": forms.Textarea(attrs={"rows": 4}),
}
_NOMINATION_FIELDS = ["nominee_name", "profession", "institution", "role", "story", "links"]
_NOMINATION_WIDGETS = {
    "story": forms.Textarea(attrs={"rows": 6}),
    "links": forms.Textarea(attrs={"rows": 3}),
}


class SuggestionForm(_TagFieldsMixin, _ResourceMetadataMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The public "suggest a resource" form."""

    required_css_class = "required"

    authors_text = forms.CharField(
        label=_("Authors"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, “Family, Given” (or an organisation's name)."),
    )
    resource_type = forms.ModelChoiceField(
        ResourceType.objects.active(),
        required=False,
        label=_("Type of resource"),
        empty_label=_("Not sure"),
    )
    url = _url_field(help_text=_("Starting with https:// or http://."))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1500, max_value=2100)
    contributors_only = True
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label=_(
            "I have looked at the similar resources above, and mine is different or adds something."
        ),
    )

    class Meta:
        model = Suggestion
        fields = [name for name in SUGGESTION_SUBMITTED if name != "authors"]
        labels = {
            **_SUGGESTION_LABELS,
            "pmid": _("PubMed id (PMID)"),
            "venue": _("Journal, publisher or website"),
            "description": _("Abstract or description"),
            "why": _("Why it matters"),
            "submitter_name": _("Your name"),
            "submitter_email": _("Your e-mail"),
        }
        help_texts = {
            "venue_short": _("As PubMed writes it, e.g. Acad Med."),
            "language": _("A language code, e.g. en, es, fr."),
            "keywords": _("Separated by semicolons."),
            "url": _("Starting with https:// or http://."),
            "why": _("What a school could learn or do with it."),
            "submitter_email": _(
                "Private: used only to tell you what became of your suggestion; never shown or shared."
            ),
        }
        widgets = {**_SUGGESTION_WIDGETS, "why": forms.Textarea(attrs={"rows": 4})}

    field_order = [("authors_text" if name == "authors" else name) for name in SUGGESTION_SUBMITTED]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_tag_fields()
        self.fields["url"].widget.attrs["inputmode"] = "url"
        self.fields["submitter_email"].widget.attrs["autocomplete"] = "email"
        self.fields["submitter_name"].widget.attrs["autocomplete"] = "name"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not (data.get("url") or data.get("doi") or data.get("pmid")):
            raise ValidationError(
                _("Give a link, a DOI or a PubMed id, so curators can find the resource.")
            )
        return data

    def submitted_fields(self) -> dict[str, Any]:
        return _normalised(self.cleaned_data)


class NominationForm(_LinksMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The public "nominate a champion" form."""

    required_css_class = "required"

    consent = forms.BooleanField(
        required=True,
        label=_("The nominee agreed to be featured in the library."),
        error_messages={"required": _("Ask the nominee first: we only feature people who agreed.")},
    )

    class Meta:
        model = Nomination
        fields = [*_NOMINATION_FIELDS, "submitter_name", "submitter_email", "consent"]
        labels = {
            "nominee_name": _("Nominee's name"),
            "role": _("Role or position"),
            "story": _("What they did for health equity"),
            "links": _("Links (optional)"),
            "submitter_name": _("Your name"),
            "submitter_email": _("Your e-mail"),
        }
        help_texts = {
            "links": _(
                "Web pages about their work, one per line, starting with https:// or http://."
            ),
            "submitter_email": _(
                "Private: used only to tell you what became of your nomination; never shown or shared."
            ),
        }
        widgets = _NOMINATION_WIDGETS


class PasteForm(forms.Form):
    record = forms.CharField(
        label=_("Paste one RIS, BibTeX or MEDLINE record, or a DOI or PMID"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your answer"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )


# Curators


class CuratorSuggestionForm(_TagFieldsMixin, _ResourceMetadataMixin, forms.ModelForm):  # type: ignore[type-arg]
    required_css_class = "required"
    authors_text = SuggestionForm.base_fields["authors_text"]
    url = _url_field()
    resource_type = forms.ModelChoiceField(
        ResourceType.objects.active(), required=False, label=_("Type of resource")
    )
    evidence_level = forms.ModelChoiceField(
        EvidenceLevel.objects.active(), required=False, label=_("Evidence level")
    )

    class Meta:
        model = Suggestion
        fields = [
            *_SUGGESTION_IDENTITY,
            "organization",
            *SUGGESTION_BIBLIOGRAPHIC,
            "evidence_level",
            "need",
            "intervention",
            "results",
        ]
        labels = {**_SUGGESTION_LABELS, "pmid": _("PMID"), "venue": _("Journal, publisher or site")}
        help_texts = {"keywords": _("Separated by semicolons.")}
        widgets = {
            **_SUGGESTION_WIDGETS,
            "need": forms.Textarea(attrs={"rows": 3}),
            "intervention": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_tag_fields()
        if self.instance.pk and not self.is_bound:
            self.initial["authors_text"] = authors_text(self.instance.authors)
            for name in TAGS:
                if name in self.fields:
                    self.initial[name] = list(getattr(self.instance, name).all())

    def changes(self) -> dict[str, Any]:
        return _normalised(self.cleaned_data)


class CuratorNominationForm(_LinksMixin, forms.ModelForm):  # type: ignore[type-arg]
    required_css_class = "required"

    class Meta:
        model = Nomination
        fields = _NOMINATION_FIELDS
        widgets = _NOMINATION_WIDGETS

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the contributor)"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question for the contributor"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


_RESOURCE_REF = re.compile(r"(?:/resources/)?(\d+)(?:[-/].*)?$")


def resolve_resource(value: str) -> Resource:
    """A resource from its number or the address of its page."""
    match = _RESOURCE_REF.search(value.strip())
    resource = Resource.objects.filter(pk=int(match.group(1))).first() if match else None
    if resource is None:
        raise ValidationError(_("No resource has that number or address."))
    return resource


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into resource (number or page address)"),
        max_length=2000,
        help_text=_("Pick a suspected duplicate above, or type the resource's number or address."),
    )

    def clean_target(self) -> Resource:
        return resolve_resource(self.cleaned_data["target"])


class BulkDeclineForm(forms.Form):
    suggestions = forms.ModelMultipleChoiceField(
        Suggestion.objects.open(), required=False, widget=forms.MultipleHiddenInput
    )
    nominations = forms.ModelMultipleChoiceField(
        Nomination.objects.open(), required=False, widget=forms.MultipleHiddenInput
    )
    reason = forms.CharField(
        label=_("Reason (not e-mailed)"), max_length=LONG_TEXT_MAX, required=False, initial="Spam"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not (data.get("suggestions") or data.get("nominations")):
            raise ValidationError(_("Select at least one item to decline."))
        return data


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("all", _("All")),
            ("suggestion", _("Resource suggestions")),
            ("nomination", _("Champion nominations")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Open (pending or needs information)")),
            ("pending", _("Pending")),
            ("needs_info", _("Needs information")),
            ("published", _("Published")),
            ("declined", _("Declined")),
            ("merged", _("Merged")),
            ("all", _("All")),
        ],
    )
    claimed = forms.ChoiceField(
        label=_("Claimed"),
        required=False,
        choices=[
            ("any", _("Anyone or no one")),
            ("mine", _("By me")),
            ("unclaimed", _("Unclaimed")),
        ],
    )
    q = forms.CharField(label=_("Title or name contains"), required=False, max_length=200)


class ResourceSpotlightForm(forms.Form):
    resource = forms.CharField(label=_("Resource (number or page address)"), max_length=2000)
    summary = forms.CharField(
        label=_("Editorial summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(
        label=_("From (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_resource(self) -> Resource:
        return resolve_resource(self.cleaned_data["resource"])


class ChampionSpotlightForm(forms.Form):
    champion = forms.ModelChoiceField(
        queryset=Champion.objects.none(), label=_("Champion"), empty_label=None
    )
    starts_on = ResourceSpotlightForm.base_fields["starts_on"]
    ends_on = ResourceSpotlightForm.base_fields["ends_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["champion"]
        ).queryset = Champion.objects.published()


class RoleForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from socialmission.accounts import roles

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (r, roles.ROLE_LABELS[r]) for r in roles.ROLES
        ]

    def clean_username(self) -> Any:
        from socialmission.accounts.models import User

        user = User.objects.filter(
            username=self.cleaned_data["username"].strip(), is_active=True
        ).first()
        if user is None:
            raise ValidationError(
                _("No active user has this username. They must have an account first.")
            )
        return user


class DraftFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=200)
    resource_type = forms.ModelChoiceField(
        ResourceType.objects.all(), label=_("Type"), required=False, empty_label=_("Any type")
    )


class PublishDraftsForm(forms.Form):
    resources = forms.ModelMultipleChoiceField(
        Resource.objects.filter(status=Resource.Status.DRAFT),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Select at least one draft to publish.")},
    )


class NoticeForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail me about new suggestions and nominations"),
        choices=CuratorNotice.Frequency.choices,
        widget=forms.RadioSelect,
    )
