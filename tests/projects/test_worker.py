"""Changes queue one reschedule per project after commit; the worker runs it."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.projects import services
from rapport.projects.models import RescheduleRun, Task
from tests.projects.factories import AssignmentFactory, ResourceProfileFactory

pytestmark = pytest.mark.django_db


def test_a_task_change_reschedules_after_commit(
    pm, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_task(pm, plan.design, {"duration_days": 7})

    run = RescheduleRun.objects.filter(trigger="task.updated").get()
    assert run.status == "succeeded"
    assert Task.objects.get(pk=plan.test.pk).finish == date(2026, 3, 31)


def test_many_changes_in_one_transaction_queue_one_reschedule(
    pm, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_task(pm, plan.design, {"duration_days": 6})
        services.update_task(pm, plan.build, {"duration_days": 11})
        services.create_task(pm, plan.project, {"name": "Review", "duration_days": 2})

    reschedules = [c for c in callbacks if getattr(c, "reschedules", None)]
    assert len(reschedules) == 1
    assert RescheduleRun.objects.exclude(trigger="test").count() == 1
    assert Task.objects.get(pk=plan.test.pk).finish == date(2026, 3, 31)


def test_a_run_already_covered_is_skipped(plan):
    from django.utils import timezone

    asked = timezone.now().isoformat()
    services.reschedule(plan.project, "earlier")

    skipped = services.reschedule_requested(plan.project.pk, "late", None, asked)

    assert skipped is None
    assert not RescheduleRun.objects.filter(trigger="late").exists()


def test_a_rolled_back_change_leaves_no_pending_reschedule(
    pm, plan, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.update_task(pm, plan.design, {"duration_days": 9})
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        services.update_task(pm, plan.docs, {"duration_days": 4})

    assert len([c for c in callbacks if getattr(c, "reschedules", None)]) == 1
    assert Task.objects.get(pk=plan.design.pk).duration_days == 5
    assert Task.objects.get(pk=plan.docs.pk).finish == date(2026, 3, 12)


def test_leave_of_an_assigned_person_reschedules_their_projects(
    pm, plan, django_capture_on_commit_callbacks
):
    ResourceProfileFactory(user=pm)
    AssignmentFactory(task=plan.build, user=pm)

    with django_capture_on_commit_callbacks(execute=True):
        services.create_leave(
            pm, pm, {"start_date": date(2026, 3, 10), "end_date": date(2026, 3, 11)}
        )

    assert RescheduleRun.objects.filter(trigger="leave.created").exists()


def test_a_dependency_change_reschedules(pm, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_dependency(
            pm,
            plan.project,
            {"predecessor_id": plan.docs.pk, "successor_id": plan.test.pk, "lag": 10},
        )

    # docs ends 2026-03-11; ten working days later the test starts 2026-03-26.
    assert Task.objects.get(pk=plan.test.pk).start == date(2026, 3, 26)


def test_nightly_snapshot_reschedules_snapshots_and_scores_every_open_project(plan):
    from rapport.projects.models import ProgressSnapshot, ScheduleRisk

    count = services.snapshot_open_projects(date(2026, 3, 13))

    assert count == 1
    snapshot = ProgressSnapshot.objects.get(project=plan.project)
    assert snapshot.date == date(2026, 3, 13)
    assert ScheduleRisk.objects.filter(project=plan.project).exists()
    services.snapshot_open_projects(date(2026, 3, 13))
    assert ProgressSnapshot.objects.filter(project=plan.project).count() == 1
