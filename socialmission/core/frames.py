"""A page's frame (``base.html``: header, navigation, footer) rendered once, then reused.

For a reader who is not signed in and has no message waiting, the frame of a given page is the
same on every request but for a few holes: the page's title, head and content, and the address
"Sign in" returns to. ``render`` renders the page's Django template once with a marker in each
hole, keeps the pieces between the markers (per template, language, scheme and host) and
answers later requests by joining the pieces and the holes' values: about a millisecond of
Django's template engine saved on the search page, a tenth of its CPU time (issue 12).

Anyone else (a signed-in user, whose frame shows their name and roles; a request carrying a
session or a messages cookie, whose frame may show messages) gets the template rendered in
full, as does every request while ``DEBUG`` is on (so template edits show at once).

The page's template fills each hole with a variable of the hole's name, e.g. search.html::

    {% block title %}{{ title }}{% endblock %}
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as django_render
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

# Hosts are bounded by ALLOWED_HOSTS; this bounds the cache even where those are "*".
MAX_FRAMES = 64
_MARK = "\x00frame:{}\x00"

_frames: OrderedDict[tuple[Any, ...], list[str]] = OrderedDict()
_lock = threading.Lock()


def reusable(request: HttpRequest) -> bool:
    """Whether ``request`` sees the frame every anonymous reader sees."""
    # Signing in needs a session, and messages wait in a cookie or the session: without
    # either cookie the reader is anonymous and has no message to see.
    cookies = request.COOKIES
    return not (
        settings.DEBUG
        or settings.SESSION_COOKIE_NAME in cookies
        or CookieStorage.cookie_name in cookies
    )


def render(request: HttpRequest, template: str, holes: Mapping[str, SafeString]) -> HttpResponse:
    """``template`` rendered with ``holes`` (name → markup), from the kept pieces when the
    request allows (``reusable``)."""
    if not reusable(request):
        return django_render(request, template, dict(holes))
    # The frame marks the current page in the navigation (aria-current) by the view's name.
    view = getattr(request.resolver_match, "view_name", "")
    key = (
        template,
        view,
        translation.get_language(),
        request.scheme,
        request.get_host(),
        tuple(holes),
    )
    with _lock:
        pieces = _frames.get(key)
        if pieces is not None:
            _frames.move_to_end(key)
    if pieces is None:
        pieces = _pieces(request, template, tuple(holes))
        with _lock:
            _frames[key] = pieces
            while len(_frames) > MAX_FRAMES:
                _frames.popitem(last=False)
    # pieces alternate: markup, hole name, markup, …, markup.
    body = "".join(piece if index % 2 == 0 else holes[piece] for index, piece in enumerate(pieces))
    return HttpResponse(body)


def _pieces(request: HttpRequest, template: str, names: tuple[str, ...]) -> list[str]:
    marked = {name: mark_safe(_MARK.format(name)) for name in names}  # noqa: S308  no user text
    html = django_render(request, template, marked).content.decode()
    pieces: list[str] = []
    rest = html
    while True:
        start = rest.find("\x00frame:")
        if start < 0:
            pieces.append(rest)
            return pieces
        end = rest.index("\x00", start + 1)
        pieces += [rest[:start], rest[start + len("\x00frame:") : end]]
        rest = rest[end + 1 :]


def forget() -> None:
    with _lock:
        _frames.clear()


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs: Any) -> None:
    # A test that changes the site's name, the URL prefix or the templates gets a fresh frame.
    forget()
