"""The roles of the library, as named Django groups, and the checks views and services use."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialmission.accounts.models import User

CURATOR = "Curator"
EDITOR_IN_CHIEF = "Editor-in-chief"
ADMINISTRATOR = "Administrator"
ROLES = (CURATOR, EDITOR_IN_CHIEF, ADMINISTRATOR)
# The group names are data (stored, compared); people read these labels.
ROLE_LABELS: dict[str, Promise] = {
    CURATOR: _("Curator"),
    EDITOR_IN_CHIEF: _("Editor-in-chief"),
    ADMINISTRATOR: _("Administrator"),
}


def role_label(role: str) -> str:
    """The role's name in the reader's language (an unknown group name as it is)."""
    return str(ROLE_LABELS.get(role, role))


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    """True when the user is active and in one of ``roles``; superusers hold every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=roles).exists()


def is_curator(user: User | AnonymousUser) -> bool:
    return has_role(user, CURATOR, EDITOR_IN_CHIEF, ADMINISTRATOR)


def is_editor_in_chief(user: User | AnonymousUser) -> bool:
    return has_role(user, EDITOR_IN_CHIEF, ADMINISTRATOR)
