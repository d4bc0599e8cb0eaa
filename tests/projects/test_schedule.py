"""Rescheduling through the app: dates written, moves recorded, failures contained."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.core.errors import PreconditionFailed, ValidationFailed
from rapport.projects import services
from rapport.projects.models import Project, RescheduleRun, Task

pytestmark = pytest.mark.django_db


def test_reschedule_writes_dates_slack_and_the_critical_path(plan):
    # 2026-03-02 is a Monday; design takes 5 working days.
    assert plan.design.start == date(2026, 3, 2)
    assert plan.design.finish == date(2026, 3, 6)
    assert plan.build.start == date(2026, 3, 9)
    assert plan.test.finish == date(2026, 3, 27)
    assert [plan.design.is_critical, plan.build.is_critical, plan.test.is_critical] == [
        True,
        True,
        True,
    ]
    assert not plan.docs.is_critical
    assert plan.docs.total_slack == 12
    assert plan.project.forecast_finish == date(2026, 3, 27)
    assert plan.project.critical_path_days == 20


def test_moving_a_critical_task_moves_its_successors_and_the_end(pm, plan):
    run = services.move_task(pm, plan.build, duration=12, expected_version=1)

    moved = {m.task_id: m for m in run.moves.all()}
    assert set(moved) == {plan.build.pk, plan.test.pk}
    assert moved[plan.test.pk].new_finish == date(2026, 3, 31)
    assert run.finish_before == date(2026, 3, 27)
    assert run.finish_after == date(2026, 3, 31)
    plan.project.refresh_from_db()
    assert plan.project.forecast_finish == date(2026, 3, 31)


def test_dragging_an_automatic_task_sets_start_no_earlier_than(pm, plan):
    services.move_task(pm, plan.docs, start=date(2026, 3, 16))

    docs = Task.objects.get(pk=plan.docs.pk)
    assert docs.constraint == "snet"
    assert docs.start == date(2026, 3, 16)
    assert docs.total_slack == 7


def test_a_stale_version_is_refused_and_nothing_moves(pm, plan):
    services.update_task(pm, plan.build, {"name": "Build it"})

    with pytest.raises(PreconditionFailed):
        services.move_task(pm, plan.build, duration=20, expected_version=1)
    assert Task.objects.get(pk=plan.build.pk).duration_days == 10


def test_a_move_to_a_non_working_day_is_refused(pm, plan):
    with pytest.raises(ValidationFailed) as caught:
        services.move_task(pm, plan.docs, start=date(2026, 10, 1))  # National Day

    assert "constraint_date" in caught.value.errors


def test_a_failing_reschedule_keeps_the_last_good_schedule(plan, monkeypatch):
    from rapport.projects.services import schedule as schedule_module

    def broken(_plan):
        raise ValueError("engine refused the plan")

    monkeypatch.setattr(schedule_module, "run_engine", broken)
    run = services.reschedule(plan.project, "test")

    assert run.status == RescheduleRun.Status.FAILED
    project = Project.objects.get(pk=plan.project.pk)
    assert project.schedule_error == "engine refused the plan"
    assert project.forecast_finish == date(2026, 3, 27)
    assert Task.objects.get(pk=plan.test.pk).finish == date(2026, 3, 27)


def test_what_if_answers_without_saving(pm, plan):
    result, moves = services.what_if(
        pm, plan.project, [{"task_id": plan.design.pk, "duration": 8}]
    )

    assert result.project_finish == date(2026, 4, 1)
    assert {m.task_id for m in moves} == {
        plan.design.pk,
        plan.build.pk,
        plan.test.pk,
        plan.docs.pk,
    }
    assert Task.objects.get(pk=plan.design.pk).duration_days == 5
    assert Project.objects.get(pk=plan.project.pk).forecast_finish == date(2026, 3, 27)
