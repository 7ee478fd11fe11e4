from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialmission.assessment import services
from socialmission.assessment.instrument import InstrumentError


class Command(BaseCommand):
    help = "Load a self-assessment instrument from its YAML file (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            version, changed = services.load_instrument(text=text)
        except InstrumentError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        if changed:
            self.stdout.write(f"Loaded instrument {version.key} ({version.title}).")
        else:
            self.stdout.write(f"Instrument {version.key} is already loaded and unchanged.")
