"""`rapport reindex`: rebuild the search documents of every searchable record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Rebuild the search index of every searchable record (or of some kinds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kinds", nargs="*", help="kinds to rebuild, e.g. crm.company (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Rebuild and report how many documents each kind now has."""
        from rapport.core.search import registered, reindex_all

        kinds = options["kinds"] or None
        unknown = sorted(set(kinds or []) - set(registered()))
        if unknown:
            raise CommandError(f"not searchable: {', '.join(unknown)}")
        for kind, count in reindex_all(kinds).items():
            self.stdout.write(f"{kind}: {count}")
