from django import forms
from django.utils.translation import gettext_lazy as _

from socialmission.linkhealth.models import Kind, Status


class LinkFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Broken and moved")), *Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Link"), required=False, choices=[("", _("Any")), *Kind.choices]
    )
    q = forms.CharField(label=_("Title contains"), required=False, max_length=200)
