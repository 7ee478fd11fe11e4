"""Every URL pattern of the site and who may use it: the one table of the access and privacy sweeps.

``test_url_access.py`` walks ``get_resolver()`` (through every include, the admin's too) and
fails on a pattern that no entry of ``URLS`` matches; it then requests each classified URL as
every role the class refuses (``REFUSED``). ``interop/tests/test_privacy.py`` reads every
``PUBLIC`` URL for private data. To add a URL, add one line to ``URLS`` (docs/architecture.md,
"How to add a URL"):

    "app:name": url(PUBLIC, pk="@resource.pk", slug="@resource.slug"),

A key is a URL name with its namespaces (``library:resource``), a glob over such names
(``admin:alerts_*``: the longest matching key wins) or, for a pattern without a name, its
route. Parameters: ``"@path"`` is read from the sample world (``samples.py``: ``@resource.pk``,
``@alert.confirm_token``), a tuple means "each of these", anything else is literal; a parameter
not given is guessed (``1`` for an int, ``"x"`` otherwise). ``query`` is a query string added
to the URL; ``ok`` is the status a public URL answers with its sample parameters (the privacy
sweep checks it).
"""

from __future__ import annotations

import enum
import fnmatch
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse


class Access(enum.Enum):
    PUBLIC = "public"
    SIGNED_IN = "any signed-in user"
    TOKEN = "contributor link (holds a private token)"
    RESET_LINK = "password-reset link (Django's own)"
    CURATOR = "curator"
    EDITOR = "editor-in-chief"
    ADMIN = "the admin site (staff; model permissions decide within)"
    ADMINISTRATOR = "administrator (admin pages holding addresses, logs or accounts)"
    SCHOOL = "school member (lead or contributor of the institution)"


PUBLIC = Access.PUBLIC
SIGNED_IN = Access.SIGNED_IN
TOKEN = Access.TOKEN
RESET_LINK = Access.RESET_LINK
CURATOR = Access.CURATOR
EDITOR = Access.EDITOR
ADMIN = Access.ADMIN
ADMINISTRATOR = Access.ADMINISTRATOR
SCHOOL = Access.SCHOOL

# How a refusal looks, stated once: "login" is a 302 to the site's sign-in page, "admin login"
# a 302 to the admin's, "invalid link" Django's 200 page without the new-password form; a number
# is that status. "wrong token" requests the URL anonymously with a well-shaped token that was
# never issued; "guessed" with ids and slugs of no object. Each is asked by GET and by POST
# (the admin: GET only, it refuses before looking at the method); a view that never takes the
# method may answer 405 instead, whoever asks. Every refused request leaves the sample world
# unchanged and never shows its private data (samples.SECRETS).
REFUSED: dict[Access, dict[str, str]] = {
    PUBLIC: {},
    SIGNED_IN: {"anonymous": "login"},
    TOKEN: {"wrong token": "404"},
    RESET_LINK: {"wrong token": "invalid link"},
    CURATOR: {"anonymous": "login", "user": "403", "user, guessed": "403"},
    EDITOR: {"anonymous": "login", "user": "403", "curator": "403", "curator, guessed": "403"},
    ADMIN: {"anonymous": "admin login", "user": "admin login"},
    ADMINISTRATOR: {"anonymous": "admin login", "user": "admin login", "curator": "403"},
    SCHOOL: {
        "anonymous": "login",
        "user": "404",
        "curator": "404",
        "editor-in-chief": "404",
        "administrator": "404",
        "other school": "404",
        "other school, guessed": "404",
    },
}


@dataclass(frozen=True)
class Entry:
    access: Access
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    ok: int = 200


def url(access: Access, *, query: str = "", ok: int = 200, **kwargs: Any) -> Entry:
    return Entry(access, kwargs, query, ok)


_EXPORT = {"fmt": "@export_formats"}

