"""The curator's import form: a file, default tags and status, dry run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from socialmission.interop.importer import ImportDefaults
from socialmission.library.facets import FACETS
from socialmission.library.models import Resource, ResourceType

# Files larger than this are refused before anything is parsed (settings.IMPORT_MAX_BYTES), by
# this form and by the import command alike.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bibliography file"),
        required=False,
        help_text=_(
            "RIS, BibTeX, CSL-JSON, MEDLINE (.nbib), PubMed XML, Web of Science or CSV; "
            "gzip-compressed files are fine."
        ),
    )
    # The token of a file kept from a dry run ("Import now"), instead of a new upload.
    staged = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    dry_run = forms.BooleanField(
        label=_("Dry run: show what would happen, save nothing"), required=False, initial=True
    )
    status = forms.ChoiceField(
        label=_("Status of new resources"),
        choices=[
            (Resource.Status.DRAFT, _("Draft (reviewed before publication)")),
            (Resource.Status.PUBLISHED, _("Published")),
        ],
        initial=Resource.Status.DRAFT,
        widget=forms.RadioSelect,
    )
    resource_type = forms.ModelChoiceField(
        label=_("Resource type for records that do not say"),
        queryset=ResourceType.objects.active(),
        to_field_name="slug",
        required=False,
        empty_label=_("From each record's own type"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One checkbox list per many-valued facet, after the fixed fields.
        for facet in FACETS.multiple():
            self.fields[facet.field] = forms.ModelMultipleChoiceField(
                queryset=facet.vocabulary.objects.active(),
                label=str(facet.plural),
                to_field_name="slug",
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload is None:
            if not self.data.get("staged"):
                raise forms.ValidationError(_("Choose a file to import."))
            return None
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload

    def tag_fields(self) -> list[forms.BoundField]:
        return [self[facet.field] for facet in FACETS.multiple()]

    def defaults(self) -> ImportDefaults:
        data = self.cleaned_data
        return ImportDefaults(
            tags={
                facet.key: [term.slug for term in data[facet.field]] for facet in FACETS.multiple()
            },
            resource_type=data["resource_type"].slug if data["resource_type"] else "",
        )
