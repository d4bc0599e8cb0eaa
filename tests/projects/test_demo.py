"""The demo projects: played out from won deals, late for causes the data shows."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise
from statistics import mean

import pytest
from django.db import transaction
from django.utils import timezone

from rapport.projects.models import (
    Baseline,
    ProgressSnapshot,
    Project,
    ResourceProfile,
    ScheduleRisk,
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The full demo's CRM and this step only (the later steps are not needed)."""
    from rapport.demo import generator, projects
    from rapport.demo.state import SIZES

    with django_db_blocker.unblock():
        builder = generator._Builder(
            SIZES["full"], generator.DEFAULT_SEED, timezone.now()
        )
        with transaction.atomic():
            builder.make_people()
            builder.plan()
            builder.write()
            counts = projects.load(builder)
    yield builder, counts
    with django_db_blocker.unblock():
        projects.clear()
        generator.clear_demo()


pytestmark = pytest.mark.django_db


def test_about_sixty_projects_from_won_deals_one_each(demo):
    _builder, counts = demo
    rows = list(Project.objects.select_related("deal__stage", "template"))

    assert counts["projects"] == len(rows) == 60
    assert all(p.deal.stage.outcome == "won" for p in rows)
    assert len({p.deal_id for p in rows}) == 60
    assert all(p.template.project_type == p.deal.project_type for p in rows)
    assert len({p.template.code for p in rows}) >= 4


def test_tasks_are_named_in_the_customers_language(demo):
    from rapport.projects.models import Task

    names = defaultdict(set)
    for name, currency in Task.objects.values_list("name", "project__currency"):
        names[currency == "CNY"].add(name)

    assert names[True]  # every demo project is in yuan; others would be English
    assert all(any("\u4e00" <= c <= "\u9fff" for c in n) for n in names[True])
    assert not any(any("\u4e00" <= c <= "\u9fff" for c in n) for n in names[False])


def test_some_on_time_and_some_late_each_for_a_recorded_cause(demo):
    causes = defaultdict(list)
    for project in Project.objects.all():
        causes[project.delay_cause].append(project)

    assert len(causes[""]) >= 12
    for cause in ("overload", "late_predecessor", "scope_change"):
        assert len(causes[cause]) >= 3, cause
        for project in causes[cause]:
            assert project.forecast_finish > project.planned_finish
            assert "Delay cause" in project.description


def test_overloaded_projects_show_the_overload_in_their_snapshots(demo):
    def peak_load(projects):
        return mean(max(s.resource_load for s in p.snapshots.all()) for p in projects)

    rows = Project.objects.prefetch_related("snapshots")
    overloaded = [p for p in rows if p.delay_cause == "overload"]
    on_time = [p for p in rows if p.delay_cause == ""]

    assert peak_load(overloaded) > 1.2 * peak_load(on_time)
    assert peak_load(overloaded) > 1.0


def test_every_day_of_a_project_has_a_snapshot(demo):
    for project in Project.objects.prefetch_related("snapshots"):
        days = [s.date for s in project.snapshots.all()]
        assert days[0] == project.start_date
        assert all(b - a == timedelta(days=1) for a, b in pairwise(days))
        planned = [s.planned_value for s in project.snapshots.all()]
        assert planned == sorted(planned)


def test_a_late_projects_variance_grows_as_its_slip_becomes_known(demo):
    late = Project.objects.filter(delay_cause="late_predecessor").first()
    history = list(late.snapshots.order_by("date"))

    assert history[0].schedule_variance_days == 0
    assert history[-1].schedule_variance_days >= 3
    assert history[-1].forecast_finish == late.forecast_finish


def test_baselines_hold_the_plan_and_open_projects_have_ranked_risks(demo):
    for project in Project.objects.all():
        baseline = Baseline.objects.get(project=project)
        assert baseline.finish == project.planned_finish
    open_ids = set(Project.objects.filter(status="active").values_list("id", flat=True))
    assert set(ScheduleRisk.objects.values_list("project_id", flat=True)) == open_ids


def test_the_messages_step_learns_which_customers_had_late_projects(demo):
    builder, _counts = demo
    late = {p.company_id: p.pk for p in Project.objects.exclude(delay_cause="")}

    assert builder.project_story
    for company_id, periods in builder.project_story.items():
        assert company_id in late
        for start_ago, end_ago, project_id in periods:
            assert start_ago >= end_ago >= 0
            assert Project.objects.get(pk=project_id).company_id == company_id


def test_people_have_profiles_with_skills_and_rates(demo):
    profiles = ResourceProfile.objects.prefetch_related("skills")

    assert profiles.count() >= 20
    assert all(p.skills.exists() and p.cost_rate > 0 for p in profiles)
    assert ProgressSnapshot.objects.count() > 3000
