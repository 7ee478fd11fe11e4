from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from socialmission.alerts.models import Alert


class AlertForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Alert.Frequency.choices,
        initial=Alert.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often"), choices=Alert.Frequency.choices)
