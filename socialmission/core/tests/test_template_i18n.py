"""Every user-facing string of a Django template goes through gettext.

Each template of the project (every ``.html`` and ``.txt`` under the Django engine's
directories inside the package) is read with Django's own template lexer. What a reader sees
or hears must come from ``{% translate %}``/``{% blocktranslate %}`` or a variable: the text
between tags, ``<title>``, and the attributes a browser shows or a screen reader speaks
(``title``, ``alt``, ``placeholder``, ``aria-label``, ``aria-description``, ``label``, a
button's ``value``, the page's meta description). Text with no letter is not a message; nor are
comments, ``<script>``/``<style>``, addresses, and the few words in ``ALLOWED`` (names of
formats and protocols, the same in every language). Plain-text templates (e-mails) are all
visible text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import engines
from django.template.base import Lexer, TokenType

import socialmission

PACKAGE = Path(socialmission.__file__).parent

# Names that stay as they are in any language: data formats, protocols, identifiers.
ALLOWED = frozenset(
    {
        "Atom",
        "RSS",
        "CSV",
        "CSL-JSON",
        "RIS",
        "BibTeX",
        "JSON",
        "OAI-PMH",
        "DOI",
        "PMID",
        "PMCID",
        "ISBN",
        "PubMed",
        "URL",
        "htmx",
        "COinS",
    }
)

# Attributes a browser shows or a screen reader speaks.
VISIBLE_ATTRIBUTES = frozenset(
    {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
)

# Stands for a tag or variable in the text handed to the HTML parser: no letters, no quotes,
# no angle brackets, so it never changes how the markup around it parses.
HOLE = "\ue000"

# Blocks whose content is no visible text of the template: translated, commented, verbatim.
LEFT_OUT = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}

LETTER = re.compile(r"[^\W\d_]")
ADDRESS = re.compile(r"^(?:https?://|mailto:|/)\S*$")


@dataclass(frozen=True)
class Untranslated:
    template: str
    line: int
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line} ({self.where}): {self.text!r}"


def project_templates() -> list[Path]:
    """Every template file of the Django engine that lives in the package."""
    engine = engines["django"]
    found: set[Path] = set()
    for directory in engine.template_dirs:  # type: ignore[attr-defined]
        root = Path(directory).resolve()
        if not root.is_relative_to(PACKAGE):
            continue  # Django's admin and other installed packages
        found.update(p for p in root.rglob("*") if p.suffix in {".html", ".txt"})
    return sorted(found)


def with_holes(source: str) -> str:
    """``source`` with each template tag and variable replaced by ``HOLE``, and everything
    translated, commented or verbatim left out but its newlines (Django's tags are one line
    each, so the lines still match the file's)."""
    out: list[str] = []
    skipping: str | None = None  # the tag that ends the block being left out
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            out.append("\n" * token.contents.count("\n") if skipping else token.contents)
            continue
        name = token.contents.split()[0] if token.contents.split() else ""
        if skipping:
            if token.token_type == TokenType.BLOCK and name == skipping:
                skipping = None
                out.append(HOLE)
            continue
        if token.token_type == TokenType.BLOCK and name in LEFT_OUT:
            skipping = LEFT_OUT[name]
        if token.token_type != TokenType.COMMENT:
            out.append(HOLE)
    return "".join(out)


def is_message(text: str) -> bool:
    words = text.replace(HOLE, " ").split()
    words = [w.strip(".,:;()[]|·–—-") for w in words]
    words = [w for w in words if LETTER.search(w) and not ADDRESS.match(w) and w not in ALLOWED]
    return bool(words)


class _Visible(HTMLParser):
    def __init__(self, template: str) -> None:
        super().__init__(convert_charrefs=True)
        self.template = template
        self.found: list[Untranslated] = []
        self._raw: list[str] = []  # open <script>/<style>

    def _report(self, where: str, text: str) -> None:
        if is_message(text):
            line = self.getpos()[0]
            self.found.append(Untranslated(self.template, line, where, " ".join(text.split())))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._raw.append(tag)
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in VISIBLE_ATTRIBUTES:
                self._report(f"<{tag} {name}>", value)
            elif (
                name == "value"
                and tag == "input"
                and values.get("type") in {"submit", "button", "reset"}
            ):
                self._report(f"<{tag} {name}>", value)
            elif name == "content" and tag == "meta" and values.get("name") == "description":
                self._report(f"<{tag} {name}>", value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._raw.pop()

    def handle_endtag(self, tag: str) -> None:
        if self._raw and tag == self._raw[-1]:
            self._raw.pop()

    def handle_data(self, data: str) -> None:
        if not self._raw:
            self._report("text", data)


def untranslated(path: Path) -> list[Untranslated]:
    return untranslated_in(path, PACKAGE)


def untranslated_in(path: Path, root: Path) -> list[Untranslated]:
    name = str(path.relative_to(root))
    text = with_holes(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        return [
            Untranslated(name, number, "text", " ".join(line.split()))
            for number, line in enumerate(text.splitlines(), start=1)
            if is_message(line)
        ]
    parser = _Visible(name)
    parser.feed(text)
    parser.close()
    return parser.found


TEMPLATES = project_templates()


def test_every_template_of_the_project_is_read() -> None:
    names = {str(p.relative_to(PACKAGE)) for p in TEMPLATES}
    assert "templates/base.html" in names
    assert "templates/alerts/email/confirm.txt" in names
    assert len(names) > 90


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE / "templates")))
def test_template_text_goes_through_gettext(path: Path) -> None:
    found = untranslated(path)
    assert not found, "visible text outside translate tags:\n" + "\n".join(map(str, found))


def test_the_check_finds_text_and_attributes_and_leaves_out_code(tmp_path: Path) -> None:
    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}<h1>Welcome</h1>\n"
        '<img alt="Photo of {{ name }}" src="/a.png">\n'
        '<nav aria-label="{% translate "Main" %}">{% translate "Home" %} · CSV</nav>\n'
        "{% comment %}Not shown{% endcomment %}{# nor this #}<!-- nor this -->\n"
        "<script>const word = 'code';</script><style>p { color: red }</style>\n"
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %} https://example.org/x\n"
    )
    found = [(u.line, u.where, u.text) for u in untranslated_in(template, tmp_path)]
    assert found == [(1, "text", "Welcome"), (2, "<img alt>", "Photo of \ue000")]


def test_plain_text_templates_are_all_visible_text(tmp_path: Path) -> None:
    template = tmp_path / "mail.txt"
    template.write_text("{% load i18n %}{% translate 'Hi' %}\n\nDear {{ name }},\n— {{ site }}\n")
    assert [(u.line, u.text) for u in untranslated_in(template, tmp_path)] == [(3, "Dear \ue000,")]
