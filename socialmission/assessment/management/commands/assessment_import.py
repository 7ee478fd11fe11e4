from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialmission.assessment.csv_io import import_answers


class Command(BaseCommand):
    help = (
        "Import self-assessment answers from a CSV file with the columns "
        "institution,year,instrument,indicator,answer[,comment][,professions]. "
        "The file is one transaction: if any row is rejected, nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--create-institutions",
            action="store_true",
            help="Create institutions not found by name (professions from the professions column).",
        )
        parser.add_argument(
            "--submit", action="store_true", help="Submit the cycles the file filled."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        report = import_answers(
            text=text, create_institutions=options["create_institutions"], submit=options["submit"]
        )
        if not report.ok:
            for rejection in report.rejected:
                where = f"line {rejection.line}" if rejection.line else "file"
                self.stderr.write(f"{path}, {where}: {rejection.reason}")
            raise CommandError(
                f"{len(report.rejected)} row(s) rejected; nothing was imported. "
                "Fix the lines above and run the same file again."
            )
        self.stdout.write(
            f"Imported {report.answers} answer(s) into {len(report.cycles)} cycle(s)"
            f"; created {len(report.created_institutions)} institution(s)"
            f"; submitted {report.submitted} cycle(s)."
        )
