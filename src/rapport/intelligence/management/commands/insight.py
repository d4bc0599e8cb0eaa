"""`rapport insight ...`: analyse missed messages, rebuild profiles, install rules."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Customer insight upkeep: 'analyse' reads every message not analysed yet, "
        "'rebuild' recomputes profiles from the stored analyses (all, or "
        "--company ID), 'refresh' re-reads profile figures as of today, "
        "'install-rules' adds the default risk rules that are missing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "action", choices=["analyse", "rebuild", "refresh", "install-rules"]
        )
        parser.add_argument("--company", type=int, help="Rebuild one company only.")
        parser.add_argument("--limit", type=int, help="Analyse at most this many.")

    def handle(self, *args: Any, **options: Any) -> None:
        from rapport.intelligence.insight import services

        started = time.monotonic()
        action = options["action"]
        if action == "analyse":
            done = services.analyse_pending(limit=options["limit"])
            self.stdout.write(f"analysed {done} messages")
        elif action == "rebuild":
            if options["company"] is not None and options["company"] < 1:
                raise CommandError("--company takes a company id")
            done = services.rebuild_profiles(options["company"])
            self.stdout.write(f"rebuilt {done} profiles")
        elif action == "refresh":
            done = services.refresh_profile_figures()
            self.stdout.write(f"refreshed {done} profiles")
        else:
            done = services.install_default_rules()
            self.stdout.write(f"installed {done} risk rules")
        self.stdout.write(f"in {time.monotonic() - started:.1f} s")
