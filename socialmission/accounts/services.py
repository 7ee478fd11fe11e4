"""Granting and revoking roles; the one place role membership changes.

An editor-in-chief manages curators; only an administrator grants or revokes the
editor-in-chief and administrator roles.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from socialmission.accounts import roles
from socialmission.accounts.models import User


def _check_actor(actor: User | Any, role: str) -> None:
    if actor is None:  # the command line: whoever runs it already controls the server
        return
    if role == roles.CURATOR and roles.is_editor_in_chief(actor):
        return
    if roles.has_role(actor, roles.ADMINISTRATOR):
        return
    raise PermissionDenied(
        gettext("You may not change who holds the %(role)s role.")
        % {"role": roles.role_label(role)}
    )


@transaction.atomic
def grant_role(*, actor: User | None, user: User, role: str) -> None:
    if role not in roles.ROLES:
        raise ValidationError(
            gettext("Unknown role %(role)s; choose one of %(roles)s.")
            % {"role": repr(role), "roles": ", ".join(roles.ROLES)}
        )
    _check_actor(actor, role)
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if role in (roles.EDITOR_IN_CHIEF, roles.ADMINISTRATOR) and not user.is_staff:
        # These roles work partly in the Django admin (vocabularies, champion photos).
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def revoke_role(*, actor: User | None, user: User, role: str) -> None:
    if role not in roles.ROLES:
        raise ValidationError(gettext("Unknown role %(role)s.") % {"role": repr(role)})
    _check_actor(actor, role)
    user.groups.remove(*Group.objects.filter(name=role))
