"""Jinja2 for the most rendered markup: the search page's content and the sections on it.

Django's template engine spent about a third of a search page's CPU time walking some 9,000
template nodes a page (issue 12). The search page's content, its in-place (htmx) region and
the sections other apps add to it are Jinja2 templates under ``socialmission/jinja2/``,
compiled to Python once; the page frame (``base.html``) stays a Django template, so every
other page is unchanged.

The environment (settings ``TEMPLATES``, the ``jinja2`` backend) has:

- autoescaping, as Django's engine: Django's ``SafeString`` and Jinja2's ``Markup`` both carry
  ``__html__``, so markup built in Python passes through either engine unescaped, and
  anything else is escaped;
- Django's translations: ``{% trans %}`` blocks and ``_()``/``gettext()``/``ngettext()``,
  new-style as ``jinja2.ext.i18n`` compiles them (the message translated, then its
  ``%(name)s`` placeholders filled with escaped values); a message without a count is
  translated once per process and language (``LANGUAGE_CODE``, set by ``render``/``module``,
  else the active language). Babel's Jinja2 extractor reads these templates' messages;
- ``url(name, *args, **kwargs)`` (``reverse``, once per process: ``core.reversing``),
  ``static(path)`` and ``sections(slot)`` (``core.sections``, which renders each app's section
  with its own engine).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.template import engines
from django.templatetags.static import static
from django.utils import translation
from django.utils.safestring import SafeString
from jinja2 import Environment, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from socialmission.core import sections
from socialmission.core.reversing import cached_reverse

ENGINE = "jinja2"


@functools.lru_cache(maxsize=4096)
def _translated(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


# Jinja2's new-style gettext, without its wrappers around wrappers: the message translated,
# then its %(name)s placeholders filled with the variables, escaped (the environment always
# escapes). ``num`` is ngettext's count, as in Jinja2's own.


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> Markup:
    # Django's gettext looks the active language up in a context-local on every call (some 30
    # calls a search page); a template's language is fixed while it renders.
    # Messages are the templates' own text (Jinja2 marks them safe too); variables are escaped.
    return Markup(_translated(_language(context), message)) % variables  # noqa: S704


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> Markup:
    # Rendered in the request's thread, in its active language.
    variables.setdefault("num", num)
    return Markup(translation.ngettext(singular, plural, num)) % variables  # noqa: S704


def _language(context: Context) -> str:
    # Set by render()/module(); a section rendered inside a Django page looks it up.
    return context.get("LANGUAGE_CODE") or translation.get_language()


@pass_context
def _sections(context: Context, slot: str) -> SafeString:
    return sections.render_slot(slot, context.get("request"), context.get_all())


def environment(**options: Any) -> Environment:
    # Always escaping, whatever the backend passes (Django's backend turns it on too).
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # The i18n extension compiles {% trans %} blocks to calls of gettext/ngettext (new style);
    # the globals it installs are then replaced by the ones above.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    # Multi-line {% trans %} blocks read as one message, as {% blocktranslate trimmed %} does.
    env.policies["ext.i18n.trimmed"] = True
    env.globals.update(url=cached_reverse, static=static, sections=_sections)
    return env


def get_template(name: str) -> Template:
    """The compiled Jinja2 template ``name`` (from ``socialmission/jinja2/``)."""
    return engines[ENGINE].env.get_template(name)  # type: ignore[attr-defined, no-any-return]


def render(name: str, context: Mapping[str, Any], request: HttpRequest | None = None) -> str:
    """``name`` rendered with ``context`` and the request: what Django's backend does, without
    its per-render CSRF and context-processor wrappers (these templates have no POST form)."""
    return get_template(name).render(_with_request(context, request))


def module(name: str, context: Mapping[str, Any], request: HttpRequest | None = None) -> Any:
    """``name`` rendered once, as a module: its output is ``__html__()``/``str()``, and each
    top-level ``{% set x %}…{% endset %}`` is an attribute (a page's title and head)."""
    return get_template(name).make_module(_with_request(context, request))


def _with_request(context: Mapping[str, Any], request: HttpRequest | None) -> dict[str, Any]:
    return {**context, "request": request, "LANGUAGE_CODE": translation.get_language()}