URLS: dict[str, Entry] = {
    # library
    "library:home": url(PUBLIC),
    "library:search": url(PUBLIC, query="q=rural"),
    "library:resource": url(PUBLIC, pk="@resource.pk", slug="@resource.slug"),
    "library:resource-short": url(PUBLIC, pk="@resource.pk", ok=301),
    "library:healthz": url(PUBLIC),
    "library:gap-map": url(PUBLIC, query="profession=medicine"),
    "library:advanced-search": url(PUBLIC, query="title=rural"),
    # interop: protocols and exports
    "interop:oai": url(PUBLIC, query="verb=ListRecords&metadataPrefix=oai_dc"),
    "interop:api-v1:api-root": url(
        PUBLIC, ok=302
    ),  # shadowed by interop:api-root, the redirect to the docs
    "interop:api-root": url(PUBLIC, ok=302),
    "interop:api-slash": url(PUBLIC, rest="resources", ok=301),
    "interop:api-v1:openapi-json": url(PUBLIC),
    "interop:api-v1:openapi-view": url(PUBLIC),
    "interop:api-v1:resources": url(PUBLIC, query="q=rural"),
    "interop:api-v1:resource": url(PUBLIC, resource_id="@resource.pk"),
    "interop:api-v1:vocabularies": url(PUBLIC),
    "interop:api-v1:vocabulary": url(PUBLIC, key="@facet_keys"),
    "interop:feed-new-atom": url(PUBLIC),
    "interop:feed-new-rss": url(PUBLIC),
    "interop:feed-search-atom": url(PUBLIC, query="q=rural"),
    "interop:feed-search-rss": url(PUBLIC, query="q=rural"),
    "interop:sitemap": url(PUBLIC),
    "interop:sitemap-section": url(PUBLIC, section="@sitemap_sections"),
    "interop:robots": url(PUBLIC),
    "exports:resource": url(PUBLIC, pk="@resource.pk", **_EXPORT),
    "exports:search": url(PUBLIC, query="q=rural", **_EXPORT),
    "exports:library": url(PUBLIC, **_EXPORT),
    "exports:import": url(CURATOR),
    # guides
    "guides:list": url(PUBLIC),
    "guides:detail": url(PUBLIC, slug="@guide.slug"),
    "guides:export": url(PUBLIC, slug="@guide.slug", **_EXPORT),
    # contributions
    "contributions:index": url(PUBLIC),
    "contributions:suggest": url(PUBLIC),
    "contributions:nominate": url(PUBLIC),
    "contributions:status": url(TOKEN, token="@suggestion.token"),
    "contributions:champions": url(PUBLIC),
    "contributions:champion": url(PUBLIC, pk="@champion.pk", slug="@champion.slug"),
    "contributions:champion-short": url(PUBLIC, pk="@champion.pk", ok=301),
    "contributions:lookup-status": url(PUBLIC, query="kind=doi&value=10.1000/sample"),
    "contributions:queue": url(CURATOR),
    "contributions:drafts": url(CURATOR),
    "contributions:notices": url(CURATOR),
    "guides_manage:list": url(CURATOR),
    "guides_manage:create": url(CURATOR),
    "guides_manage:edit": url(CURATOR, pk="@guide.pk"),
    "guides_manage:item-add": url(CURATOR, pk="@guide.pk"),
    "guides_manage:item-note": url(CURATOR, pk="@guide.pk", item_pk="@guide_item.pk"),
    "guides_manage:item-move": url(CURATOR, pk="@guide.pk", item_pk="@guide_item.pk"),
    "guides_manage:item-remove": url(CURATOR, pk="@guide.pk", item_pk="@guide_item.pk"),
    "contributions:bulk-decline": url(CURATOR),
    "contributions:suggestion": url(CURATOR, pk="@suggestion.pk"),
    "contributions:nomination": url(CURATOR, pk="@nomination.pk"),
    "contributions:resource-history": url(CURATOR, pk="@resource.pk"),
    "contributions:resource-revert": url(CURATOR, pk="@resource.pk", history_id="@history_id"),
    "contributions:spotlights": url(EDITOR),
    "contributions:curators": url(EDITOR),
    "contributions:spotlight-remove": url(EDITOR, kind="resource", pk="@resource_spotlight.pk"),
    "linkhealth:queue": url(CURATOR),
    "linkhealth:take-new-address": url(CURATOR, pk="@link.pk"),
    "linkhealth:checked-by-hand": url(CURATOR, pk="@link.pk"),
    # alerts: the form is public; the rest are private links from the subscriber's e-mails
    "alerts:new": url(PUBLIC, query="q=rural"),
    "alerts:confirm": url(TOKEN, token="@alert.confirm_token"),
    "alerts:manage": url(TOKEN, token="@alert.subscriber.manage_token"),
    "alerts:unsubscribe": url(TOKEN, token="@alert.unsubscribe_token"),
    # assessment
    "assessment:index": url(PUBLIC),
    "assessment:national": url(PUBLIC),
    "assessment:national-export": url(EDITOR),
    "assessment:manage": url(EDITOR),
    "assessment:manage-reopen": url(EDITOR, pk="@cycle.pk"),
    "assessment:institution": url(SCHOOL, pk="@school.pk"),
    "assessment:invite": url(SCHOOL, pk="@school.pk"),
    "assessment:new-cycle": url(SCHOOL, pk="@school.pk"),
    "assessment:remove-member": url(SCHOOL, pk="@membership.pk"),
    "assessment:member-role": url(SCHOOL, pk="@membership.pk"),
    "assessment:invitation": url(TOKEN, token="@invitation.token"),
    "assessment:cycle": url(SCHOOL, pk="@cycle.pk"),
    "assessment:domain": url(SCHOOL, pk="@cycle.pk", slug="community-engagement"),
    "assessment:answer": url(SCHOOL, pk="@cycle.pk", indicator="PAG-1"),
    "assessment:submit": url(SCHOOL, pk="@cycle.pk"),
    "assessment:reopen": url(SCHOOL, pk="@cycle.pk"),
    "assessment:report": url(SCHOOL, pk="@cycle.pk"),
    "assessment:answers-export": url(SCHOOL, pk="@cycle.pk"),
    "assessment:scores-export": url(SCHOOL, pk="@cycle.pk"),
    "assessment:share": url(SCHOOL, pk="@cycle.pk"),
    "assessment:revoke-share": url(SCHOOL, pk="@share.pk"),
    "assessment:shared-report": url(TOKEN, token="@share.token"),
    # Django's account pages
    "login": url(PUBLIC),
    "logout": url(PUBLIC, ok=405),  # POST only
    "password_change": url(SIGNED_IN),
    "password_change_done": url(SIGNED_IN),
    "password_reset": url(PUBLIC),
    "password_reset_done": url(PUBLIC),
    "password_reset_confirm": url(RESET_LINK, uidb64="@reset_uid", token="@reset_token"),
    "password_reset_complete": url(PUBLIC),
    # the admin: staff only, model permissions decide within; private rows for administrators
    "admin:*": url(ADMIN),
    # unnamed: the admin's redirects from an object's old address to its change page (whose
    # own line decides who sees it) and its catch-all
    "admin/*": url(ADMIN),
    "admin:login": url(PUBLIC),
    "admin:logout": url(PUBLIC, ok=302),  # POST only: a GET goes back to the admin
    "admin:jsi18n": url(ADMIN),
    "admin:app_list": url(ADMIN, app_label="library"),
    "admin:alerts_*": url(ADMINISTRATOR),
    "admin:core_*": url(ADMINISTRATOR),
    "admin:django_tasks_database_*": url(ADMINISTRATOR),
    "admin:axes_*": url(ADMINISTRATOR),
    "admin:accounts_*": url(ADMINISTRATOR),
    "admin:auth_*": url(ADMINISTRATOR),
    # uploaded files (champions' photos, by extension): nothing private is uploaded
    "^media/(?P<path>.*)$": url(PUBLIC, path="none.jpg", ok=404),
}


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its key in ``URLS``, the name to reverse, its parameters and route."""

    key: str
    name: str | None
    params: tuple[str, ...]
    route: str
    callback: Any


def walk(patterns: list[Any] | None = None, prefix: str = "", ns: str = "") -> Iterator[Pattern]:
    """Every URL pattern the site resolves, through every include."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{ns}{p.name}" if p.name else None
            regex = p.pattern.regex
            # Positional groups (re_path without names) are parameters _0, _1, …
            params = tuple(regex.groupindex) or tuple(f"_{i}" for i in range(regex.groups))
            route = prefix + str(p.pattern)
            yield Pattern(name or route, name, params, route, p.callback)


