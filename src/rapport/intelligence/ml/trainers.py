"""Training runs for each kind of model, as worker jobs.

A run reads the CRM history, builds the dataset, trains, measures the model and
a simple baseline on the same held-out rows, writes the fairness report, and
registers a candidate version (`services.register_version`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rapport.core.jobs import JobContext, job_kind
from rapport.intelligence.ml import datasets, services
from rapport.intelligence.ml.features import History, load_history
from rapport.intelligence.models import ModelKind, ModelVersion

logger = logging.getLogger(__name__)

# Sensitive attributes audited per model (configurable: ML_SENSITIVE_ATTRIBUTES).
SENSITIVE: dict[str, list[str]] = {
    ModelKind.CHURN: ["size", "region", "industry"],
    ModelKind.LEAD_CONVERSION: ["region", "industry"],
    ModelKind.DEAL_CONVERSION: ["size", "region"],
}
# Columns kept for the fairness audit but never learnt from: converting a lead
# rewrites its region and industry from the company and links the company, so
# these would leak the outcome into the lead model.
AUDIT_ONLY: dict[str, list[str]] = {
    ModelKind.LEAD_CONVERSION: ["region", "industry", "existing_company"],
}
# A plain rule each model must beat: the base rate, ranked by one telling column.
BASELINE_COLUMN: dict[str, tuple[str, int]] = {
    ModelKind.CHURN: ("activities_days_since_last", 1),
    ModelKind.LEAD_CONVERSION: ("source", 0),
    ModelKind.DEAL_CONVERSION: ("activities_30d", 1),
}


def sensitive_for(kind: str) -> list[str]:
    from django.conf import settings

    configured = getattr(settings, "ML_SENSITIVE_ATTRIBUTES", {})
    return list(configured.get(kind, SENSITIVE.get(kind, [])))


def baseline(
    kind: str, data: datasets.Dataset, train: Any, valid: Any
) -> dict[str, Any]:
    """Base-rate probabilities (per group of a categorical column) on `valid`."""
    import numpy as np
    import pandas as pd

    from rapport.intelligence.ml.lib.tabular import metrics

    column, numeric = BASELINE_COLUMN[kind]
    y = data.y
    values = data.frame[column]
    if numeric:
        edges = values.iloc[train].quantile([0.2, 0.4, 0.6, 0.8]).to_numpy()
        bins = pd.Series(np.searchsorted(edges, values.fillna(values.max()).to_numpy()))
    else:
        bins = values.fillna("(missing)").reset_index(drop=True)
    rates = pd.Series(y[train]).groupby(bins.iloc[train].to_numpy()).mean()
    base = float(y[train].mean())
    predicted = bins.iloc[valid].map(rates).fillna(base).to_numpy()
    result = metrics(y[valid], predicted)
    result.pop("calibration", None)
    result["method"] = f"base rate by {column}"
    return result


def fairness_report(
    kind: str, data: datasets.Dataset, valid: Any, scores: Any
) -> dict[str, Any]:
    from rapport.intelligence.ml.lib import fairness

    predicted = (scores >= 0.5).astype(int)
    reports = [
        fairness.report(
            data.y[valid], predicted, data.frame[name].iloc[valid].tolist(), name
        )
        for name in sensitive_for(kind)
        if name in data.frame
    ]
    return fairness.combined(reports)


def train_classifier(
    kind: str, actor: Any, ctx: JobContext | None = None
) -> ModelVersion:
    """Train churn or conversion on the CRM history and register a candidate."""
    from rapport.intelligence.ml.lib.tabular import detect_columns
    from rapport.intelligence.ml.lib.training import train_churn, train_conversion

    history = load_history()
    builders: dict[str, Callable[[History], datasets.Dataset]] = {
        ModelKind.CHURN: datasets.churn_training,
        ModelKind.LEAD_CONVERSION: datasets.lead_training,
        ModelKind.DEAL_CONVERSION: datasets.deal_training,
    }
    data = builders[kind](history)
    _log(ctx, f"{len(data.y)} rows, {int(data.y.sum())} {data.positive}", 20)
    columns = detect_columns(data.frame, exclude=AUDIT_ONLY.get(kind, []))
    trainer = train_churn if kind == ModelKind.CHURN else train_conversion
    model, report = trainer(data.frame, data.y, columns, order=data.as_of)
    _log(ctx, f"trained {report['method']}", 80)
    valid, scores = report.pop("valid_rows"), report.pop("valid_scores")
    train = sorted(set(range(len(data.y))) - set(valid.tolist()))
    metrics = dict(report.pop("validation"))
    metrics["baseline"] = baseline(kind, data, train, valid)
    metrics["candidates"] = report.pop("candidates", {})
    as_of = data.as_of
    start, end = (as_of.min(), as_of.max()) if len(as_of) else (None, None)
    return services.register_version(
        actor,
        kind,
        report["method"],
        model,
        window=(_date(history.start), _date(history.now)),
        features=columns.all,
        params={
            **report,
            "rows": len(data.y),
            "first_as_of": str(start)[:10],
            "last_as_of": str(end)[:10],
        },
        metrics=metrics,
        fairness=fairness_report(kind, data, valid, scores),
    )


def _date(value: Any) -> Any:
    return value.date() if value is not None else None


def _log(ctx: JobContext | None, line: str, percent: int) -> None:
    logger.info("%s", line)
    if ctx is not None:
        ctx.log(line)
        ctx.progress(percent)


def train(kind: str, actor: Any, ctx: JobContext | None = None) -> ModelVersion:
    """Train one kind of model."""
    if kind == ModelKind.CLV:
        from rapport.intelligence.ml.clv_model import train_clv

        return train_clv(actor, ctx)
    if kind == ModelKind.DELAY:
        from rapport.intelligence.ml.delay_model import train_delay

        return train_delay(actor, ctx)
    return train_classifier(kind, actor, ctx)


@job_kind("ml.train")
def train_job(ctx: JobContext) -> dict[str, Any]:
    """Job: train a model; with auto_activate, promote it if it wins fairly."""
    from rapport.accounts import selectors as accounts

    actor = accounts.get_user(ctx.job.user_id) if ctx.job.user_id else services.SYSTEM
    version = train(ctx.params["model_kind"], actor or services.SYSTEM, ctx)
    promoted = False
    if ctx.params.get("auto_activate"):
        promoted = services.promote_if_better(version)
    if promoted and version.kind == ModelKind.DELAY:
        # The projects' risk alerts read the stored forecasts: make them now.
        from rapport.intelligence.ml import scoring

        scored = scoring.score(ModelKind.DELAY)
        ctx.log(f"{scored} open projects forecast")
    return {"version_id": version.pk, "number": version.number, "activated": promoted}
