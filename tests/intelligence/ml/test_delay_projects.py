"""The delay model on real project snapshots: data, training, estimator, panel."""

from __future__ import annotations

import sys
from decimal import Decimal

import numpy as np
import pytest
from django.test import RequestFactory
from django.urls import reverse

from rapport.intelligence.ml import delay_data, scoring, services
from rapport.intelligence.ml.delay_model import data_window, train_delay
from rapport.intelligence.ml.delay_panel import project_panel
from rapport.intelligence.ml.lib.delay import MIN_REAL_PROJECTS
from rapport.intelligence.ml.lib.simulator import simulate_many
from rapport.intelligence.models import ModelKind, Prediction
from rapport.projects import selectors as project_selectors
from rapport.projects.calendars import project_calendar
from rapport.projects.models import ProgressSnapshot, Project, ScheduleRisk
from tests.projects.factories import MONDAY, ProjectFactory


def project_from(sim, owner, finished: bool = True, days: int | None = None):
    """A project whose daily snapshots are the simulated project's, working day by day.

    A finished one ends on its actual finish; an open one has `days` snapshots.
    """
    project = ProjectFactory(
        owner=owner,
        start_date=MONDAY,
        contract_value=Decimal(str(round(sim.budget * 1000, 2))),
        status=Project.Status.COMPLETED if finished else Project.Status.ACTIVE,
    )
    calendar = project_calendar(project)
    project.planned_finish = calendar.add_workdays(MONDAY, sim.planned_duration - 1)
    project.forecast_finish = calendar.add_workdays(MONDAY, sim.actual_duration - 1)
    project.save()
    rows = sim.snapshots if days is None else sim.snapshots[:days]
    ProgressSnapshot.objects.bulk_create(
        [snapshot(project, calendar, i, row) for i, row in enumerate(rows)]
    )
    return project


def snapshot(project, calendar, i, row) -> ProgressSnapshot:
    day = calendar.add_workdays(MONDAY, i)
    return ProgressSnapshot(
        project=project,
        date=day,
        planned_value=Decimal(str(round(row[0] * 1000, 2))),
        earned_value=Decimal(str(round(row[1] * 1000, 2))),
        percent_complete=round(row[2] * 100, 2),
        slipped_tasks=int(row[4]),
        resource_load=round(row[5], 3),
        critical_path_days=int(i + 1 + row[6]),
        forecast_finish=calendar.add_workdays(day, round(row[6])),
        planned_finish=project.planned_finish,
    )


@pytest.fixture
def pm(make_user):
    return make_user("project_manager")


def test_real_snapshots_map_one_to_one_onto_the_simulator_columns(pm):
    sims = simulate_many(3, seed=21)
    for sim in sims:
        project_from(sim, pm)
    real = delay_data.finished_projects()
    assert len(real) == 3
    for sim, seen in zip(sims, sorted(real, key=lambda p: p.meta["project_id"])):
        assert seen.planned_duration == sim.planned_duration
        assert seen.delay == sim.delay
        assert seen.snapshots.shape == sim.snapshots.shape
        scaled = seen.snapshots.copy()
        scaled[:, [0, 1, 3]] /= 1000
        assert np.allclose(scaled[:, :3], sim.snapshots[:, :3], atol=1e-4)
        assert np.allclose(scaled[:, 3], sim.snapshots[:, 3], atol=1e-4)
        assert np.array_equal(scaled[:, 4], sim.snapshots[:, 4])
        assert np.allclose(scaled[:, 5], sim.snapshots[:, 5], atol=1e-3)
        assert np.allclose(scaled[:, 6], np.round(sim.snapshots[:, 6]))


