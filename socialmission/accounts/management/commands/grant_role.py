"""`socialmission grant_role alice Curator`: give (or with --revoke, take) a role."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialmission.accounts import roles, services
from socialmission.accounts.models import User


class Command(BaseCommand):
    help = "Grant a role (Curator, Editor-in-chief, Administrator) to a user, or revoke it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=roles.ROLES)
        parser.add_argument("--revoke", action="store_true", help="Take the role away instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        try:
            if options["revoke"]:
                services.revoke_role(actor=None, user=user, role=options["role"])
                self.stdout.write(f"{user.username} no longer holds the {options['role']} role.")
            else:
                services.grant_role(actor=None, user=user, role=options["role"])
                self.stdout.write(f"{user.username} now holds the {options['role']} role.")
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
