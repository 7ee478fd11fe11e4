"""Users, with or without a role: the one factory every app's tests use."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from socialmission.accounts import roles
from socialmission.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Ada{n}")
    last_name = "Curie"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


def user_with_role(role: str | None, **fields: object) -> User:
    """A user in the role's group (``None``: an ordinary signed-in user); ``fields`` as on User."""
    user = UserFactory(**fields)
    if role:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


def curator(**fields: object) -> User:
    return user_with_role(roles.CURATOR, **fields)


def editor(**fields: object) -> User:
    return user_with_role(roles.EDITOR_IN_CHIEF, **fields)
