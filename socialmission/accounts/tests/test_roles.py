"""Role groups from the data migration, granting roles, and who may grant which."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from socialmission.accounts import roles, services
from socialmission.accounts.models import User

pytestmark = pytest.mark.django_db


def make_user(username: str, *role_names: str) -> User:
    user = User.objects.create_user(username=username, password="x")
    for name in role_names:
        user.groups.add(Group.objects.get(name=name))
    return user


def test_migration_creates_the_three_groups_with_admin_permissions() -> None:
    curator = Group.objects.get(name=roles.CURATOR)
    editor = Group.objects.get(name=roles.EDITOR_IN_CHIEF)
    admin = Group.objects.get(name=roles.ADMINISTRATOR)
    curator_perms = set(curator.permissions.values_list("codename", flat=True))
    editor_perms = set(editor.permissions.values_list("codename", flat=True))
    assert {"change_resource", "change_suggestion", "view_domain"} <= curator_perms
    assert "change_domain" not in curator_perms and "add_resourcespotlight" not in curator_perms
    assert {"change_domain", "add_synonym", "add_resourcespotlight"} <= editor_perms
    assert curator_perms < editor_perms
    assert admin.permissions.count() > editor.permissions.count()


def test_grant_role_command() -> None:
    user = make_user("alice")
    out = StringIO()
    call_command("grant_role", "alice", roles.CURATOR, stdout=out)
    assert "alice now holds the Curator role" in out.getvalue()
    assert roles.is_curator(user) and not roles.is_editor_in_chief(user)
    call_command("grant_role", "alice", roles.CURATOR, "--revoke", stdout=out)
    assert not roles.is_curator(user)
    with pytest.raises(CommandError, match="No user named"):
        call_command("grant_role", "nobody", roles.CURATOR)


def test_editor_in_chief_manages_curators_only() -> None:
    editor = make_user("edie", roles.EDITOR_IN_CHIEF)
    target = make_user("bob")
    services.grant_role(actor=editor, user=target, role=roles.CURATOR)
    assert roles.is_curator(target)
    with pytest.raises(PermissionDenied):
        services.grant_role(actor=editor, user=target, role=roles.EDITOR_IN_CHIEF)
    with pytest.raises(PermissionDenied):
        services.grant_role(actor=make_user("carl", roles.CURATOR), user=target, role=roles.CURATOR)
    administrator = make_user("ann", roles.ADMINISTRATOR)
    services.grant_role(actor=administrator, user=target, role=roles.EDITOR_IN_CHIEF)
    target.refresh_from_db()
    assert roles.is_editor_in_chief(target) and target.is_staff


def test_curators_page(client: Any) -> None:
    editor = make_user("edie", roles.EDITOR_IN_CHIEF)
    make_user("bob")
    client.force_login(editor)
    url = reverse("contributions:curators")
    response = client.post(
        url, {"username": "bob", "role": roles.CURATOR, "action": "grant"}, follow=True
    )
    assert "bob now holds the Curator role" in response.text
    assert roles.is_curator(User.objects.get(username="bob"))
    response = client.post(url, {"username": "bob", "role": roles.ADMINISTRATOR, "action": "grant"})
    assert response.status_code == 400
    assert "You may not change who holds the Administrator role" in response.text
    response = client.post(url, {"username": "ghost", "role": roles.CURATOR, "action": "grant"})
    assert "No active user has this username" in response.text
    response = client.post(
        url, {"username": "bob", "role": roles.CURATOR, "action": "revoke"}, follow=True
    )
    assert not roles.is_curator(User.objects.get(username="bob"))

    curator_client = Client()
    curator_client.force_login(make_user("carl", roles.CURATOR))
    assert curator_client.get(url).status_code == 403
    assert (
        curator_client.post(url, {"username": "carl", "role": roles.ADMINISTRATOR}).status_code
        == 403
    )
