"""Database housekeeping the worker and the `rapport` command run."""

from __future__ import annotations

import logging

from django.db import connection

logger = logging.getLogger(__name__)

# Rows SQLite samples per index: enough for the planner, milliseconds to run
# even on a million-row table.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics() -> None:
    """Give SQLite's query planner current statistics about every table.

    Without them SQLite guesses, and with a team index and a company index on
    activities it can guess wrong: a company's timeline then scans the whole
    team's activities (seconds instead of a millisecond at a million rows).
    PostgreSQL (autovacuum) and MariaDB (persistent statistics) keep their own.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    logger.info("planner statistics refreshed")
