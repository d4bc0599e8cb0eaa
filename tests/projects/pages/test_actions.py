"""Moving tasks on the Gantt and the board, the forms, baselines and reschedules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from rapport.projects.models import Baseline, Dependency, Task, TimeEntry
from tests.projects.pages.builders import build_project, schedule_project

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _critical_with_successors(project):
    """A critical task that other tasks wait on, and the project's finish."""
    waited_on = Dependency.objects.filter(project=project).values("predecessor_id")
    return (
        Task.objects.filter(project=project, is_critical=True, pk__in=waited_on)
        .order_by("position")
        .first()
    )


def _row(answer, task_id):
    rows = answer["gantt"]["rows"]
    return next(r for r in rows if r["kind"] == "task" and r["id"] == task_id)


def test_dragging_a_critical_task_moves_its_successors_and_the_finish(
    client, pm, project
):
    # given a critical task with successors
    task = _critical_with_successors(project)
    finish_before = project.forecast_finish
    client.force_login(pm)

    # when the chart posts a start a week later
    new_start = task.start + timedelta(days=7)
    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, "start": new_start.isoformat(), "version": task.version},
        **JSON,
    )

    # then the answer lists the task and its successors as moved, with the new finish
    answer = response.json()
    assert response.status_code == 200 and answer["ok"]
    moved = {m["task"] for m in answer["moves"]}
    successors = set(
        Dependency.objects.filter(predecessor=task).values_list(
            "successor_id", flat=True
        )
    )
    assert task.pk in moved and moved & successors
    assert answer["gantt"]["project"]["finish"] > finish_before.isoformat()
    row = _row(answer, task.pk)
    assert row["start"] == new_start.isoformat()


def test_stretching_a_task_changes_its_duration(client, pm, project):
    task = _critical_with_successors(project)
    client.force_login(pm)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, "duration": task.duration_days + 2, "version": task.version},
        **JSON,
    )

    assert response.json()["ok"]
    task.refresh_from_db()
    assert task.duration_days >= 3


def test_a_stale_version_is_refused_with_412(client, pm, project):
    task = _critical_with_successors(project)
    client.force_login(pm)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, "duration": 9, "version": task.version - 1},
        **JSON,
    )

    assert response.status_code == 412
    assert not response.json()["ok"] and response.json()["error"]
    task.refresh_from_db()
    assert task.duration_days != 9


@pytest.mark.parametrize(
    ("values", "field_text"),
    [
        ({"start": "not a date"}, "YYYY-MM-DD"),
        ({"duration": "-3"}, ""),
        ({}, "start"),
    ],
)
def test_bad_moves_are_refused_with_a_message(client, pm, project, values, field_text):
    task = _critical_with_successors(project)
    client.force_login(pm)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, **values},
        **JSON,
    )

    assert response.status_code == 422
    assert response.json()["error"]
    assert field_text in response.json()["error"] or not field_text


def test_a_start_on_a_holiday_is_refused(client, pm, project):
    task = _critical_with_successors(project)
    client.force_login(pm)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, "start": "2026-10-01"},  # National Day
        **JSON,
    )

    assert response.status_code == 422
    assert "2026-10-01" in response.json()["error"]


def test_another_team_cannot_move_a_task(client, other_pm, project):
    task = _critical_with_successors(project)
    client.force_login(other_pm)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, "duration": 9},
        **JSON,
    )

    assert response.status_code == 404


def test_a_task_of_another_project_is_not_found(client, pm, project):
    other = build_project(pm, tasks=2, seed=9)
    foreign = Task.objects.filter(project=other).first()
    client.force_login(pm)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": foreign.pk, "duration": 4},
        **JSON,
    )

    assert response.status_code == 404


def test_a_read_only_role_cannot_move(client, make_user, project):
    executive = make_user("executive")
    task = _critical_with_successors(project)
    client.force_login(executive)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, "duration": 9},
        **JSON,
    )

    assert response.status_code == 403


def test_the_move_form_works_without_javascript(client, pm, project):
    task = _critical_with_successors(project)
    client.force_login(pm)

    response = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": task.pk, "duration": task.duration_days + 1},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "projects:gantt", args=[project.pk]
    )
    assert "Rescheduled" in response.content.decode()


def test_board_moves_a_task_to_another_status(client, pm, project):
    task = Task.objects.filter(project=project).first()
    client.force_login(pm)

    response = client.post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "in_progress", "version": task.version},
        **JSON,
    )

    assert response.json()["ok"] and response.json()["status"] == "in_progress"
    task.refresh_from_db()
    assert task.status == "in_progress"


def test_board_refuses_an_unknown_status_and_keeps_the_task(client, pm, project):
    task = Task.objects.filter(project=project).first()
    client.force_login(pm)

    response = client.post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "dreaming", "version": task.version},
        **JSON,
    )

    assert response.status_code == 422
    assert response.json()["status"] == "todo"


def test_board_of_another_team_is_hidden(client, other_pm, project):
    task = Task.objects.filter(project=project).first()
    client.force_login(other_pm)

    response = client.post(
        reverse("projects:task_status", args=[task.pk]), {"status": "done"}, **JSON
    )

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == "todo"


