"""Say how each change to a resource was made, so its history answers "who, when and how".

Services set their own reason ("Published from suggestion #12", "Reverted to …"). Changes
made elsewhere get one here from the request simple-history's middleware saw: the Django
admin, another page, or none at all (a management command or an import).
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from socialmission.library.models import Resource


@receiver(pre_create_historical_record, dispatch_uid="contributions-history-channel")
def describe_channel(sender: type, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, Resource) or history_instance.history_change_reason:
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        reason = "Command line or import"
    elif request.path.startswith("/admin/"):
        reason = "In the admin"
    else:
        reason = f"On {request.path}"
    history_instance.history_change_reason = reason[:100]
