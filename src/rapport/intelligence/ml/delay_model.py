"""The project delay model, trained on simulated projects with known causes.

Until the projects app stores real ProgressSnapshot rows, the model learns from
the simulator (`lib/simulator.py`); its version records how many projects it
saw and how each method did at each stage, and it routes a stage to the LSTM
only where the LSTM beat both baselines.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

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
    simulated = simulate_many(count, seed=11)
    if ctx is not None:
        ctx.log(f"simulated {count} projects")
        ctx.progress(20)
    model, report = delay.train(simulated, epochs=epochs)
    if ctx is not None:
        ctx.log(f"routes: {report['routes']}; {report['note']}".strip())
    today = timezone.now().date()
    return services.register_version(
        actor,
        ModelKind.DELAY,
        "+".join(sorted(set(report["routes"].values()))),
        model,
        window=(today, today),
        features=list(SNAPSHOT_COLUMNS),
        params={
            "projects": count,
            "epochs": epochs,
            "routes": report["routes"],
            "source": "simulator",
        },
        metrics=report,
        fairness={},
        note=report["note"],
    )
