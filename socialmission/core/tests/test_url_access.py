"""Every URL of the site refuses everyone its class refuses: the sweep that cannot go stale.

The URL list is walked from the resolver, so a new pattern without a line in ``url_classes.URLS``
fails ``test_every_url_pattern_is_classified``. Each classified URL is then built from the sample
world (real ids, slugs and tokens) and from guessed ones, and requested by GET and POST as every
role ``url_classes.REFUSED`` names for its class. The per-app access tests
(``assessment/tests/test_access.py``, ``contributions/tests/test_permissions.py``) stay: they
check what each role may do, this one that nobody else gets in.
"""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from socialmission.core.tests import samples as world
from socialmission.core.tests import url_classes as classes
from socialmission.core.tests.url_classes import Access

pytestmark = pytest.mark.django_db


def test_every_url_pattern_is_classified() -> None:
    missing = classes.unclassified()
    assert not missing, "\n".join(
        [
            "These URL patterns have no access class. Add a line for each to URLS in "
            "socialmission/core/tests/url_classes.py (see docs/architecture.md, "
            '"How to add a URL"), e.g. "app:name": url(PUBLIC, pk="@resource.pk"):'
        ]
        + [f"  {p.key!r}  (route {p.route!r}, parameters {list(p.params)})" for p in missing]
    )


def test_every_entry_names_a_url_pattern() -> None:
    """A line left behind by a removed URL (or a misspelt name) is an error too."""
    keys = [p.key for p in classes.walk()]
    stale = [key for key in classes.URLS if key not in keys and not fnmatch.filter(keys, key)]
    assert stale == []


def test_every_class_states_whom_it_refuses() -> None:
    assert set(classes.REFUSED) == set(Access)
    assert all(classes.REFUSED[a] for a in Access if a is not Access.PUBLIC)


def test_a_new_pattern_fails_the_sweep_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.urls import clear_url_caches, path

    from socialmission import urls

    def view(request: Any) -> Any:
        raise AssertionError

    patterns = [path("brand-new/<int:pk>/", view, name="brand-new"), *urls.urlpatterns]
    monkeypatch.setattr(urls, "urlpatterns", patterns)
    clear_url_caches()
    try:
        assert [p.key for p in classes.unclassified()] == ["brand-new"]
    finally:
        monkeypatch.undo()
        clear_url_caches()


def _refused(rule: str, response: Any) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    if rule == "login":
        return status == 302 and location.startswith(settings.LOGIN_URL)
    if rule == "admin login":
        return status == 302 and location.startswith("/admin/login/")
    if rule == "invalid link":
        return status == 200 and b"new_password1" not in response.content
    return status == int(rule)


def _body(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def _fingerprint(samples: world.Samples) -> tuple[Any, ...]:
    """What a refused request must not have changed."""
    from socialmission.alerts.models import Alert
    from socialmission.assessment.models import Answer, Invitation, Membership, ShareLink
    from socialmission.contributions.models import (
        Nomination,
        ResourceSpotlight,
        Suggestion,
    )
    from socialmission.library.models import Resource
    from socialmission.linkhealth.models import Link

    def rows(model: Any, *fields: str) -> list[Any]:
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return (
        rows(Suggestion, "status", "claimed_by"),
        rows(Nomination, "status"),
        rows(Resource, "url", "title", "status"),
        rows(ResourceSpotlight),
        rows(Alert, "status"),
        rows(Membership, "role"),
        rows(Invitation, "accepted_at"),
        rows(ShareLink, "revoked_at"),
        rows(Answer, "value", "comment"),
        rows(type(samples.cycle), "status"),
        rows(Link, "address", "checked_by_hand_at"),
        rows(type(samples.user), "password", "is_active", "is_staff"),
    )


def _clients(samples: world.Samples) -> dict[str, Client]:
    people = {
        "anonymous": None,
        "wrong token": None,
        "user": samples.user,
        "curator": samples.curator,
        "editor-in-chief": samples.chief,
        "administrator": samples.administrator,
        "other school": samples.other_member,
    }
    return {role: world.signed_in(person) for role, person in people.items()}


def test_every_url_refuses_every_role_its_class_refuses(settings: Any) -> None:
    settings.CONTRIBUTIONS_MIN_FILL_SECONDS = 0
    samples = world.build()
    before = _fingerprint(samples)
    clients = _clients(samples)
    failures: list[str] = []
    requests = 0
    for pattern in classes.walk():
        entry = classes.entry_for(pattern.key)
        assert entry is not None, pattern.key  # test_every_url_pattern_is_classified says more
        for who, rule in classes.REFUSED[entry.access].items():
            role, _, variant = who.partition(", ")
            guessed = variant == "guessed" or role == "wrong token"
            client = clients[role]
            for address in classes.concrete(pattern, samples, guessed=guessed):
                # The admin refuses before dispatching on the method: one GET is enough there.
                methods = ("get",) if entry.access in (Access.ADMIN,) else ("get", "post")
                for method in methods:
                    cache.clear()  # rate limits count per client; this sweep is not abuse
                    response = getattr(client, method)(address)
                    requests += 1
                    body = _body(response)
                    # A view that never takes the method answers 405, whoever asks.
                    refused = _refused(rule, response) or response.status_code == 405
                    if not refused:
                        failures.append(
                            f"{method.upper()} {address} as {who} ({entry.access.value}): "
                            f"{response.status_code} {response.get('Location', '')}, "
                            f"expected {rule}"
                        )
                    leaked = [s for s in world.SECRETS if s in body]
                    if leaked:
                        failures.append(f"{method.upper()} {address} as {who} shows {leaked}")
    assert failures == [], "\n".join(failures)
    assert _fingerprint(samples) == before, "a refused request changed something"
    assert requests > 200  # the sweep really ran
