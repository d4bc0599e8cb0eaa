"""Fixtures for the project pages: a project manager and a scheduled project."""

from __future__ import annotations

import pytest

from tests.projects.pages.builders import build_project, schedule_project


@pytest.fixture
def pm(make_user):
    """A project manager of `team`."""
    return make_user("project_manager")


@pytest.fixture
def other_pm(make_user, other_team):
    """A project manager of another team: none of `team`'s projects exist for them."""
    return make_user("project_manager", other_team)


@pytest.fixture
def project(pm):
    """A scheduled project of 12 tasks in four phases, managed by `pm`."""
    return schedule_project(build_project(pm, tasks=12))
