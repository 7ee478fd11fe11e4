"""``cached_reverse`` answers as ``reverse`` does, under any script prefix and URLconf."""

from __future__ import annotations

from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from socialmission.core.reversing import cached_reverse


def test_it_gives_what_reverse_gives() -> None:
    assert cached_reverse("library:search") == reverse("library:search")
    assert cached_reverse("exports:search", fmt="csv") == reverse(
        "exports:search", kwargs={"fmt": "csv"}
    )
    assert cached_reverse("library:resource", pk=7, slug="a-b") == reverse(
        "library:resource", kwargs={"pk": 7, "slug": "a-b"}
    )


def test_the_script_prefix_is_part_of_the_answer() -> None:
    plain = cached_reverse("library:search")
    try:
        set_script_prefix("/library/")
        assert cached_reverse("library:search") == "/library" + plain == reverse("library:search")
    finally:
        set_script_prefix("/")
    assert cached_reverse("library:search") == plain


@override_settings(ROOT_URLCONF="socialmission.core.tests.urls_for_reversing")
def test_a_changed_urlconf_is_not_answered_from_the_cache() -> None:
    assert cached_reverse("library:search") == reverse("library:search") == "/elsewhere/"


def test_the_template_tag_escapes_as_url_does() -> None:
    rendered = Template("{% load core_urls %}{% cached_url 'library:search' %}").render(Context())
    assert rendered == Template("{% url 'library:search' %}").render(Context())
