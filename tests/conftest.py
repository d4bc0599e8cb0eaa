"""Shared test set-up: environment, users in two teams, and factories.

The environment is fixed before Django loads its settings: a private data
directory, the in-process ("immediate") queue unless a test asks for the real
one, and cheap password hashing.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("RAPPORT_TESTING", "1")
os.environ.setdefault("RAPPORT_QUEUE_IMMEDIATE", "1")
os.environ.setdefault("RAPPORT_DATA_DIR", tempfile.mkdtemp(prefix="rapport-test-"))

import pytest  # noqa: E402

from tests.factories import TeamFactory, UserFactory  # noqa: E402


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
