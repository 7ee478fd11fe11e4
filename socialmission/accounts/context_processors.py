"""Template context about the signed-in user's roles."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from socialmission.accounts.roles import is_curator


def roles(request: HttpRequest) -> dict[str, object]:
    return {"IS_CURATOR": SimpleLazyObject(lambda: is_curator(request.user))}
