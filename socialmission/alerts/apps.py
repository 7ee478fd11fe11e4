import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "socialmission.alerts"
    label = "alerts"
    verbose_name = _("Search alerts")

    def ready(self) -> None:
        from socialmission.alerts import sections
        from socialmission.core import schedule

        sections.register()

        # Hourly: each alert is due a day (or a week) after its last check, so a daily alert
        # goes out within an hour of its time even if the scheduler was down for a while.
        schedule.register("send_alerts", every=datetime.timedelta(hours=1), command="send_alerts")
