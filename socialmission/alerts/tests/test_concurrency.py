"""Two `send_alerts` processes at once send each digest once (real processes, own database)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from socialmission.core.tests.processes import run_code

# The `process_env` fixture (a migrated database of the test's own) comes from
# socialmission.core.tests.processes, a plugin of the root conftest.

SETUP = """
import datetime
from django.utils import timezone
from socialmission.alerts.models import Alert, Subscriber
from socialmission.library.models import Resource, ResourceType
before = timezone.now() - datetime.timedelta(days=2)
article = ResourceType.objects.get(slug="article")
for n in range(ALERTS):
    subscriber = Subscriber.objects.create(email=f"reader{n}@example.org")
    Alert.objects.create(subscriber=subscriber, query="q=advocacy", frequency="daily",
        status="active", confirmed_at=before, last_checked_at=before)
for n in range(RESOURCES):
    Resource.objects.create(title=f"Advocacy resource {n}", resource_type=article,
        status="published", published_at=timezone.now() - datetime.timedelta(hours=1))
"""

COUNT = """
from django.db.models import Count
from socialmission.alerts.models import Alert, Digest, DigestItem
per_alert = set(Alert.objects.annotate(n=Count("digests")).values_list("n", flat=True))
print(Digest.objects.count(), DigestItem.objects.count(), sorted(per_alert))
"""


@pytest.mark.django_db
def test_two_concurrent_runs_send_each_digest_once(process_env: dict[str, str]) -> None:
    """One run on schedule, one with --ignore-schedule (every alert due), at the same time."""
    alerts, resources = 40, 5
    run_code(process_env, f"ALERTS = {alerts}\nRESOURCES = {resources}\n" + SETUP)
    env = {**process_env, "EMAIL_URL": ""}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "socialmission", "send_alerts", *flags],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flags in ([], ["--ignore-schedule"])
    ]
    for proc in runs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    counted = run_code(process_env, COUNT).stdout.split("\n")[-2]
    assert counted == f"{alerts} {alerts * resources} [1]"
