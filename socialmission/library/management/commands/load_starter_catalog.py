from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from socialmission.library.catalog import STARTER_CATALOG, load_catalog
from socialmission.library.models import Resource


class Command(BaseCommand):
    help = "Load the starter catalog into an empty library (does nothing if resources exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=STARTER_CATALOG)

    def handle(self, *args: object, path: Path, **options: object) -> None:
        if Resource.objects.exists():
            self.stdout.write("The library already holds resources; starter catalog not loaded.")
            return
        count = load_catalog(path)
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} resources from {path.name}."))
