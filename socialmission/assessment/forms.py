"""Forms of the self-assessment pages; answers are read field by field in views (one per indicator)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialmission.accounts.models import User
from socialmission.assessment.models import Institution, InstrumentVersion, Membership
from socialmission.library.models import Profession


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    professions = forms.ModelMultipleChoiceField(
        label=_("Professions"),
        queryset=Profession.objects.active(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ownership = forms.ChoiceField(
        label=_("Public or private"), choices=Institution.Ownership.choices
    )
    state = forms.CharField(label=_("State"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=100, initial="United States")
    lead_email = forms.EmailField(label=_("E-mail of the first lead"))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Institution.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("An institution with this name exists already."))
        return name


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial="contributor"
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class CycleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=InstrumentVersion.objects.order_by("-loaded_at"),
        required=False,
        empty_label=_("The library's default instrument"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].initial = timezone.now().year


class AccountForm(UserCreationForm):  # type: ignore[type-arg]
    """Create an account while accepting an invitation; the e-mail is the invitation's."""

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined,misc]
        model = User
        fields = ("username", "first_name", "last_name")
