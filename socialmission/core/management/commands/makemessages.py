"""Django's ``makemessages``, which also reads the Jinja2 templates (``make messages``).

Django's command reads Python files and Django templates; it cannot read the ``_()``,
``ngettext()`` and ``{% trans %}`` of the ``.jinja`` templates under ``socialmission/jinja2/``.
This command extracts those with the site's own Jinja2 environment (``core/jinja.py``: the
same i18n extension and the same ``trimmed`` policy the pages are translated with, through
``Environment.extract_translations``), adds them to the ``.pot`` that Django's command built
for that folder, before ``msguniq`` joins messages found in both engines and ``msgmerge``
updates each language's ``django.po``. No other tool is needed than Django's own (GNU
gettext: ``xgettext``, ``msguniq``, ``msgmerge``, ``msgattrib``).

Run from ``socialmission/`` (as ``make messages`` does), so that paths in the catalog read
``library/views.py`` and ``jinja2/library/search.jinja``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.commands import makemessages
from django.template import engines

JINJA_ENGINE = "jinja2"


def jinja_messages(root: Path) -> Iterator[tuple[str, int, str, str | None]]:
    """(path, line, singular, plural or None) for each message of every ``.jinja`` template of
    the Jinja2 engine under ``root``; paths relative to ``root``."""
    env = engines[JINJA_ENGINE].env  # type: ignore[attr-defined]
    for directory in engines[JINJA_ENGINE].template_dirs:  # type: ignore[attr-defined]
        for path in sorted(Path(directory).rglob("*.jinja")):
            source = path.read_text(encoding="utf-8")
            name = os.path.relpath(path, root)
            for line, _function, message in env.extract_translations(source):
                strings = message if isinstance(message, tuple) else (message,)
                strings = tuple(s for s in strings if isinstance(s, str))
                if strings:
                    yield name, line, strings[0], strings[1] if len(strings) > 1 else None


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    return f'"{escaped}"'


def pot_entries(messages: Iterable[tuple[str, int, str, str | None]]) -> str:
    """The messages as a POT file (a header, then one entry per occurrence; msguniq joins
    them)."""
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for path, line, singular, plural in messages:
        out.append(f"#: {path}:{line}")
        if "%" in singular or (plural and "%" in plural):
            out.append("#, python-format")
        out.append(f"msgid {_quote(singular)}")
        if plural is None:
            out.append('msgstr ""')
        else:
            out += [f"msgid_plural {_quote(plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
        out.append("")
    return "\n".join(out) + "\n"


class Command(makemessages.Command):
    help = makemessages.Command.help + (
        "\n\nThis project's version also reads the Jinja2 templates (socialmission/jinja2/)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Tests' strings are no messages, and static/ holds no Python or Django templates.
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), "tests", "static"]
        super().handle(*args, **options)

    def process_files(self, file_list: Any) -> None:
        super().process_files(file_list)
        if self.domain != "django" or self.default_locale_path is None:
            return
        # Where LOCALE_PATHS points (Django's command made it): the jinja2/ folder has no
        # locale folder of its own.
        potfile = Path(self.default_locale_path) / f"{self.domain}.pot"
        makemessages.write_pot_file(str(potfile), pot_entries(jinja_messages(Path.cwd())))
