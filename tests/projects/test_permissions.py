"""Every projects endpoint keeps to the caller's scope (404) and role (403)."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.projects import services
from rapport.projects.models import Baseline, Phase, TimeEntry
from tests.projects.factories import AssignmentFactory, ResourceProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(pm, plan):
    """The plan with a phase, an assignment, a time entry, a baseline and a risk."""
    ResourceProfileFactory(user=pm)
    phase = Phase.objects.create(project=plan.project, name="Build")
    assignment = AssignmentFactory(task=plan.build, user=pm)
    entry = TimeEntry.objects.create(
        task=plan.design, user=pm, date=date(2026, 3, 2), hours=8, cost_rate=300
    )
    baseline = services.save_baseline(pm, plan.project)
    services.take_snapshot(plan.project, date(2026, 3, 3))
    services.assess_risk(plan.project, date(2026, 3, 3))
    leave = services.create_leave(
        pm, pm, {"start_date": date(2026, 3, 9), "end_date": date(2026, 3, 9)}
    )
    link = plan.project.dependencies.first()
    return {
        "project": plan.project.pk,
        "task": plan.build.pk,
        "phase": phase.pk,
        "dependency": link.pk,
        "assignment": assignment.pk,
        "entry": entry.pk,
        "baseline": baseline.pk,
        "leave": leave.pk,
        "user": pm.pk,
    }


LISTS = [
    ("/projects", "project"),
    ("/tasks", "task"),
    ("/dependencies", "dependency"),
    ("/assignments", "assignment"),
    ("/time-entries", "entry"),
    ("/risks", None),
    ("/resources", None),
    ("/leave", "leave"),
]


@pytest.mark.parametrize(("path", "key"), LISTS, ids=[p for p, _k in LISTS])
def test_lists_hide_another_teams_records(api_as, pm, other_pm, full, path, key):
    own = api_as(pm).get(path).json()["items"]
    other = api_as(other_pm).get(path).json()["items"]

    assert own, f"{path} should list the team's own records"
    assert other == []


PROJECT_LISTS = [
    "/projects/{project}/phases",
    "/projects/{project}/baselines",
    "/projects/{project}/snapshots",
    "/projects/{project}/reschedules",
    "/projects/{project}/plan-vs-actual",
    "/projects/{project}/margin",
    "/projects/{project}",
    "/tasks/{task}",
]


@pytest.mark.parametrize("path", PROJECT_LISTS)
def test_another_teams_project_records_are_not_found(api_as, pm, other_pm, full, path):
    url = path.format(**full)

    assert api_as(pm).get(url).status_code == 200
    response = api_as(other_pm).get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


WRITES = [
    ("patch", "/projects/{project}", {"name": "Renamed"}),
    ("delete", "/projects/{project}", None),
    ("post", "/projects/{project}/phases", {"name": "More"}),
    ("patch", "/phases/{phase}", {"name": "Renamed"}),
    ("delete", "/phases/{phase}", None),
    ("post", "/projects/{project}/tasks", {"name": "More"}),
    ("patch", "/tasks/{task}", {"name": "Renamed"}),
    ("post", "/tasks/{task}/move", {"duration": 3}),
    ("delete", "/tasks/{task}", None),
    (
        "post",
        "/projects/{project}/dependencies",
        {"predecessor_id": 1, "successor_id": 2},
    ),
    ("patch", "/dependencies/{dependency}", {"lag": 1}),
    ("delete", "/dependencies/{dependency}", None),
    ("post", "/tasks/{task}/assignments", {"user_id": 1}),
    ("patch", "/assignments/{assignment}", {"share": 50}),
    ("delete", "/assignments/{assignment}", None),
    ("post", "/tasks/{task}/time-entries", {"date": "2026-03-03", "hours": "2"}),
    ("patch", "/time-entries/{entry}", {"hours": "3"}),
    ("delete", "/time-entries/{entry}", None),
    ("post", "/projects/{project}/baselines", {}),
    ("post", "/projects/{project}/reschedule", {}),
    (
        "post",
        "/projects/{project}/what-if",
        {"changes": [{"task_id": 1, "duration": 2}]},
    ),
    ("patch", "/leave/{leave}", {"reason": "x"}),
    ("delete", "/leave/{leave}", None),
    ("put", "/resources/{user}", {"cost_rate": "1"}),
    (
        "post",
        "/resources/{user}/leave",
        {"start_date": "2026-04-01", "end_date": "2026-04-01"},
    ),
]


def _call(client, method, path, body):
    if method == "put":
        import json

        return client.client.put(
            f"/api/v1{path}", json.dumps(body), content_type="application/json"
        )
    return client.call(method, path, body)


@pytest.mark.parametrize(
    ("method", "path", "body"), WRITES, ids=[f"{m} {p}" for m, p, _b in WRITES]
)
def test_another_teams_records_cannot_be_changed(
    api_as, other_pm, full, method, path, body
):
    response = _call(api_as(other_pm), method, path.format(**full), body)

    assert response.status_code == 404, response.content


READ_ONLY_WRITES = [w for w in WRITES if "what-if" not in w[1]]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    READ_ONLY_WRITES,
    ids=[f"{m} {p}" for m, p, _b in READ_ONLY_WRITES],
)
def test_a_sales_manager_of_the_team_reads_but_may_not_change(
    api_as, make_user, full, method, path, body
):
    manager = make_user("sales_manager")

    response = _call(api_as(manager), method, path.format(**full), body)

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "forbidden"


def test_a_sales_manager_of_the_team_may_ask_what_if(api_as, make_user, full, plan):
    manager = make_user("sales_manager")

    response = api_as(manager).post(
        f"/projects/{plan.project.pk}/what-if",
        {"changes": [{"task_id": plan.test.pk, "duration": 6}]},
    )

    assert response.status_code == 200


def test_an_executive_sees_every_teams_projects(api_as, make_user, other_team, full):
    executive = make_user("executive", other_team)

    body = api_as(executive).get("/projects").json()

    assert [row["id"] for row in body["items"]] == [full["project"]]


def test_a_sales_rep_sees_only_projects_they_own(api_as, rep, pm, full):
    assert api_as(rep).get("/projects").json()["items"] == []
    assert api_as(rep).get(f"/projects/{full['project']}").status_code == 404


def test_search_finds_tasks_only_in_the_callers_projects(pm, other_pm, plan):
    from rapport.core.search import index_record, search

    for task in (plan.design, plan.build):
        index_record(task)

    own = search(pm, "Build", kinds=["projects.task"])
    other = search(other_pm, "Build", kinds=["projects.task"])

    assert [hit.object_id for hit in own] == [plan.build.pk]
    assert other == []


def test_baselines_cannot_be_read_across_teams(other_pm, full):
    from rapport.projects import selectors

    assert not selectors.baselines(other_pm).filter(pk=full["baseline"]).exists()
    assert Baseline.objects.filter(pk=full["baseline"]).exists()
