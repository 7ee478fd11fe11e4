"""The one place for role-checking view decorators.

A view wrapped in ``curator_required`` (or ``editor_required``) sends an anonymous visitor to the
sign-in page and answers 403 to a signed-in user without the role. Services check the role again:
a decorator only makes the page fail early.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialmission.accounts import roles

View = Callable[..., HttpResponse]


def role_required(check: Callable[[Any], bool], refusal: str | Promise) -> Callable[[View], View]:
    """A decorator admitting only signed-in users for whom ``check(user)`` holds."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


curator_required = role_required(roles.is_curator, _("Only curators may see this page."))
editor_required = role_required(
    roles.is_editor_in_chief, _("Only the editor-in-chief may see this page.")
)
