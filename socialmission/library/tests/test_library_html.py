"""The result markup built in Python escapes exactly as Django's ``format_html`` does."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.library.search import FacetResult, FacetValue, ResultItem
from socialmission.library.templatetags.library_html import facet_values, result_item

_DOT = mark_safe('<span aria-hidden="true"> · </span>')


def reference_result_item(item: ResultItem) -> SafeString:
    """The result markup as ``format_html`` built it (before the direct escaping)."""
    badge = item.type[1]
    if item.evidence and item.evidence[0] != "not-assessed":
        badge = f"{badge} · {item.evidence[1]}"
    title = mark_safe(item.title_html) if item.title_html else item.title  # noqa: S308
    meta = format_html("{}", item.byline)
    if item.year:
        meta = format_html("{}{}{}", meta, _DOT, item.year)
    if item.venue:
        meta = format_html("{}{}<cite>{}</cite>", meta, _DOT, item.venue)
    snippet: SafeString | str = ""
    if item.snippet:
        snippet = format_html('<p class="snippet">{}</p>', mark_safe(item.snippet))  # noqa: S308
    elif item.summary:
        snippet = format_html('<p class="snippet">{}</p>', item.summary)
    tags: SafeString | str = ""
    if item.tag_links:
        tags = format_html(
            '<ul class="tags" aria-label="Tags">{}</ul>',
            format_html_join(
                "", '<li><a href="{}">{}</a></li>', ((h, label) for label, h in item.tag_links)
            ),
        )
    return format_html(
        '<li class="result">\n  <p class="type-badge">{}</p>\n'
        '  <h3><a href="{}">{}</a></h3>\n  <p class="meta">{}</p>\n  {}\n  {}\n</li>',
        badge,
        item.url,
        title,
        meta,
        snippet,
        tags,
    )


def reference_facet_values(facet: FacetResult, part: str = "shown") -> SafeString:
    """A facet's checkboxes as ``format_html_join`` built them."""
    values = facet.more if part == "more" else facet.shown
    return format_html_join(
        "\n",
        '<li{}><input type="checkbox" id="f-{}-{}" name="{}" value="{}"{}>'
        '<label for="f-{}-{}">{} <span class="facet-count">({}'
        '<span class="visually-hidden"> {}</span>)</span></label></li>',
        (
            (
                "" if v.count or v.selected else mark_safe(' class="facet-zero"'),
                facet.key,
                v.slug,
                facet.key,
                v.slug,
                mark_safe(" checked") if v.selected else "",
                facet.key,
                v.slug,
                v.label,
                v.count,
                "resource" if v.count == 1 else "resources",
            )
            for v in values
        ),
    )


nasty = st.text(alphabet=st.sampled_from(list("ab <>&\"'é·…\n")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    title=nasty,
    title_html=st.one_of(st.just(""), st.just("<mark>a</mark> &amp; b")),
    snippet=st.one_of(st.just(""), st.just("… <mark>x</mark> &lt;y&gt;")),
    summary=nasty,
    byline=nasty,
    venue=nasty,
    year=st.one_of(st.none(), st.integers(1900, 2100)),
    labels=st.tuples(nasty, nasty),
    evidence=st.one_of(st.none(), st.tuples(st.sampled_from(["not-assessed", "promising"]), nasty)),
    tags=st.lists(st.tuples(nasty, nasty), max_size=4),
)
def test_result_markup_is_escaped_as_format_html_escapes_it(  # type: ignore[no-untyped-def]
    title, title_html, snippet, summary, byline, venue, year, labels, evidence, tags
) -> None:
    item = ResultItem(
        id=1,
        slug="s",
        title=title,
        title_html=title_html,
        snippet=snippet,
        description=summary,
        authors=[],
        organization="",
        year=year,
        venue=venue,
        type=labels,
        evidence=evidence,
        tags={},
        url=f"/resources/1-{title}/",
        tag_links=[(label, f"/search/?topic={href}&x=<y>") for label, href in tags],
        byline=byline,
    )
    assert str(result_item(item)) == str(reference_result_item(item))
    assert isinstance(result_item(item), SafeString)


def test_a_label_marked_safe_is_not_escaped_twice() -> None:
    item = _plain_item(
        type=("article", mark_safe("Art&amp;icle")),
        tag_links=[(mark_safe("<b>x</b>"), "/search/?a=1")],
    )
    assert str(result_item(item)) == str(reference_result_item(item))
    # The same text, not marked safe, after it: escaped (the tag cache tells the two apart).
    item.tag_links = [("<b>x</b>", "/search/?a=1")]
    assert "&lt;b&gt;x&lt;/b&gt;" in str(result_item(item))
    assert str(result_item(item)) == str(reference_result_item(item))


@settings(max_examples=200, deadline=None)
@given(
    key=st.sampled_from(["domain", "topic"]),
    values=st.lists(
        st.tuples(nasty, nasty, st.integers(0, 3), st.booleans()), min_size=0, max_size=5
    ),
)
def test_facet_markup_is_escaped_as_format_html_escapes_it(  # type: ignore[no-untyped-def]
    key, values
) -> None:
    every = [FacetValue(slug=s, label=lab, count=n, selected=sel) for s, lab, n, sel in values]
    facet = FacetResult(key=key, label="Domain", values=every, shown=every[:3], more=every[3:])
    for part in ("shown", "more"):
        assert str(facet_values(facet, part)) == str(reference_facet_values(facet, part))


def test_the_words_of_the_markup_go_through_gettext(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen-reader words ("3 resources", the "Tags" list's name) are translated, once
    per language and count."""
    from socialmission.library.templatetags import library_html

    def ngettext(singular: str, plural: str, count: int) -> str:
        return f"[{singular if count == 1 else plural}]"

    monkeypatch.setattr(library_html, "ngettext", ngettext)
    monkeypatch.setattr(library_html, "gettext", lambda message: f"[{message}]")
    monkeypatch.setattr(library_html, "get_language", lambda: "test-translated")
    library_html._resources.cache_clear()
    library_html._tags_list_open.cache_clear()
    try:
        facet = FacetResult(
            key="domain",
            label="Domain",
            values=[],
            shown=[
                FacetValue(slug="a", label="A", count=1, selected=False),
                FacetValue(slug="b", label="B", count=3, selected=False),
            ],
            more=[],
        )
        markup = facet_values(facet)
        assert '<span class="visually-hidden"> [resource]</span>' in markup
        assert '<span class="visually-hidden"> [resources]</span>' in markup
        item = _plain_item(tag_links=[("Rural", "/search/?topic=rural")])
        assert '<ul class="tags" aria-label="[Tags]">' in result_item(item)
    finally:
        library_html._resources.cache_clear()
        library_html._tags_list_open.cache_clear()


def _plain_item(**changes: Any) -> ResultItem:
    """A result with every optional part empty, changed where a test says."""
    values: dict[str, Any] = {
        "id": 1,
        "slug": "s",
        "title": "T",
        "title_html": "",
        "snippet": "",
        "description": "",
        "authors": [],
        "organization": "",
        "year": None,
        "venue": "",
        "type": ("article", "Article"),
        "evidence": None,
        "tags": {},
        "url": "/r/",
        "tag_links": [],
        "byline": "",
    }
    values.update(changes)
    return ResultItem(**values)