def test_a_sequence_as_of_a_day_ignores_later_snapshots(pm):
    sim = simulate_many(1, seed=22)[0]
    project = project_from(sim, pm, finished=False, days=20)
    calendar = project_calendar(project)
    on = calendar.add_workdays(MONDAY, 9)  # the tenth working day
    before = delay_data.open_cases([project.pk], on=on)[0][1]
    assert len(before.snapshots) == 10
    # A later snapshot with wild figures, and a changed one after the day.
    later = snapshot(project, calendar, 25, sim.snapshots[5] * 40)
    later.slipped_tasks = 99
    later.save()
    ProgressSnapshot.objects.filter(project=project, date__gt=on).update(
        slipped_tasks=77, resource_load=9.0
    )
    after = delay_data.open_cases([project.pk], on=on)[0][1]
    assert np.array_equal(before.snapshots, after.snapshots)
    assert after.stage == before.stage
    # ... while the next working day does see them.
    moved = delay_data.open_cases([project.pk], on=calendar.add_workdays(on, 1))
    assert moved[0][1].snapshots[-1, 4] in (77, 99)


@pytest.mark.slow
def test_training_on_finished_projects_judges_routes_on_held_out_real_ones(pm):
    sims = simulate_many(MIN_REAL_PROJECTS + 4, seed=23)
    for sim in sims:
        project_from(sim, pm)
    open_sim = simulate_many(1, seed=24)[0]
    open_project = project_from(
        open_sim, pm, finished=False, days=open_sim.planned_duration // 2
    )
    version = train_delay(services.SYSTEM, projects=60, epochs=2)
    assert version.params["real_projects"] == len(sims)
    assert version.metrics["evaluation"] == "real"
    assert "held-out finished real projects" in version.note
    held = version.metrics["valid_cases"]
    assert 0 < held <= 3 * round(len(sims) * 0.3)
    for stage, table in version.metrics["mae_by_stage"].items():
        if table:
            assert version.metrics["routes"][stage] == min(table, key=table.get)
    # Activated, it forecasts the open project and the risk alert uses it.
    services.activate(services.SYSTEM, version)
    assert scoring.score(ModelKind.DELAY) == 1
    stored = Prediction.objects.get(subject_kind="projects.project")
    assert stored.subject_id == open_project.pk
    assert 1 <= len(stored.factors) <= 3
    effects = [abs(f["effect"]) for f in stored.factors]
    assert effects == sorted(effects, reverse=True)
    assert {f["method"] for f in stored.factors} <= {"earned_schedule", "gbt", "lstm"}
    risk = ScheduleRisk.objects.get(project=open_project)
    assert risk.estimator.startswith("ml.delay")
    assert risk.delay_days == pytest.approx(max(stored.score, 0), abs=0.01)


@pytest.mark.slow
def test_with_few_finished_projects_the_note_says_routes_were_judged_on_simulation(
    pm,
):
    for sim in simulate_many(4, seed=25):
        project_from(sim, pm)
    version = train_delay(services.SYSTEM, projects=40, epochs=2)
    assert version.metrics["evaluation"] == "simulated"
    assert "Only 4 finished real projects" in version.note
    # The data window spans the real projects' history, not the training day.
    finishes = [p.meta["finish"] for p in delay_data.finished_projects()]
    assert version.window_start == MONDAY
    assert version.window_end == max(finishes)
    assert version.window_end > MONDAY


def test_a_version_trained_on_the_simulator_alone_has_no_data_window():
    assert data_window([]) == (None, None)


