import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkHealthConfig(AppConfig):
    name = "socialmission.linkhealth"
    label = "linkhealth"
    verbose_name = _("Link health")

    def ready(self) -> None:
        from socialmission.core import schedule
        from socialmission.linkhealth import sections

        sections.register()

        # Hourly: each run checks the links that are due (a week after a good check, a day
        # after a failed one), so the work of a large library spreads over the week.
        schedule.register("check_links", every=datetime.timedelta(hours=1), command="check_links")
