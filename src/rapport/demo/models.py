"""Demo models: the predictive models trained on the demo company and its scores.

With the full demo the step trains the churn, lead-conversion, deal-win and
lifetime-value models right here (about half a minute on two cores), activates
them and scores every open lead, open deal and customer, so the pages show
scores at once. A version with a fairness alert is activated for the tour with
that reason in its audit entry, and the alert stays open. A quick delay model
(fewer simulated projects and epochs) is trained here on the simulator and the
demo's finished projects, activated and used to forecast every open project;
the full-size training is queued as a job that replaces it if it does better.
Smaller demos are too thin to train on; train them from the Models page.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

MIN_COMPANIES = 200
KINDS = ("churn", "lead_conversion", "deal_conversion", "clv")
DEMO_DELAY_PROJECTS = 100
DEMO_DELAY_EPOCHS = 10


def load(builder: Any) -> dict[str, int]:
    """Train, activate and score the CRM models on the demo data."""
    from rapport.intelligence.ml import scoring, services, trainers
    from rapport.intelligence.ml.datasets import NotEnoughData

    if builder.size.companies < MIN_COMPANIES:
        return {}
    counts: dict[str, int] = {}
    for kind in KINDS:
        try:
            version = trainers.train(kind, services.SYSTEM)
        except NotEnoughData as exc:
            logger.warning("demo: %s not trained: %s", kind, exc.detail)
            continue
        reason = ""
        if services.open_alerts(version):
            reason = "Demo: activated for the tour; the fairness alert stays open."
        services.activate(services.SYSTEM, version, reason)
        counts[f"model_{kind}"] = version.number
    from rapport.intelligence.ml.delay_model import train_delay

    delay = train_delay(
        services.SYSTEM, projects=DEMO_DELAY_PROJECTS, epochs=DEMO_DELAY_EPOCHS
    )
    services.activate(services.SYSTEM, delay)
    counts["model_delay"] = delay.number
    for kind, scored in scoring.score_all().items():
        counts[f"scored_{kind}"] = scored
    admin = builder.users.get("admin")
    services.start_training(admin or services.SYSTEM, "delay", auto_activate=True)
    return counts


def clear() -> None:
    """Delete this step's demo records: predictions, review items and versions."""
    from rapport.intelligence.ml.services import models_dir
    from rapport.intelligence.models import (
        FairnessAlert,
        ModelVersion,
        Prediction,
        ReviewItem,
    )

    for name in ModelVersion.objects.exclude(file_path="").values_list(
        "file_path", flat=True
    ):
        (models_dir() / name).unlink(missing_ok=True)
    ReviewItem.objects.all().delete()
    Prediction.objects.all().delete()
    FairnessAlert.objects.all().delete()
    ModelVersion.objects.all().delete()
