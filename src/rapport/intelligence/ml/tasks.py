"""Huey tasks of the ml part: nightly scoring and weekly retraining."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from rapport.intelligence.ml import scoring, services


@db_periodic_task(crontab(hour="2", minute="23"))
def score_all_task() -> None:
    """Every night, score open leads, open deals and customers with active models."""
    scoring.score_all()


@db_periodic_task(crontab(day_of_week="0", hour="1", minute="7"))
def retrain_task() -> None:
    """Every Sunday, retrain each CRM model; a better, fair candidate is promoted."""
    for kind in ("churn", "lead_conversion", "deal_conversion", "clv"):
        services.start_training(services.SYSTEM, kind, auto_activate=True)
