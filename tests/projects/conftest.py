"""Projects test set-up: project managers in two teams and a small scheduled plan."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rapport.projects import services
from rapport.projects.models import Project, Task
from tests.api.conftest import ApiClient
from tests.projects.factories import DependencyFactory, ProjectFactory, TaskFactory


@pytest.fixture
def api_as(db):
    """Make an API client for a user (write token unless `access="read"`)."""

    def make(user, access: str = "write") -> ApiClient:
        return ApiClient(user, access)

    return make


@pytest.fixture
def pm(make_user):
    return make_user("project_manager")


@pytest.fixture
def other_pm(make_user, other_team):
    """A project manager of another team: sees none of `team`'s projects."""
    return make_user("project_manager", other_team)


@dataclass
class Plan:
    project: Project
    design: Task
    build: Task
    test: Task
    docs: Task


@pytest.fixture
def plan(pm) -> Plan:
    """design (5d) → build (10d) → test (5d), and docs (3d) beside build; scheduled."""
    project = ProjectFactory(owner=pm)
    design = TaskFactory(project=project, name="Design", duration_days=5)
    build = TaskFactory(project=project, name="Build", duration_days=10)
    test = TaskFactory(project=project, name="Test", duration_days=5)
    docs = TaskFactory(project=project, name="Docs", duration_days=3)
    DependencyFactory(predecessor=design, successor=build)
    DependencyFactory(predecessor=build, successor=test)
    DependencyFactory(predecessor=design, successor=docs)
    services.reschedule(project, "test")
    for task in (design, build, test, docs):
        task.refresh_from_db()
    project.refresh_from_db()
    return Plan(project, design, build, test, docs)
