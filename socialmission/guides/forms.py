"""Forms of the curators' guide pages; the changes themselves go through ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from socialmission.guides.models import ReadingGuide
from socialmission.guides.services import ANNOTATION_MAX, GUIDE_FIELDS


class GuideForm(forms.ModelForm):
    class Meta:
        model = ReadingGuide
        fields = list(GUIDE_FIELDS)
        labels = {
            "title": _("Title"),
            "slug": _("Web address (slug)"),
            "kind": _("Kind"),
            "summary": _("Summary"),
            "learning_objectives": _("Learning objectives"),
            "introduction": _("Introduction"),
            "is_published": _("Published (visible to everyone)"),
        }
        help_texts = {
            "slug": _("Letters, numbers and hyphens; the guide's address is /guides/<slug>/."),
            "summary": _("One or two sentences for lists."),
            "learning_objectives": _("One objective per line; shown as a list."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "learning_objectives": forms.Textarea(attrs={"rows": 4}),
            "introduction": forms.Textarea(attrs={"rows": 8}),
        }


class NoteForm(forms.Form):
    annotation = forms.CharField(
        label=_("Why read it"),
        required=False,
        max_length=ANNOTATION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResourceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a resource by title, DOI or PMID"), required=False, max_length=200
    )
