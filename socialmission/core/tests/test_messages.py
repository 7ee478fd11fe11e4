"""`make messages` extracts one catalog from both template engines and the Python code.

The command is this project's ``makemessages`` (core/management/commands/makemessages.py),
run as ``make messages`` runs it: from the package folder, into a language's ``django.po``.
It needs GNU gettext; ``make test`` installs it (scripts/install-gettext.sh), so only a
machine without it skips.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

import socialmission
from socialmission.core.management.commands.makemessages import jinja_messages, pot_entries

PACKAGE = Path(socialmission.__file__).parent

needs_gettext = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge", "msgattrib")),
    reason="GNU gettext is not installed (make gettext-deps)",
)


def entry(catalog: str, msgid: str) -> str:
    """The catalog's entry for ``msgid``: its comment lines and the msgid line."""
    lines = catalog.splitlines()
    index = lines.index(f'msgid "{msgid}"')
    start = index
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    return "\n".join(lines[start : index + 1])


@needs_gettext
def test_the_catalog_holds_messages_of_both_engines_and_python(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOCALE_PATHS = [tmp_path / "locale"]  # type: ignore[attr-defined]
    monkeypatch.chdir(PACKAGE)
    # A catalog a developer extracted into the package stays out of it.
    call_command("makemessages", locale=["es"], ignore_patterns=["locale"], verbosity=0)

    catalog = (tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text()
    # Only in a Jinja2 template (the search page's region).
    assert "jinja2/library/search_region.jinja:" in entry(
        catalog, "Skip the filters to the results"
    )
    # Only in a Django template (the footer of every page).
    assert "templates/base.html:" in entry(catalog, "For developers and librarians")
    # Only in Python (a role decorator's refusal).
    assert "accounts/decorators.py:" in entry(catalog, "Only curators may see this page.")
    # OAI-PMH's error texts, with their arguments as named placeholders for translators.
    assert "interop/oai.py:" in entry(catalog, "%(verb)s does not take the argument %(name)s.")
    # The texts of 404s (Django's 404 page in DEBUG shows them).
    assert "library/views.py:" in entry(catalog, "No such resource.")
    # A plural from a Jinja2 {% trans count %} keeps both forms.
    assert 'msgid_plural "%(num)s resources found"' in catalog
    # Tests' strings are not messages.
    assert "tests/" not in catalog


def test_jinja_messages_are_read_with_the_sites_environment() -> None:
    messages = list(jinja_messages(PACKAGE))
    paths = {path for path, _line, _singular, _plural in messages}
    assert "jinja2/library/search_region.jinja" in paths
    # {% trans %} blocks are trimmed, as the pages look them up.
    assert all("\n" not in singular for _path, _line, singular, _plural in messages)
    plurals = {(s, p) for _path, _line, s, p in messages if p}
    assert ("%(num)s resource found", "%(num)s resources found") in plurals


def test_pot_entries_quote_what_po_files_escape() -> None:
    pot = pot_entries(
        [
            ("jinja2/a.jinja", 3, 'Say "hi"\\now', None),
            ("jinja2/a.jinja", 4, "%(n)s item", "%(n)s items"),
        ]
    )
    assert '#: jinja2/a.jinja:3\nmsgid "Say \\"hi\\"\\\\now"\nmsgstr ""' in pot
    assert '#, python-format\nmsgid "%(n)s item"\nmsgid_plural "%(n)s items"' in pot
    assert pot.startswith('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
