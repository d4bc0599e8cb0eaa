"""N+1 guards: lists and schedule reads cost the same few queries at any size."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from rapport.projects import selectors, services
from tests.projects.factories import (
    AssignmentFactory,
    DependencyFactory,
    ProjectFactory,
    ResourceProfileFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def _projects(owner, count, tasks=3):
    made = []
    for _ in range(count):
        project = ProjectFactory(owner=owner)
        chain = [TaskFactory(project=project) for _ in range(tasks)]
        for before, after in pairwise(chain):
            DependencyFactory(predecessor=before, successor=after)
        for task in chain:
            AssignmentFactory(task=task, user=owner)
        services.reschedule(project, "test")
        services.take_snapshot(project, date(2026, 3, 10))
        services.assess_risk(project, date(2026, 3, 10))
        made.append(project)
    return made


@pytest.mark.parametrize(
    "path",
    ["/projects", "/tasks", "/dependencies", "/assignments", "/risks", "/resources"],
)
def test_lists_do_not_grow_queries_with_rows(
    api_as, pm, make_user, path, django_assert_max_num_queries
):
    ResourceProfileFactory(user=pm)
    _projects(pm, 2)
    client = api_as(pm)
    client.get(path)  # warm the token and the permission caches
    with django_assert_max_num_queries(12) as few:
        assert client.get(path).status_code == 200

    _projects(pm, 8)
    for _ in range(8):
        ResourceProfileFactory(user=make_user("project_manager"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)
    assert len(response.json()["items"]) >= 8


def test_a_projects_schedule_is_three_queries(pm, django_assert_num_queries):
    project = _projects(pm, 1, tasks=30)[0]

    with django_assert_num_queries(3):
        rows = selectors.schedule(pm, project)
        names = [
            (
                t.name,
                [a.user.pk for a in t.assignments.all()],
                len(t.predecessor_links.all()),
            )
            for t in rows
        ]

    assert len(names) == 30


def test_a_reschedule_costs_a_few_batches_not_a_query_per_task(
    pm, django_assert_max_num_queries
):
    small = ProjectFactory(owner=pm)
    for _ in range(10):
        TaskFactory(project=small)
    big = ProjectFactory(owner=pm)
    for _ in range(200):
        TaskFactory(project=big)

    with django_assert_max_num_queries(20) as few:
        services.reschedule(small, "first")
    # Twenty times the tasks: only the bulk writes split into a few more batches
    # (SQLite takes at most 999 parameters a statement), never a query per task.
    with django_assert_max_num_queries(len(few.captured_queries) + 6):
        services.reschedule(big, "first")


def test_utilisation_does_not_grow_queries_with_projects(
    pm, django_assert_max_num_queries
):
    ResourceProfileFactory(user=pm)
    _projects(pm, 2)
    with django_assert_max_num_queries(12) as few:
        selectors.utilisation(pm, date(2026, 3, 2), weeks=4)

    _projects(pm, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.utilisation(pm, date(2026, 3, 2), weeks=4)
