"""Mail the daily digest of new contributions to the curators who chose it (a daily job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from socialmission.contributions import services


class Command(BaseCommand):
    help = "E-mail each curator who chose the daily digest the contributions sent since the last."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_curator_digests()
        if int(options["verbosity"]):
            self.stdout.write(f"{sent} curator digests sent.")
