from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from socialmission.assessment.demo import create_demo


class Command(BaseCommand):
    help = (
        'Create demo institutions ("Demo …") with two submitted self-assessment cycles each and '
        "print a demo lead's sign-in. Refused with DEBUG off unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument("--year", type=int, default=timezone.now().year)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this looks like a real library: demo schools would mix with real "
                "ones in benchmarks and the national picture. Use --force if you mean it."
            )
        result = create_demo(year=options["year"])
        base = settings.SITE_URL
        self.stdout.write(
            f"{result.institutions} demo institutions; {result.cycles} cycles created and submitted.\n"
            f"Sign in at {base}/accounts/login/ as {result.username} with password {result.password}\n"
            f"Then open the report: {base}/assessment/cycles/{result.report_cycle.pk}/report/"
        )
