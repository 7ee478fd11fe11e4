"""One small world holding an object behind every URL of the site, and private data to look for.

The access sweep (``test_url_access.py``) and the privacy sweep (``interop/tests/test_privacy.py``)
fill each URL pattern's parameters from these objects (``"@resource.pk"`` in ``url_classes.py``).
A new URL whose parameter needs an object nobody makes here gets it as one more attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.accounts.tests.factories import user_with_role

# Private data that must never appear in a public output (PRODUCT.md; issue 8 for the schools).
SUGGESTER_NAME = "Hidden Suggester"
SUGGESTER_EMAIL = "hidden-suggester@example.org"
NOMINATOR_EMAIL = "hidden-nominator@example.org"
SUBSCRIBER_EMAIL = "hidden-alert-reader@example.org"
SCHOOL_NAME = "Confidential Sample School"
ANSWER_COMMENT = "Confidential: our dean's retention figures"
SECRETS = (
    SUGGESTER_NAME,
    SUGGESTER_EMAIL,
    NOMINATOR_EMAIL,
    SUBSCRIBER_EMAIL,
    SCHOOL_NAME,
    ANSWER_COMMENT,
)


@dataclass
class Samples:
    """The objects of the world; URL parameters name them as ``@attribute.path``."""

    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    def resolve(self, path: str) -> Any:
        value: Any = self
        for part in path.split("."):
            value = getattr(value, part)
        return value


def build() -> Samples:
    """Publish a suggestion and a nomination, send an alert digest, fill a school's cycle."""
    from socialmission.alerts import services as alert_services
    from socialmission.alerts.tests.factories import AlertFactory, SubscriberFactory
    from socialmission.assessment import services as assessment
    from socialmission.assessment.models import Membership
    from socialmission.assessment.tests import factories as schools
    from socialmission.contributions import services
    from socialmission.contributions.models import ChampionSpotlight, ResourceSpotlight
    from socialmission.contributions.tests.factories import NominationFactory, SuggestionFactory
    from socialmission.guides.tests.factories import guide_with
    from socialmission.interop.exports import EXPORTS
    from socialmission.interop.sitemaps import SITEMAPS
    from socialmission.library.facets import FACETS
    from socialmission.linkhealth.models import Link

    cora = user_with_role(roles.CURATOR, username="sample-curator", is_staff=True)
    chief = user_with_role(roles.EDITOR_IN_CHIEF, username="sample-chief", is_staff=True)
    alert = AlertFactory(subscriber=SubscriberFactory(email=SUBSCRIBER_EMAIL), query="q=rural")
    suggestion = SuggestionFactory(
        title="Pathway programs for rural nursing students",
        submitter_name=SUGGESTER_NAME,
        submitter_email=SUGGESTER_EMAIL,
    )
    resource = services.publish_suggestion(suggestion, curator=cora)
    nomination = NominationFactory(submitter_name="Nora Nominator", submitter_email=NOMINATOR_EMAIL)
    champion = services.publish_nomination(nomination, curator=cora)
    pending = SuggestionFactory(submitter_email=SUGGESTER_EMAIL, submitter_name=SUGGESTER_NAME)
    pending_nomination = NominationFactory(submitter_email=NOMINATOR_EMAIL)
    assert alert_services.send_alerts(ignore_schedule=True).sent == 1
    guide = guide_with([resource], title="Rural pathways reading guide")
    link = Link.objects.create(resource=resource, kind="url", address=resource.url or "https://x")

    school = schools.institution(SCHOOL_NAME)
    lead = schools.member(school, username="sample-lead")
    cycle = schools.cycle(school, schools.FULL_ANSWERS)
    assessment.save_answer(
        cycle=cycle, actor=lead, indicator_id="PAG-1", value="none", comment=ANSWER_COMMENT
    )
    cycle = assessment.submit_cycle(cycle=cycle, actor=lead)
    share = assessment.create_share_link(cycle=cycle, actor=lead)
    invitation = assessment.invite_member(
        institution=school, actor=lead, email="invited@example.org"
    )
    other_school = schools.institution("Other Sample School")
    other_member = schools.member(other_school, username="sample-other-member")
    reader = user_with_role(None, username="sample-user")
    _admin_only_rows()

    return Samples(
        {
            "curator": cora,
            "chief": chief,
            "administrator": user_with_role(roles.ADMINISTRATOR, username="sample-admin"),
            "user": reader,
            "reset_uid": urlsafe_base64_encode(force_bytes(reader.pk)),
            "reset_token": default_token_generator.make_token(reader),
            "resource": resource,
            "history_id": resource.history.first().history_id,
            "suggestion": pending,
            "nomination": pending_nomination,
            "champion": champion,
            "resource_spotlight": ResourceSpotlight.objects.create(resource=resource, summary="s"),
            "champion_spotlight": ChampionSpotlight.objects.create(champion=champion),
            "alert": alert,
            "guide": guide,
            "guide_item": guide.items.first(),
            "link": link,
            "school": school,
            "lead": lead,
            "membership": Membership.objects.get(user=lead),
            "cycle": cycle,
            "share": share,
            "invitation": invitation,
            "other_member": other_member,
            "export_formats": tuple(EXPORTS),
            "sitemap_sections": tuple(SITEMAPS),
            "facet_keys": tuple(FACETS.keys()),
        }
    )


def _admin_only_rows() -> None:
    """A row behind each administrators-only admin page, so its object pages exist."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from socialmission.core.models import ScheduledJob

    seen = {"user_agent": "sample", "ip_address": "192.0.2.1", "username": "sample-stranger"}
    AccessAttempt.objects.create(**seen, failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    ScheduledJob.objects.get_or_create(name="sample-job", defaults={"next_run_at": timezone.now()})
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="socialmission.core.tests.sample_tasks.noop",
        backend_name="default",
        run_after=timezone.now(),
    )


def signed_in(user: User | None) -> Any:
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client
