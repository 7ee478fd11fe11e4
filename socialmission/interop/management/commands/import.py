"""``socialmission import FILE…``: import bibliographic files into the library, one transaction each.

Prints, per file, the importer's report (created, updated, duplicates, rejected with positions and
reasons). A file that cannot be imported at all (unknown format, unreadable, no records) is
reported on stderr and the command exits with status 1 after trying the other files; nothing of
that file is kept. ``--dry-run`` prints the same reports and saves nothing.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from socialmission.interop.import_forms import max_upload_bytes
from socialmission.interop.importer import (
    ImportDefaults,
    ImportFileError,
    ImportReport,
    import_file,
    validate_defaults,
)
from socialmission.library.facets import FACETS

LIST_LIMIT = 20


class Command(BaseCommand):
    help = "Import RIS, BibTeX, CSL-JSON, MEDLINE, PubMed XML, Web of Science or CSV files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; save nothing."
        )
        for facet in FACETS.multiple():  # --domain, --topic, --profession, …
            parser.add_argument(
                f"--{facet.key}",
                action="append",
                default=[],
                help=f"{facet.label}: slug or name; repeatable.",
            )
        parser.add_argument(
            "--type",
            default="",
            dest="resource_type",
            help="Resource type for records that do not name one (slug or name).",
        )
        parser.add_argument("--status", choices=["draft", "published"], default="draft")
        parser.add_argument(
            "--user", default="", help="Username the history records the import under."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        defaults = ImportDefaults(
            tags={facet.key: options[facet.key] for facet in FACETS.multiple()},
            resource_type=options["resource_type"],
        )
        try:
            validate_defaults(defaults)
        except ValueError as error:
            raise CommandError(str(error)) from error
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f'No user "{options["user"]}".')
        missing = [str(p) for p in options["files"] if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        limit = max_upload_bytes()
        too_large = [p for p in options["files"] if p.stat().st_size > limit]
        if too_large:
            # The same cap as the web form (settings.IMPORT_MAX_BYTES), checked before any is read.
            raise CommandError(
                f"Larger than the import limit of {filesizeformat(limit)} (IMPORT_MAX_BYTES): "
                f"{', '.join(f'{p} ({filesizeformat(p.stat().st_size)})' for p in too_large)}. "
                "Split it into smaller files."
            )

        failures = 0
        for path in options["files"]:
            try:
                report = self._import(path, defaults=defaults, user=user, options=options)
            except ImportFileError as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"Rejected: {error}"))
                continue
            self._print_report(path, report, verbosity=options["verbosity"])
        if failures:
            raise CommandError(
                f"{failures} of {len(options['files'])} files could not be imported; "
                "nothing of those files was saved."
            )

    def _import(
        self, path: Path, *, defaults: ImportDefaults, user: Any, options: dict[str, Any]
    ) -> ImportReport:
        console = Console(stderr=True)
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} records"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=options["verbosity"] < 1,
        ) as progress:
            task = progress.add_task(path.name, total=None)
            with path.open("rb") as stream:
                return import_file(
                    stream,
                    filename=path.name,
                    dry_run=options["dry_run"],
                    defaults=defaults,
                    status=options["status"],
                    user=user,
                    progress=lambda done: progress.update(task, completed=done),
                )

    def _print_report(self, path: Path, report: ImportReport, *, verbosity: int) -> None:
        fmt = f" ({report.format})" if report.format else ""
        self.stdout.write(self.style.SUCCESS(f"{path}{fmt}: {report.summary()}"))
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  Note: {note}"))
        # Rejections and warnings are always listed in full; matches are capped unless -v 2.
        sections = [("Updated", report.updated), ("Duplicate", report.duplicates)]
        if verbosity >= 2:
            sections.insert(0, ("Created", report.created))
        for label, entries in sections:
            shown = entries if verbosity >= 2 else entries[:LIST_LIMIT]
            for entry in shown:
                resource = f" → resource {entry.resource_id}" if entry.resource_id else ""
                detail = f": {entry.reason}" if entry.reason else ""
                self.stdout.write(f"  {label} {entry.position}{resource}{detail}")
            if len(entries) > len(shown):
                self.stdout.write(
                    f"  … and {len(entries) - len(shown)} more ({label.lower()}); "
                    "-v 2 lists them all"
                )
        for entry in report.created:
            for warning in entry.warnings:
                self.stdout.write(f"  Warning {entry.position}: {warning}")
        for entry in report.rejected:
            self.stdout.write(self.style.WARNING(f"  Rejected {entry.position}: {entry.reason}"))
