"""``reverse()`` once per process for each (name, arguments): the page frame names the same
dozen or so addresses on every page, and each ``reverse()`` walks the URL patterns again (about
a tenth of a search page's CPU time went to it).

The cache is keyed on the script prefix and the active URLconf too, and emptied when a test
changes ROOT_URLCONF, so an answer is always the one ``reverse()`` would give.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=1024)
def _reverse(
    prefix: str, urlconf: Any, viewname: str, args: tuple[Any, ...], kwargs: tuple[Any, ...]
) -> str:
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def cached_reverse(viewname: str, *args: Any, **kwargs: Any) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs)``, computed once per process."""
    return _reverse(
        get_script_prefix(), get_urlconf(), viewname, tuple(args), tuple(sorted(kwargs.items()))
    )


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _reverse.cache_clear()
