"""The admin shows alert addresses to administrators only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.alerts.tests.factories import AlertFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def staff_with_role(role: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    group, _ = Group.objects.get_or_create(name=role)
    # Even a group that was given every permission on the alerts' models sees nothing.
    group.permissions.add(*Permission.objects.filter(content_type__app_label="alerts"))
    user.groups.add(group)
    return user


@pytest.mark.parametrize("role", [roles.CURATOR, roles.EDITOR_IN_CHIEF])
def test_curators_and_editors_do_not_see_alert_addresses(client: Client, role: str) -> None:
    alert = AlertFactory(subscriber=SubscriberFactory(email="private-reader@example.org"))
    client.force_login(staff_with_role(role, "staff"))
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/alerts/" not in index.content.decode()
    for url in (
        "/admin/alerts/subscriber/",
        f"/admin/alerts/subscriber/{alert.subscriber.pk}/change/",
        "/admin/alerts/alert/",
        f"/admin/alerts/alert/{alert.pk}/change/",
        "/admin/alerts/digest/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert b"private-reader" not in response.content


def test_administrators_see_addresses_and_cannot_edit_them(client: Client) -> None:
    alert = AlertFactory(subscriber=SubscriberFactory(email="private-reader@example.org"))
    client.force_login(staff_with_role(roles.ADMINISTRATOR, "admin"))
    listing = client.get("/admin/alerts/subscriber/?q=private-reader")
    assert listing.status_code == 200
    assert "private-reader@example.org" in listing.content.decode()
    change = client.get(f"/admin/alerts/subscriber/{alert.subscriber.pk}/change/")
    assert change.status_code == 200
    assert 'name="email"' not in change.content.decode()  # read-only
    assert client.get(f"/admin/alerts/alert/{alert.pk}/change/").status_code == 200
