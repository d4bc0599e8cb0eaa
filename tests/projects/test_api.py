"""The projects API: CRUD, the Gantt move, what-if, errors and versions."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.projects.models import Dependency, Project, Task
from tests.factories import CompanyFactory
from tests.projects.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_a_project_manager_creates_a_project_from_a_template(api_as, pm):
    company = CompanyFactory(owner=pm)
    template = 1  # the shipped implementation template

    response = api_as(pm).post(
        "/projects",
        {
            "name": "ERP rollout",
            "company_id": company.pk,
            "start_date": "2026-03-02",
            "template_id": template,
            "contract_value": "800000.00",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == f'"{body["id"]}-1"'
    project = Project.objects.get(pk=body["id"])
    assert project.tasks.count() == 10
    assert project.dependencies.count() == 12
    assert project.owner == pm and project.team_id == pm.team_id


def test_project_start_on_a_holiday_is_refused(api_as, pm):
    company = CompanyFactory(owner=pm)

    response = api_as(pm).post(
        "/projects",
        {"name": "X", "company_id": company.pk, "start_date": "2026-10-01"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "start_date"


def test_tasks_of_a_project_come_with_their_schedule(api_as, pm, plan):
    response = api_as(pm).get(
        "/tasks", {"project": plan.project.pk, "sort": "position"}
    )

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["items"]}
    assert rows["Test"]["finish"] == "2026-03-27"
    assert rows["Docs"]["total_slack"] == 12
    assert rows["Build"]["is_critical"] is True


def test_moving_a_task_returns_what_moved(api_as, pm, plan):
    response = api_as(pm).post(
        f"/tasks/{plan.build.pk}/move",
        {"duration": 12},
        **{"If-Match": f'"{plan.build.pk}-1"'},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    moved = {m["task_id"]: m for m in body["moves"]}
    assert moved[plan.test.pk]["new_finish"] == "2026-03-31"
    assert body["finish_after"] == "2026-03-31"
    assert response["ETag"] == f'"{plan.build.pk}-2"'


def test_a_stale_if_match_is_refused_with_412(api_as, pm, plan):
    client = api_as(pm)
    client.patch(f"/tasks/{plan.build.pk}", {"name": "Build it"})

    response = client.patch(
        f"/tasks/{plan.build.pk}",
        {"duration_days": 3},
        **{"If-Match": f'"{plan.build.pk}-1"'},
    )

    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    assert Task.objects.get(pk=plan.build.pk).duration_days == 10


def test_what_if_returns_the_schedule_without_saving(api_as, pm, plan):
    response = api_as(pm).post(
        f"/projects/{plan.project.pk}/what-if",
        {"changes": [{"task_id": plan.build.pk, "duration": 15}]},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["project_finish"] == "2026-04-03"
    assert {m["task_id"] for m in body["moves"]} == {plan.build.pk, plan.test.pk}
    assert Task.objects.get(pk=plan.build.pk).duration_days == 10


def test_what_if_with_a_task_of_another_project_is_refused(api_as, pm, plan):
    stranger = TaskFactory()

    response = api_as(pm).post(
        f"/projects/{plan.project.pk}/what-if",
        {"changes": [{"task_id": stranger.pk, "duration": 2}]},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "changes.0.task_id"


def test_a_dependency_that_closes_a_loop_is_refused_naming_it(api_as, pm, plan):
    response = api_as(pm).post(
        f"/projects/{plan.project.pk}/dependencies",
        {"predecessor_id": plan.test.pk, "successor_id": plan.design.pk},
    )

    assert response.status_code == 422
    message = response.json()["errors"][0]["message"]
    loop = message.split(": ", 1)[1].split(" → ")
    assert loop[0] == loop[-1]
    assert sorted(loop[:-1]) == ["Build", "Design", "Test"]
    assert Dependency.objects.filter(project=plan.project).count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lag": 2001}, "lag"),
        ({"lag": -2001}, "lag"),
        ({"type": "XX"}, "type"),
    ],
)
def test_bad_dependencies_are_refused(api_as, pm, plan, body, field):
    response = api_as(pm).post(
        f"/projects/{plan.project.pk}/dependencies",
        {"predecessor_id": plan.docs.pk, "successor_id": plan.test.pk, **body},
    )

    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


def test_a_dependency_on_a_task_of_another_project_is_refused(api_as, pm, plan):
    stranger = TaskFactory()

    response = api_as(pm).post(
        f"/projects/{plan.project.pk}/dependencies",
        {"predecessor_id": stranger.pk, "successor_id": plan.test.pk},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "predecessor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"duration_days": -1}, "duration_days"),
        ({"scheduling": "manual", "pinned_start": "2026-10-02"}, "pinned_start"),
        ({"constraint": "snet", "constraint_date": "2026-03-07"}, "constraint_date"),
        ({"constraint": "snet"}, "constraint_date"),
        ({"scheduling": "manual"}, "pinned_start"),
    ],
)
def test_bad_tasks_are_refused_with_every_field_named(api_as, pm, plan, body, field):
    response = api_as(pm).post(
        f"/projects/{plan.project.pk}/tasks", {"name": "Extra", **body}
    )

    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def test_a_task_cannot_join_a_phase_of_another_project(api_as, pm, plan):
    from rapport.projects.models import Phase

    phase = Phase.objects.create(project=TaskFactory().project, name="Elsewhere")

    response = api_as(pm).post(
        f"/projects/{plan.project.pk}/tasks", {"name": "Extra", "phase_id": phase.pk}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phase"


def test_baseline_and_plan_against_actual(api_as, pm, plan):
    client = api_as(pm)
    saved = client.post(f"/projects/{plan.project.pk}/baselines", {})
    client.post(f"/tasks/{plan.design.pk}/move", {"duration": 7})

    response = client.get(f"/projects/{plan.project.pk}/plan-vs-actual")

    assert saved.status_code == 201
    body = response.json()
    assert body["baseline"]["name"] == "Baseline 1"
    assert body["baseline_finish"] == "2026-03-27"
    assert body["forecast_finish"] == "2026-03-31"
    assert body["finish_variance"] == 4
    rows = {row["name"]: row for row in body["tasks"]}
    assert rows["Test"]["finish_variance"] == 4
    assert rows["Design"]["start_variance"] == 0


def test_time_entries_cost_at_the_persons_rate_and_feed_the_margin(api_as, pm, plan):
    from decimal import Decimal

    from tests.projects.factories import ResourceProfileFactory

    ResourceProfileFactory(user=pm, cost_rate=Decimal("250"))
    client = api_as(pm)

    logged = client.post(
        f"/tasks/{plan.design.pk}/time-entries", {"date": "2026-03-02", "hours": "8"}
    )
    margin = client.get(f"/projects/{plan.project.pk}/margin").json()

    assert logged.status_code == 201, logged.content
    assert logged.json()["cost_rate"] == "250.00"
    assert Decimal(margin["cost_to_date"]) == Decimal("2000.00")
    # 160 estimated hours, none complete, at the 250 an hour spent so far.
    assert Decimal(margin["forecast_cost"]) == Decimal("42000.00")
    assert Decimal(margin["forecast_margin"]) == Decimal("458000.00")


def test_snapshots_list_in_date_order(api_as, pm, plan):
    from rapport.projects import services

    services.take_snapshot(plan.project, date(2026, 3, 4))
    services.take_snapshot(plan.project, date(2026, 3, 3))

    body = api_as(pm).get(f"/projects/{plan.project.pk}/snapshots").json()

    assert [row["date"] for row in body["items"]] == ["2026-03-03", "2026-03-04"]


def test_a_reschedule_can_be_asked_for_and_says_what_moved(api_as, pm, plan):
    from rapport.projects.models import Project

    Project.objects.filter(pk=plan.project.pk).update(start_date=date(2026, 3, 9))

    response = api_as(pm).post(f"/projects/{plan.project.pk}/reschedule")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "succeeded" and body["trigger"] == "manual"
    assert body["moved_count"] == 4
    assert body["finish_after"] == "2026-04-03"
