"""accounts.decorators: anonymous visitors are sent to sign in, users without the role get 403."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from socialmission.accounts import roles
from socialmission.accounts.decorators import curator_required, editor_required
from socialmission.accounts.tests.test_roles import make_user

pytestmark = pytest.mark.django_db


def page(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"page {pk}")


def call(decorator, user):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = user
    return decorator(page)(request, pk=7)


@pytest.mark.parametrize("decorator", [curator_required, editor_required])
def test_anonymous_visitors_are_sent_to_sign_in(decorator) -> None:  # type: ignore[no-untyped-def]
    response = call(decorator, AnonymousUser())
    assert response.status_code == 302
    assert response["Location"].endswith("?next=/somewhere/%3Fx%3D1")


@pytest.mark.parametrize(
    ("decorator", "allowed", "refused"),
    [
        (curator_required, (roles.CURATOR, roles.EDITOR_IN_CHIEF, roles.ADMINISTRATOR), ()),
        (editor_required, (roles.EDITOR_IN_CHIEF, roles.ADMINISTRATOR), (roles.CURATOR,)),
    ],
)
def test_roles(decorator, allowed, refused) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        call(decorator, make_user("nobody"))
    for role in refused:
        with pytest.raises(PermissionDenied):
            call(decorator, make_user(f"u-{role}", role))
    for role in allowed:
        assert call(decorator, make_user(f"u-{role}", role)).content == b"page 7"
    assert decorator(page).__name__ == "page"
