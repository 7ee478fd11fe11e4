"""The one place for role-checking view decorators.

A view wrapped in ``curator_required`` (or ``editor_required``) sends an anonymous visitor to the
sign-in page and answers 403 to a signed-in user without the role: ``core.views.RoleRequired``
carries the role's name and whom to ask for it to the 403 page. Services check the role again: a
decorator only makes the page fail early.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialmission.accounts import roles
from socialmission.core.views import RoleRequired

View = Callable[..., HttpResponse]


# Roles are given in the admin or with ``socialmission grant_role``: by an administrator.
ASK_FOR_A_ROLE = _("an administrator of this library")


def role_required(
    check: Callable[[Any], bool],
    refusal: str | Promise,
    *,
    role: str | Promise,
    ask: str | Promise = ASK_FOR_A_ROLE,
) -> Callable[[View], View]:
    """A decorator admitting only signed-in users for whom ``check(user)`` holds; others get
    the 403 page naming ``role`` and whom to ask for it."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise RoleRequired(refusal, role=role, ask=ask)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


curator_required = role_required(
    roles.is_curator, _("Only curators may see this page."), role=_("Curator")
)
editor_required = role_required(
    roles.is_editor_in_chief,
    _("Only the editor-in-chief may see this page."),
    role=_("Editor-in-chief"),
)
