from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialmission.assessment import csv_io, selectors
from socialmission.assessment.models import Cycle


class Command(BaseCommand):
    help = "Write one cycle's answers (the import's columns) or, with --scores, its scores as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institution", required=True, help="The institution's name.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--instrument", help="The instrument id, when the year has several.")
        parser.add_argument("--scores", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cycles = Cycle.objects.filter(
            institution__name__iexact=options["institution"], year=options["year"]
        ).select_related("institution", "instrument")
        if options["instrument"]:
            cycles = cycles.filter(instrument__key=options["instrument"])
        found = list(cycles[:2])
        if not found:
            raise CommandError("No cycle for that institution and year.")
        if len(found) > 1:
            raise CommandError("That year has cycles on several instruments: give --instrument.")
        cycle = found[0]
        if options["scores"]:
            self.stdout.write(csv_io.scores_csv(selectors.report(cycle)), ending="")
        else:
            self.stdout.write(csv_io.answers_csv(cycle), ending="")
