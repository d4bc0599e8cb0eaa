"""`rapport load_demo`: load the demo company once and print its log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError

from rapport.demo import generator


class Command(BaseCommand):
    help = "Load the demo company (once) and print the demo log-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(generator.SIZES),
            default="full",
            help="full (about 40,000 records) or small (a tenth)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=generator.DEFAULT_SEED,
            help="another seed gives another, equally consistent company",
        )
        parser.add_argument(
            "--reset",
            "--force",
            action="store_true",
            dest="reset",
            help="delete all CRM records and the demo people first",
        )

    def handle(
        self, *args: Any, size: str, seed: int, reset: bool, **options: Any
    ) -> None:
        if generator.is_demo_loaded() and not reset:
            self.stdout.write(
                "The demo company is already loaded; nothing to do "
                "(--reset loads it again)."
            )
            self.print_logins()
            return
        if reset:
            try:
                generator.clear_demo()
            except ProtectedError as exc:
                raise CommandError(
                    "Other records still point at the CRM data; start from an empty "
                    "data directory instead (rapport demo --reset)."
                ) from exc

        self.stdout.write(f"Loading the {size} demo company (seed {seed}) ...")
        counts = generator.load_demo(size=size, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                "Loaded {companies:,} companies, {contacts:,} contacts, "
                "{leads:,} leads, {deals:,} deals, {activities:,} activities, "
                "{quotes:,} quotes and {products} products in {seconds_total} s "
                "({cpu_seconds} s of CPU).".format(**counts)
            )
        )
        crm_keys = {"users", "companies", "contacts", "leads", "deals", "activities"}
        crm_keys |= {"products", "quotes", "seconds_write", "seconds_total"}
        extra = {k: v for k, v in counts.items() if k not in crm_keys | {"cpu_seconds"}}
        if extra:
            listed = ", ".join(
                f"{value:,} {key.replace('_', ' ')}"
                if isinstance(value, int)
                else f"{key.replace('_', ' ')}: {value}"
                for key, value in extra.items()
            )
            self.stdout.write(f"Also: {listed}.")
        self.print_logins()

    def print_logins(self) -> None:
        rows = generator.demo_logins()
        self.stdout.write("")
        self.stdout.write(
            f"Demo log-ins (one password for all: {generator.DEMO_PASSWORD})"
        )
        self.stdout.write(f"  {'role':<16} {'username':<14} {pad('name', 18)} team")
        for role, username, name, team in rows:
            self.stdout.write(f"  {role:<16} {username:<14} {pad(name, 18)} {team}")


def pad(text: str, width: int) -> str:
    """Pad to `width` terminal columns; Chinese characters take two."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)
