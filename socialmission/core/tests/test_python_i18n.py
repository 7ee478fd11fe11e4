"""Labels fixed in Python at import time go through gettext_lazy.

A model's or form's label, help text or choice label is made once, when its module is
imported, before any request says which language it wants: a plain ``str`` there stays
English on every page, form and admin screen. Only a lazy translation (``gettext_lazy``, a
``django.utils.functional.Promise``) is looked up in the reader's language when shown.

Checked, for every model of the project's apps: the model's ``verbose_name`` and
``verbose_name_plural``, each field's ``verbose_name`` and ``help_text``, and every ``choices``
label. None may be left to Django's default (the class or field name, English in any
language): the admin and the ModelForms show them. For every form class defined
in the package (its class-level fields, ``base_fields``): each field's label, help text and
choice labels, and every visible label must be lazy, whether written in the form or taken
from the model field (a ModelForm turns a field without a verbose name into an English
label). Fields a form adds in ``__init__`` are made per request, in the request's language,
and are not checked here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import socialmission

# Modules that are not imported to look for forms: tests, migrations, commands, entry points.
SKIPPED_PARTS = frozenset({"tests", "migrations", "management", "__main__", "wsgi", "asgi"})


def _is_lazy(value: object) -> bool:
    return isinstance(value, Promise)


def _choice_labels(choices: Iterable[Any]) -> Iterator[object]:
    """The labels of flat or grouped choices ((group, [(value, label), …]))."""
    for _value, label in choices:
        if isinstance(label, list | tuple):
            yield from _choice_labels(label)
        else:
            yield label


def model_field_problems(field: models.Field[Any, Any]) -> list[str]:
    problems = []
    if not _is_lazy(field.verbose_name):
        problems.append(f"verbose_name {field.verbose_name!r} is not gettext_lazy")
    if field.help_text and not _is_lazy(field.help_text):
        problems.append(f"help_text {field.help_text!r} is not gettext_lazy")
    problems += [
        f"choice label {label!r} is not gettext_lazy"
        for label in _choice_labels(field.choices or [])
        if not _is_lazy(label)
    ]
    return problems


def meta_problems(model: type[models.Model]) -> list[str]:
    # Django's defaults ("resource", format_lazy("{}s") of it) are English whatever the
    # language, so the names must be given, in the model's Meta (its own or inherited).
    given = model._meta.original_attrs
    return [
        f"Meta.{name} {given.get(name, '(not given)')!r} is not gettext_lazy"
        for name in ("verbose_name", "verbose_name_plural")
        if not _is_lazy(given.get(name))
    ]


def model_problems(model: type[models.Model]) -> list[str]:
    opts = model._meta
    problems = meta_problems(model)
    for field in opts.get_fields():
        # Reverse relations and the automatic primary key are Django's, not written here.
        if field.auto_created or not isinstance(field, models.Field) or field.model is not model:
            continue
        problems += [f"{field.name}: {problem}" for problem in model_field_problems(field)]
    return problems


def form_problems(form_class: type[forms.BaseForm]) -> list[str]:
    problems = []
    for name, field in form_class.base_fields.items():
        if field.widget.is_hidden:
            continue  # no label or help text is shown
        if not _is_lazy(field.label):
            label = field.label if field.label is not None else f"{name} (from the name)"
            problems.append(f"{name}: label {label!r} is not gettext_lazy")
        if field.help_text and not _is_lazy(field.help_text):
            problems.append(f"{name}: help_text {field.help_text!r} is not gettext_lazy")
        if isinstance(field, forms.ModelChoiceField):
            continue  # its choices are rows, named by the rows themselves
        if isinstance(field, forms.ChoiceField):
            problems += [
                f"{name}: choice label {label!r} is not gettext_lazy"
                for label in _choice_labels(field.choices)
                # A label without a letter (Django's "---------") says nothing to translate.
                if any(c.isalpha() for c in str(label)) and not _is_lazy(label)
            ]
    return problems


def project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("socialmission.")
        # django-simple-history's copies repeat the model's own fields.
        and not model.__name__.startswith("Historical")
    ]


def project_forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for info in pkgutil.walk_packages(socialmission.__path__, "socialmission."):
        if SKIPPED_PARTS & set(info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return [found[key] for key in sorted(found)]


def test_the_project_has_models_and_forms_to_check() -> None:
    # A discovery that found nothing would pass whatever the code says.
    assert len(project_models()) >= 20
    names = {form.__name__ for form in project_forms()}
    assert {"SuggestionForm", "NominationForm", "RoleForm", "ImportForm"} <= names


def test_model_labels_help_texts_and_choices_are_lazy_translations() -> None:
    problems = [
        f"{model._meta.label}: {problem}"
        for model in project_models()
        for problem in model_problems(model)
    ]
    assert problems == []


@pytest.mark.django_db
def test_form_labels_help_texts_and_choices_are_lazy_translations() -> None:
    problems = [
        f"{form.__module__}.{form.__name__}: {problem}"
        for form in project_forms()
        for problem in form_problems(form)
    ]
    assert problems == []


def test_the_checks_name_plain_text() -> None:
    """The checks can fail: plain text in each place is named, lazy text is not."""
    plain = models.CharField(
        "Title", help_text="Shown under the box.", choices=[("a", "Apple"), ("b", _("Banana"))]
    )
    plain.set_attributes_from_name("title")
    assert model_field_problems(plain) == [
        "verbose_name 'Title' is not gettext_lazy",
        "help_text 'Shown under the box.' is not gettext_lazy",
        "choice label 'Apple' is not gettext_lazy",
    ]
    grouped = models.CharField(_("kind"), choices=[("Fruit", [("a", "Apple")])])
    grouped.set_attributes_from_name("kind")
    assert model_field_problems(grouped) == ["choice label 'Apple' is not gettext_lazy"]

    lazy = models.CharField(
        _("title"), help_text=_("Shown under the box."), choices=[("a", _("A"))]
    )
    lazy.set_attributes_from_name("title")
    assert model_field_problems(lazy) == []
    unnamed = models.CharField()
    unnamed.set_attributes_from_name("short_title")  # Django's "short title": English only
    assert model_field_problems(unnamed) == ["verbose_name 'short title' is not gettext_lazy"]

    class Unnamed(models.Model):
        class Meta:
            abstract = True  # not registered with the app registry

    class Plain(models.Model):
        class Meta:
            abstract = True
            verbose_name = "plain thing"
            verbose_name_plural = _("plain things")

    class Named(models.Model):
        class Meta:
            abstract = True
            verbose_name = _("named thing")
            verbose_name_plural = _("named things")

    assert meta_problems(Unnamed) == [
        "Meta.verbose_name '(not given)' is not gettext_lazy",
        "Meta.verbose_name_plural '(not given)' is not gettext_lazy",
    ]
    assert meta_problems(Plain) == ["Meta.verbose_name 'plain thing' is not gettext_lazy"]
    assert meta_problems(Named) == []

    class MadeUp(forms.Form):
        name = forms.CharField(label="Name", help_text="Your name.")
        unnamed = forms.CharField()
        colour = forms.ChoiceField(label=_("Colour"), choices=[("", "---"), ("r", "Red")])
        fine = forms.CharField(label=_("Fine"), help_text=_("Lazy."))
        token = forms.CharField(widget=forms.HiddenInput)

    assert form_problems(MadeUp) == [
        "name: label 'Name' is not gettext_lazy",
        "name: help_text 'Your name.' is not gettext_lazy",
        "unnamed: label 'unnamed (from the name)' is not gettext_lazy",
        "colour: choice label 'Red' is not gettext_lazy",
    ]
