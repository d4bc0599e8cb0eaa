"""The project delay model: trained on finished real projects and the simulator.

The simulator (`lib/simulator.py`) pre-trains and augments; finished real
projects (`delay_data.finished_projects`, from ProgressSnapshot rows) train
too and, when there are at least `lib.delay.MIN_REAL_PROJECTS` of them, the
held-out ones decide each stage's route. The version records how many projects
of each kind it saw, how each method did at each stage and on which projects
that was measured; it routes a stage to the LSTM only where the LSTM beat both
baselines. Scoring runs in the worker (`score_delay`) and stores one
Prediction per open project: the score is the expected delay in working days.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from rapport.core.jobs import JobContext
from rapport.intelligence.ml import services
from rapport.intelligence.models import ModelKind, ModelVersion

DEFAULT_PROJECTS = 600


def train_delay(
    actor: Any,
    ctx: JobContext | None = None,
    projects: int | None = None,
    epochs: int = 40,
) -> ModelVersion:
    """Simulate projects, fit Earned Schedule, trees and LSTM; register a candidate."""
    from rapport.intelligence.ml.lib import delay
    from rapport.intelligence.ml.lib.simulator import SNAPSHOT_COLUMNS, simulate_many

    configured: Any = getattr(settings, "ML_DELAY_PROJECTS", DEFAULT_PROJECTS)
    count = int(projects or configured)
    from rapport.intelligence.ml.delay_data import finished_projects

    simulated = simulate_many(count, seed=11)
    real = finished_projects()
    if ctx is not None:
        ctx.log(f"simulated {count} projects; {len(real)} finished real projects")
        ctx.progress(20)
    model, report = delay.train(simulated, epochs=epochs, real=real)
    if ctx is not None:
        ctx.log(f"routes: {report['routes']}; {report['note']}".strip())
    return services.register_version(
        actor,
        ModelKind.DELAY,
        "+".join(sorted(set(report["routes"].values()))),
        model,
        window=data_window(real),
        features=list(SNAPSHOT_COLUMNS),
        params={
            "projects": count,
            "epochs": epochs,
            "routes": report["routes"],
            "source": "simulator+projects" if real else "simulator",
            "real_projects": len(real),
            "evaluation": report["evaluation"],
        },
        metrics=report,
        fairness={},
        note=report["note"],
    )


def data_window(real: list[Any]) -> tuple[Any, Any]:
    """From the first snapshot to the last finish of the real projects learned from.

    A version trained on the simulator alone saw no dated data: no window.
    """
    if not real:
        return (None, None)
    return (
        min(p.meta["first_snapshot"] for p in real),
        max(p.meta["finish"] for p in real),
    )


def score_delay(version: ModelVersion, ids: list[int] | None = None) -> int:
    """Forecast the delay of open projects (or only `ids`) and store it with reasons."""
    from rapport.intelligence.ml import scoring
    from rapport.intelligence.ml.delay_data import open_cases
    from rapport.intelligence.ml.lib.delay import explain

    found = open_cases(ids)
    if not found:
        return 0
    model = scoring.load_model(version)
    cases = [case for _pk, case in found]
    days = model.predict(cases)
    factors = explain(model, cases)
    project_ids = [pk for pk, _case in found]
    scoring.store(
        version,
        "projects.project",
        project_ids,
        [round(float(d), 2) for d in days],
        factors,
    )
    refresh_risks(project_ids)
    return len(found)


def refresh_risks(project_ids: list[int]) -> None:
    """Re-rank the projects' schedule risk now that the model has a forecast."""
    from rapport.projects import selectors as projects
    from rapport.projects import services as project_services

    for project in projects.projects_by_id(project_ids):
        project_services.assess_risk(project)
