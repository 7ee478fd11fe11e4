from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from socialmission.interop.catalog import STARTER_CATALOG, library_is_empty, load_starter


class Command(BaseCommand):
    help = (
        "Load the starter catalog, its evidence ratings and the apps' starter content (reading "
        "guides, a spotlight) into an empty library (does nothing if resources exist)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=STARTER_CATALOG)

    def handle(self, *args: object, path: Path, **options: object) -> None:
        if not library_is_empty():
            self.stdout.write("The library already holds resources; starter catalog not loaded.")
            return
        report = load_starter(path)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {len(report.catalog.created)} resources from {path.name}.")
        )
        self.stdout.write(f"Evidence levels set from starter-evidence.yaml: {report.rated}.")
        for line in report.lines:
            self.stdout.write(line)