def entry_for(key: str) -> Entry | None:
    if key in URLS:
        return URLS[key]
    globs = [k for k in URLS if "*" in k and fnmatch.fnmatchcase(key, k)]
    return URLS[max(globs, key=len)] if globs else None


def unclassified() -> list[Pattern]:
    return [p for p in walk() if entry_for(p.key) is None]


def _value(value: Any, samples: Any) -> tuple[Any, ...]:
    if isinstance(value, str) and value.startswith("@"):
        value = samples.resolve(value[1:])
    return value if isinstance(value, tuple) else (value,)


def concrete(pattern: Pattern, samples: Any, *, guessed: bool = False) -> list[str]:
    """The URLs of ``pattern`` filled from the sample world (or with guessed parameters)."""
    entry = entry_for(pattern.key)
    assert entry is not None
    choices = []
    for param in pattern.params:
        if param in entry.kwargs:
            values = _value(entry.kwargs[param], samples)
        elif param == "object_id" and pattern.name and pattern.name.startswith("admin:"):
            values = (_admin_object_id(pattern.name),)
        else:
            values = ("1",) if param.endswith("id") or param.startswith("_") else ("x",)
        if guessed:
            values = tuple(guess(param, v) for v in values)
        choices.append(values)
    urls = []
    for combination in itertools.product(*choices):
        kwargs = {param: str(v) for param, v in zip(pattern.params, combination, strict=True)}
        if pattern.name is not None and pattern.params[:1] == ("_0",):
            path = reverse(pattern.name, args=list(kwargs.values()))
        elif pattern.name is not None:
            path = reverse(pattern.name, kwargs=kwargs)
        else:  # an unnamed pattern: its route's parameters replaced in place
            path = pattern.route
            for param, value in kwargs.items():
                path = re.sub(rf"<(\w+:)?{param}>|\(\?P<{param}>[^)]*\)", value, path)
            path = "/" + path.replace("^", "").replace("$", "")
        urls.append(f"{path}?{entry.query}" if entry.query else path)
    return urls


def _admin_object_id(name: str) -> str:
    """The id of a row of the model an admin URL name is about (``admin:<app>_<model>_<view>``)."""
    from django.contrib import admin

    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            first = model._default_manager.order_by("pk").first()
            return str(first.pk) if first else "1"
    return "1"


def guess(param: str, value: Any) -> Any:
    """A value of the same shape as ``value`` that names nothing in the sample world."""
    text = str(value)
    if text.isdigit():
        return int(text) + 100_000
    if param == "token":
        # Same length and alphabet, every character changed: a token nobody was given.
        return "".join("B" if c == "A" else "A" for c in text)
    if param == "slug":
        return "no-such-" + text
    return value