def test_task_form_shows_errors_in_place_and_keeps_input(client, pm, project):
    client.force_login(pm)

    response = client.post(
        reverse("projects:task_create", args=[project.pk]),
        {"name": "Pour the slab", "duration_days": "-4", "estimated_hours": "8"},
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "Pour the slab" in body  # the input is kept
    assert "field-error" in body
    assert not Task.objects.filter(name="Pour the slab").exists()


def test_task_form_creates_a_task(client, pm, project):
    client.force_login(pm)

    response = client.post(
        reverse("projects:task_create", args=[project.pk]),
        {
            "name": "Pour the slab",
            "duration_days": "4",
            "estimated_hours": "32",
            "percent_complete": "0",
            "status": "todo",
            "priority": "2",
            "scheduling": "auto",
        },
    )

    assert response.status_code == 302
    assert Task.objects.filter(project=project, name="Pour the slab").exists()


def test_task_edit_with_a_stale_version_keeps_the_input(client, pm, project):
    task = Task.objects.filter(project=project).first()
    client.force_login(pm)

    response = client.post(
        reverse("projects:task_edit", args=[task.pk]),
        {
            "name": "Renamed",
            "duration_days": task.duration_days,
            "estimated_hours": "8",
            "percent_complete": "0",
            "status": "todo",
            "priority": "2",
            "scheduling": "auto",
            "version": task.version - 1,
        },
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "Renamed" in body and "Someone else changed" in body
    task.refresh_from_db()
    assert task.name != "Renamed"


def test_a_dependency_loop_is_refused_naming_the_tasks(client, pm, project):
    link = Dependency.objects.filter(project=project).first()
    client.force_login(pm)

    response = client.post(
        reverse("projects:dependency_create", args=[project.pk]),
        {
            "predecessor": link.successor_id,
            "successor": link.predecessor_id,
            "type": "FS",
            "lag": "0",
        },
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert link.predecessor.name in body and link.successor.name in body


def test_time_entry_form_logs_hours(client, pm, project):
    task = Task.objects.filter(project=project).first()
    client.force_login(pm)

    response = client.post(
        reverse("projects:time_entry_create", args=[project.pk]),
        {"task": task.pk, "date": "2026-03-03", "hours": "6.5", "note": "survey"},
    )

    assert response.status_code == 302
    assert TimeEntry.objects.get(task=task).hours == pytest.approx(6.5)


def test_time_entry_form_refuses_too_many_hours(client, pm, project):
    task = Task.objects.filter(project=project).first()
    client.force_login(pm)

    response = client.post(
        reverse("projects:time_entry_create", args=[project.pk]),
        {"task": task.pk, "date": "2026-03-03", "hours": "30"},
    )

    assert response.status_code == 422
    assert 'value="30"' in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_project_form_creates_and_refuses_a_holiday_start(client, pm, project):
    client.force_login(pm)
    url = reverse("projects:project_create")
    base = {
        "name": "Wind farm",
        "company": project.company_id,
        "status": "planning",
        "contract_value": "500000",
        "currency": "CNY",
        "customer_risk": "normal",
    }

    refused = client.post(url, {**base, "start_date": "2026-10-01"})
    made = client.post(url, {**base, "start_date": "2026-10-12"})

    assert refused.status_code == 422
    assert "2026-10-01" in refused.content.decode()
    assert made.status_code == 302, made.content.decode()[-3000:]


def test_save_baseline_and_reschedule_now(client, pm, project):
    client.force_login(pm)

    client.post(
        reverse("projects:save_baseline", args=[project.pk]), {"name": "Signed"}
    )
    response = client.post(reverse("projects:reschedule", args=[project.pk]))

    assert Baseline.objects.get(project=project).name == "Signed"
    assert response.status_code == 302
    assert project.reschedules.filter(trigger="manual").exists()


def test_another_team_cannot_save_a_baseline(client, other_pm, project):
    client.force_login(other_pm)

    response = client.post(reverse("projects:save_baseline", args=[project.pk]))

    assert response.status_code == 404
    assert not Baseline.objects.exists()


def test_gantt_move_keeps_pinned_manual_tasks(client, pm):
    # given a project whose second task is pinned
    project = build_project(pm, tasks=6, seed=11)
    pinned = Task.objects.filter(project=project).order_by("position")[3]
    Task.objects.filter(pk=pinned.pk).update(
        scheduling="manual", pinned_start=date(2026, 3, 16)
    )
    schedule_project(project)
    first = Task.objects.filter(project=project).order_by("position").first()
    client.force_login(pm)

    # when the first task is stretched
    answer = client.post(
        reverse("projects:gantt_move", args=[project.pk]),
        {"task": first.pk, "duration": first.duration_days + 5},
        **JSON,
    ).json()

    # then the pinned task keeps its start
    row = _row(answer, pinned.pk)
    assert row["start"] == "2026-03-16" and row["manual"]


def test_a_read_only_role_cannot_reschedule(client, make_user, project):
    client.force_login(make_user("executive"))

    response = client.post(reverse("projects:reschedule", args=[project.pk]))

    assert response.status_code == 403
    assert not project.reschedules.filter(trigger="manual").exists()
