"""Planner statistics are refreshed for the tables the lists and timelines read."""

from __future__ import annotations

import pytest
from django.db import connection

from rapport.core.maintenance import refresh_planner_statistics
from tests.factories import ActivityFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite keeps no statistics by itself"
    ),
]


def _statistics(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return []
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchall()


def test_refresh_records_statistics_for_every_activity_index(rep):
    # given activities and no statistics about them yet
    ActivityFactory.create_batch(5, owner=rep)
    assert _statistics("crm_activity") == []

    # when the statistics are refreshed
    refresh_planner_statistics()

    # then the planner knows the size and selectivity of each activity index
    indexes = dict(_statistics("crm_activity"))
    assert any(name.startswith("crm_activit_company_") for name in indexes)
    assert any(name.startswith("crm_activit_team_id_") for name in indexes)
    assert all(stat.split()[0] == "5" for stat in indexes.values())
