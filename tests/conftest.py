"""Shared test set-up: users in two teams, factories, and a private test database.

The environment (test mode, the in-process queue, a data directory) is set in
pyproject.toml through pytest-env, because pytest-django loads the settings
before any conftest runs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.factories import TeamFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, testrun_uid: str, worker_id: str
) -> None:
    """Give each test run its own SQLite file, so two runs never share one."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        name = f"rapport-test-{testrun_uid[:12]}-{worker_id}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(
            Path(tempfile.gettempdir()) / name
        )


@pytest.fixture
def team(db):
    return TeamFactory(name="East")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="West")


@pytest.fixture
def make_user(db, team):
    """Make a user with a role (default sales rep) in a team (default: `team`)."""

    def make(role: str = "sales_rep", team_=None, **fields):
        return UserFactory(role=role, team=team_ or team, **fields)

    return make


@pytest.fixture
def rep(make_user):
    return make_user("sales_rep")


@pytest.fixture
def manager(make_user):
    return make_user("sales_manager")


@pytest.fixture
def admin_user(make_user):
    return make_user("admin")


@pytest.fixture
def outsider(make_user, other_team):
    """A sales manager of another team: sees nothing of `team`'s records."""
    return make_user("sales_manager", other_team)
