"""Snapshots, risk ranking with suggestions, utilisation with fixes, plan vs actual."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rapport.projects import selectors, services
from rapport.projects.models import Project, ScheduleRisk, Skill, Task
from tests.projects.factories import (
    AssignmentFactory,
    ProjectFactory,
    ResourceProfileFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 3, 13)


def _progress(plan, **percents):
    for name, percent in percents.items():
        Task.objects.filter(pk=getattr(plan, name).pk).update(percent_complete=percent)


def test_a_snapshot_measures_value_variance_and_slipped_tasks(pm, plan):
    services.save_baseline(pm, plan.project)
    services.move_task(pm, plan.build, duration=12)
    _progress(plan, design=100, build=20, docs=100)

    snap = services.take_snapshot(Project.objects.get(pk=plan.project.pk), FRIDAY)

    # By Friday of week two the plan had design, docs and half of build done.
    assert snap.planned_percent == pytest.approx(62.5)
    assert snap.planned_value == Decimal("312500.00")
    assert snap.earned_value == Decimal("275000.00")
    assert snap.spi == pytest.approx(0.88)
    assert snap.schedule_variance_days == 2
    assert snap.slipped_tasks == 2
    assert snap.open_tasks == 4
    assert snap.forecast_finish == date(2026, 3, 31)
    assert snap.planned_finish == date(2026, 3, 27)
    assert snap.critical_path_days == 22


def test_a_late_project_gets_a_risk_with_a_named_person_to_add(pm, make_user, plan):
    development = Skill.objects.get(code="development")
    services.update_task(pm, plan.build, {"required_skill_id": development.pk})
    helper = make_user("project_manager", display_name="Wang Fang")
    ResourceProfileFactory(user=helper).skills.add(development)
    services.save_baseline(pm, plan.project)
    services.move_task(pm, plan.build, duration=16)
    project = Project.objects.get(pk=plan.project.pk)
    services.take_snapshot(project, FRIDAY)

    risk = services.assess_risk(project, FRIDAY)

    assert risk.delay_days == 6
    assert risk.level == ScheduleRisk.Level.MEDIUM
    assert risk.at_stake == Decimal("500000.00")
    assert risk.score == pytest.approx(300)
    assert risk.suggestion["kind"] == "add_person"
    assert risk.suggestion["person"] == "Wang Fang"
    assert risk.suggestion["tasks"][0]["name"] == "Build"
    assert "Wang Fang" in selectors.suggestion_text(risk.suggestion)


def test_without_anyone_free_the_suggestion_is_to_raise_priority(pm, plan):
    services.save_baseline(pm, plan.project)
    services.move_task(pm, plan.build, duration=14)
    project = Project.objects.get(pk=plan.project.pk)
    services.take_snapshot(project, FRIDAY)

    risk = services.assess_risk(project, FRIDAY)

    assert risk.suggestion["kind"] == "raise_priority"
    assert [t["name"] for t in risk.suggestion["tasks"]] == ["Build", "Test"]


def test_risks_rank_by_what_is_at_stake_times_the_delay(pm, plan):
    def late_project(value, risk_level, extra_days):
        project = ProjectFactory(
            owner=pm, contract_value=value, customer_risk=risk_level
        )
        task = TaskFactory(project=project, duration_days=10)
        services.reschedule(project, "test")
        services.save_baseline(pm, project)
        services.move_task(pm, Task.objects.get(pk=task.pk), duration=10 + extra_days)
        project.refresh_from_db()
        services.take_snapshot(project, FRIDAY)
        services.assess_risk(project, FRIDAY)
        return project

    small_late = late_project(Decimal("100000"), "normal", 10)
    big_slightly_late = late_project(Decimal("2000000"), "normal", 2)
    risky_customer = late_project(Decimal("1000000"), "high", 2)

    ranked = [r.project for r in selectors.risks(pm)]

    # 2,000,000 × 2 = 4,000,000 > 1,000,000 × 1.5 × 2 = 3,000,000 > 100,000 × 10
    assert ranked[:3] == [big_slightly_late, risky_customer, small_late]


def test_a_delay_estimator_plugs_in_ahead_of_the_variance(pm, plan):
    from rapport.projects.selectors import DelayEstimate, register_delay_estimator

    def model(project, history):
        return DelayEstimate(days=12.5, estimator="delay_model", reasons=[])

    register_delay_estimator("test_model", model)
    try:
        risk = services.assess_risk(plan.project, FRIDAY)
    finally:
        selectors.delay_estimators[:] = [
            e for e in selectors.delay_estimators if e[0] != "test_model"
        ]

    assert risk.estimator == "delay_model"
    assert risk.delay_days == 12.5
    assert risk.level == ScheduleRisk.Level.HIGH


def test_utilisation_flags_an_overload_with_named_fixes(pm, make_user, plan):
    engineer = make_user("project_manager", display_name="Li Lei")
    ResourceProfileFactory(user=pm)
    ResourceProfileFactory(user=engineer)
    AssignmentFactory(task=plan.build, user=pm)
    AssignmentFactory(task=plan.docs, user=pm)

    found = selectors.utilisation(pm, date(2026, 3, 9), weeks=2)

    me = next(p for p in found["people"] if p["person_id"] == pm.pk)
    assert me["weeks"][0] == {
        "week": date(2026, 3, 9),
        "booked": 64.0,
        "capacity": 40.0,
        "ratio": 1.6,
    }
    over = found["overallocations"][0]
    assert over["person_id"] == pm.pk and over["week"] == date(2026, 3, 9)
    kinds = {(f["kind"], f["task"], f["to_person"]) for f in over["fixes"]}
    assert ("move_within_slack", "Docs", "") in kinds
    assert ("reassign", "Docs", "Li Lei") in kinds
    assert all(f["task"] != "Build" or f["kind"] == "reassign" for f in over["fixes"])


def test_leave_lowers_the_capacity_of_its_week(pm, plan):
    ResourceProfileFactory(user=pm)
    services.create_leave(
        pm, pm, {"start_date": date(2026, 3, 9), "end_date": date(2026, 3, 10)}
    )

    found = selectors.utilisation(pm, date(2026, 3, 9), weeks=1)

    me = next(p for p in found["people"] if p["person_id"] == pm.pk)
    assert me["weeks"][0]["capacity"] == 24.0


def test_past_its_critical_tasks_a_late_project_names_the_overdue_ones(pm, plan):
    services.save_baseline(pm, plan.project)
    project = Project.objects.get(pk=plan.project.pk)
    Task.objects.filter(project=project).exclude(pk=plan.test.pk).update(
        status=Task.Status.DONE, percent_complete=100
    )
    Task.objects.filter(pk=plan.test.pk).update(percent_complete=40)
    long_after = date(2026, 6, 1)

    suggestion = selectors.risk_suggestion(project, long_after)

    assert suggestion["kind"] == "raise_priority"
    assert [t["name"] for t in suggestion["tasks"]] == ["Test"]
