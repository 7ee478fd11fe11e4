"""The Jinja2 environment (core/jinja.py): escaping as Django's engine does, Django's
translations in the language of the render, and the helpers it offers."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from socialmission.core import jinja


def render(source: str, **context: object) -> str:
    template = engines[jinja.ENGINE].env.from_string(source)  # type: ignore[attr-defined]
    return template.render(LANGUAGE_CODE=translation.get_language(), **context)


def test_text_is_escaped_and_safe_markup_is_not() -> None:
    assert render("{{ x }}", x="<b>&") == "&lt;b&gt;&amp;"
    assert render("{{ x }}", x=mark_safe("<b>ok</b>")) == "<b>ok</b>"
    assert render("{{ _('Remove %(label)s', label=x) }}", x="<i>") == "Remove &lt;i&gt;"


def test_messages_are_translated_in_the_language_of_the_render(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jinja._translated.cache_clear()
    monkeypatch.setattr(
        translation, "gettext", lambda message: f"[{translation.get_language()}] {message}"
    )
    monkeypatch.setattr(
        translation,
        "ngettext",
        lambda one, many, n: f"[{translation.get_language()}] {one if n == 1 else many}",
    )
    try:
        with translation.override("es"):
            assert render("{{ _('Search') }}") == "[es] Search"
            assert render("{{ ngettext('%(num)s hit', '%(num)s hits', 3) }}") == "[es] 3 hits"
        with translation.override("en"):
            assert render("{{ _('Search') }}") == "[en] Search"
            assert (
                render(
                    "{% trans count=1 %}{{ count }} more{% pluralize %}{{ count }} more{% endtrans %}"
                )
                == "[en] 1 more"
            )
    finally:
        jinja._translated.cache_clear()


def test_urls_and_static_files() -> None:
    assert render("{{ url('library:search') }}") == "/search/"
    assert render("{{ static('css/site.css') }}").endswith("css/site.css")
