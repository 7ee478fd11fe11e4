"""Every assessment URL requested by people who may not see it, including by guessed ids and tokens.

The list of URLs is walked from the resolver, so a new view without a row here fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from socialmission.accounts import roles
from socialmission.accounts.tests.factories import curator, user_with_role
from socialmission.assessment import services
from socialmission.assessment.models import Membership
from socialmission.assessment.tests import factories as f

pytestmark = pytest.mark.django_db

SECRET = "Our confidential admissions memo"

# name -> (method, who may use it). "member": members of the institution only; "lead": its
# leads; "editor": editors-in-chief and administrators; "public": anyone; "token": whoever
# holds the token.
URLS: dict[str, tuple[str, str]] = {
    "index": ("get", "public"),
    "national": ("get", "public"),
    "national-export": ("get", "editor"),
    "manage": ("get", "editor"),
    "manage-reopen": ("post", "editor"),
    "institution": ("get", "member"),
    "invite": ("post", "member"),
    "new-cycle": ("post", "member"),
    "remove-member": ("post", "member"),
    "member-role": ("post", "member"),
    "invitation": ("get", "token"),
    "cycle": ("get", "member"),
    "domain": ("get", "member"),
    "answer": ("post", "member"),
    "submit": ("post", "member"),
    "reopen": ("post", "member"),
    "report": ("get", "member"),
    "answers-export": ("get", "member"),
    "scores-export": ("get", "member"),
    "share": ("post", "member"),
    "revoke-share": ("post", "member"),
    "shared-report": ("get", "token"),
}


def _assessment_names() -> set[str]:
    resolver = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "assessment"
    )
    return {p.name for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def test_every_assessment_url_is_classified() -> None:
    assert _assessment_names() == set(URLS)


@pytest.fixture
def world() -> dict[str, Any]:
    inst = f.institution("Private School")
    lead = f.member(inst, email="lead@example.org")
    cycle = f.cycle(inst, f.FULL_ANSWERS)
    services.save_answer(
        cycle=cycle, actor=lead, indicator_id="PAG-1", value="none", comment=SECRET
    )
    cycle = services.submit_cycle(cycle=cycle, actor=lead)
    link = services.create_share_link(cycle=cycle, actor=lead)
    invitation = services.invite_member(institution=inst, actor=lead, email="new@example.org")
    membership = Membership.objects.get(user=lead)
    real = {
        "pk": cycle.pk,
        "institution": inst.pk,
        "membership": membership.pk,
        "link": link.pk,
        "token": link.token,
        "invitation": invitation.token,
    }
    return {"cycle": cycle, "lead": lead, "real": real}


def _kwargs(name: str, ids: dict[str, Any]) -> dict[str, Any]:
    return {
        "institution": {"pk": ids["institution"]},
        "invite": {"pk": ids["institution"]},
        "new-cycle": {"pk": ids["institution"]},
        "remove-member": {"pk": ids["membership"]},
        "member-role": {"pk": ids["membership"]},
        "invitation": {"token": ids["invitation"]},
        "cycle": {"pk": ids["pk"]},
        "domain": {"pk": ids["pk"], "slug": "community-engagement"},
        "answer": {"pk": ids["pk"], "indicator": "PAG-1"},
        "submit": {"pk": ids["pk"]},
        "reopen": {"pk": ids["pk"]},
        "report": {"pk": ids["pk"]},
        "answers-export": {"pk": ids["pk"]},
        "scores-export": {"pk": ids["pk"]},
        "share": {"pk": ids["pk"]},
        "revoke-share": {"pk": ids["link"]},
        "shared-report": {"token": ids["token"]},
        "manage-reopen": {"pk": ids["pk"]},
    }.get(name, {})


def _outsiders() -> dict[str, Client]:
    clients = {"anonymous": Client()}
    other_inst = f.institution("Other School")
    for label, person in {
        "other member": f.member(other_inst),
        "curator": curator(),
        "administrator": user_with_role(roles.ADMINISTRATOR),
        "superuser": f.user(is_superuser=True, is_staff=True),
    }.items():
        client = Client()
        client.force_login(person)
        clients[label] = client
    return clients


def _body(response: Any) -> str:
    return response.content.decode("utf-8", "replace")


def test_outsiders_never_reach_a_member_url_nor_see_an_answer(world: dict[str, Any]) -> None:
    guessed = {k: (v + 1000 if isinstance(v, int) else "x" * 43) for k, v in world["real"].items()}
    for label, client in _outsiders().items():
        for name, (method, who) in URLS.items():
            if who not in ("member", "token"):
                continue
            for ids in (world["real"], guessed):
                if who == "token" and ids is world["real"]:
                    continue  # holding the real token is the point of a token
                url = reverse(f"assessment:{name}", kwargs=_kwargs(name, ids))
                response = getattr(client, method)(url, {"value-PAG-1": "institutionalised"})
                if label == "anonymous" and who == "member":
                    assert response.status_code == 302, (label, name, url)
                    assert response["Location"].startswith("/accounts/login/"), (label, name)
                else:
                    assert response.status_code == 404, (label, name, url, response.status_code)
                assert SECRET not in _body(response)
    world["cycle"].refresh_from_db()
    assert world["cycle"].is_submitted
    assert world["cycle"].answers.get(indicator="PAG-1").value == "none"


def test_editor_urls_refuse_everyone_else(world: dict[str, Any]) -> None:
    clients = _outsiders()
    for name, (method, who) in URLS.items():
        if who != "editor":
            continue
        url = reverse(f"assessment:{name}", kwargs=_kwargs(name, world["real"]))
        assert getattr(clients["anonymous"], method)(url).status_code == 302
        for label in ("other member", "curator"):
            assert getattr(clients[label], method)(url).status_code == 403, (label, name)
        lead = Client()
        lead.force_login(world["lead"])
        assert getattr(lead, method)(url).status_code == 403, ("lead", name)
        for label in ("administrator", "superuser"):
            response = getattr(clients[label], method)(url)
            assert response.status_code in (200, 302), (label, name)
            assert SECRET not in _body(response)


def test_public_pages_never_show_answers_or_names(world: dict[str, Any]) -> None:
    f.peers(5)
    for client in _outsiders().values():
        for name in ("index", "national"):
            body = _body(client.get(reverse(f"assessment:{name}")))
            assert SECRET not in body and "Private School" not in body and "Peer 1" not in body


def test_a_share_link_shows_the_report_until_revoked(world: dict[str, Any]) -> None:
    url = reverse("assessment:shared-report", kwargs={"token": world["real"]["token"]})
    response = Client().get(url)
    assert response.status_code == 200 and "Private School" in _body(response)
    assert SECRET not in _body(response)  # the report shows scores, never comments
    assert response["X-Robots-Tag"] == "noindex"
    link = world["cycle"].share_links.get()
    services.revoke_share_link(link=link, actor=world["lead"])
    assert Client().get(url).status_code == 404


def test_contributors_cannot_use_lead_actions_through_the_pages(world: dict[str, Any]) -> None:
    contributor = f.member(world["cycle"].institution, Membership.Role.CONTRIBUTOR)
    client = Client()
    client.force_login(contributor)
    pk = world["cycle"].pk
    client.post(reverse("assessment:reopen", kwargs={"pk": pk}))
    world["cycle"].refresh_from_db()
    assert world["cycle"].is_submitted
    client.post(reverse("assessment:share", kwargs={"pk": pk}))
    assert world["cycle"].share_links.count() == 1
    client.post(
        reverse("assessment:invite", kwargs={"pk": world["real"]["institution"]}),
        {"email": "z@example.org", "role": "lead"},
    )
    assert not world["cycle"].institution.invitations.filter(email="z@example.org").exists()


def test_the_admin_shows_institutions_and_members_but_never_answers() -> None:
    from django.contrib import admin

    registered = {m._meta.label for m in admin.site._registry}
    assessment = {label for label in registered if label.startswith("assessment.")}
    assert assessment == {"assessment.Institution", "assessment.Membership"}