@pytest.mark.slow
def test_without_torch_the_delay_model_trains_and_scores_with_baselines(
    pm, monkeypatch
):
    # `import torch` now fails as if the extra were not installed.
    for name in [m for m in sys.modules if m.split(".")[0] == "torch"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [NoTorch(), *sys.meta_path])
    with pytest.raises(ImportError):
        import torch  # noqa: F401
    for sim in simulate_many(3, seed=26):
        project_from(sim, pm)
    open_sim = simulate_many(1, seed=27)[0]
    project_from(open_sim, pm, finished=False, days=open_sim.planned_duration // 2)
    version = train_delay(services.SYSTEM, projects=40, epochs=2)
    assert "torch is not installed" in version.note
    assert "lstm" not in version.metrics["mae_by_method"]
    assert set(version.metrics["routes"].values()) <= {"earned_schedule", "gbt"}
    assert "lstm" not in version.method
    services.activate(services.SYSTEM, version)
    scoring._cache.clear()
    assert scoring.score(ModelKind.DELAY) == 1
    factors = Prediction.objects.get(subject_kind="projects.project").factors
    assert factors[0]["method"] in {"earned_schedule", "gbt"}


class NoTorch:
    """An import hook that refuses torch, like an environment without it."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def delay_version(status: str = "active"):
    from tests.intelligence.ml.factories import version

    return version(
        kind="delay",
        method="gbt+lstm",
        checksum="d" * 64,
        status=status,
        metrics={
            "mae": 5.0,
            "evaluation": "real",
            "routes": {"0.3": "gbt", "0.5": "lstm", "0.7": "lstm"},
            "mae_by_stage": {"0.5": {"earned_schedule": 9.0, "gbt": 6.2, "lstm": 4.8}},
        },
    )


FACTORS = [
    {
        "feature": "behind_plan",
        "value": 12.5,
        "effect": 4.2,
        "unit": "days",
        "method": "lstm",
        "stage": "0.5",
    },
    {
        "feature": "resource_load",
        "value": 1.6,
        "effect": 2.0,
        "unit": "days",
        "method": "lstm",
        "stage": "0.5",
    },
    {
        "feature": "slipped_tasks",
        "value": 0.0,
        "effect": -0.5,
        "unit": "days",
        "method": "lstm",
        "stage": "0.5",
    },
]


@pytest.fixture
def forecast(pm):
    project = ProjectFactory(owner=pm)
    version = delay_version()
    Prediction.objects.create(
        model_version=version,
        subject_kind="projects.project",
        subject_id=project.pk,
        score=7.4,
        factors=FACTORS,
    )
    return project, version


def test_the_estimator_returns_the_active_models_stored_forecast(forecast):
    project, version = forecast
    found = project_selectors.estimate_delay(project, [])
    assert found.days == pytest.approx(7.4)
    assert found.estimator == "ml.delay:lstm"
    assert found.reasons[0]["feature"] == "behind_plan"
    # No forecast for another project: the projects app's own estimate answers.
    other = ProjectFactory(owner=project.owner)
    assert project_selectors.estimate_delay(other, []).estimator == "schedule_variance"
    # A retired version's forecasts are not used.
    version.status = "retired"
    version.save()
    assert project_selectors.estimate_delay(project, []).estimator != "ml.delay:lstm"


def test_the_project_page_shows_the_delay_panel_to_its_team_only(
    client, pm, make_user, other_team, forecast
):
    project, _version = forecast
    url = reverse("projects:project_detail", args=[project.pk])
    client.force_login(pm)
    html = client.get(url).content.decode()
    assert "Expected delay" in html and "7 working days late" in html
    assert "LSTM on the daily snapshots" in html
    assert "held-out finished projects" in html
    assert "Work behind plan is 12.5 % of the budget: adds 4.2 working days" in html
    assert "The busiest person is booked at 160 %: adds 2.0 working days" in html
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "基于每日快照的 LSTM" in page.content.decode()
    assert "延期 7 个工作日" in page.content.decode()
    stranger = make_user("project_manager", other_team)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    request = RequestFactory().get(url)
    request.user = stranger
    assert project_panel(request, project) is None
    request.user = pm
    assert "Expected delay" in (project_panel(request, project) or "")


def test_the_api_gives_a_projects_forecast_to_its_team_only(
    make_user, other_team, forecast
):
    from tests.api.conftest import ApiClient

    project, _version = forecast
    query = {"subject_kind": "projects.project", "subject_id": project.pk}
    answer = ApiClient(project.owner).get("/ml/predictions", query)
    assert answer.status_code == 200
    body = answer.json()[0]
    assert body["model_kind"] == "delay" and body["score"] == pytest.approx(7.4)
    assert body["factors"][0]["text"].endswith("adds 4.2 working days")
    stranger = make_user("project_manager", other_team)
    assert ApiClient(stranger).get("/ml/predictions", query).status_code == 404
