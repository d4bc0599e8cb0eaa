"""The delay model in the projects app: its estimator and the project page panel.

Both only read stored predictions: the forecast itself is made by the worker
(`delay_model.score_delay`, nightly and after a delay model is activated), so a
web request never loads the model nor imports torch, sklearn or numpy.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from rapport.intelligence.ml import selectors, words
from rapport.intelligence.models import ModelKind, ModelVersion, Prediction

SUBJECT = "projects.project"


def active_delay_version_id() -> int | None:
    return (
        ModelVersion.objects.filter(
            kind=ModelKind.DELAY, status=ModelVersion.Status.ACTIVE
        )
        .values_list("pk", flat=True)
        .first()
    )


def estimator(project: Any, snapshots: list[Any]) -> Any:
    """projects.selectors delay estimator: the active model's latest stored forecast.

    None (the projects app then uses its own schedule-variance estimate) when
    no delay model is active or it has not scored this project yet.
    """
    from rapport.projects.selectors import DelayEstimate

    version_id = active_delay_version_id()
    if version_id is None:
        return None
    row = (
        Prediction.objects.filter(
            subject_kind=SUBJECT, subject_id=project.pk, model_version_id=version_id
        )
        .order_by("-created_at", "-id")
        .values("score", "factors")
        .first()
    )
    if row is None:
        return None
    factors = row["factors"] or []
    method = factors[0].get("method", "") if factors else ""
    return DelayEstimate(
        days=float(row["score"]),
        estimator=f"ml.delay:{method}" if method else "ml.delay",
        reasons=factors,
    )


def method_label(method: str) -> str:
    labels = {
        "lstm": _("LSTM on the daily snapshots"),
        "gbt": _("Gradient-boosted trees on schedule indicators"),
        "earned_schedule": _("Earned Schedule"),
    }
    return labels.get(method, method)


def why(version: ModelVersion, method: str, stage: str) -> str:
    """Why this method forecasts at this stage, from the version's own validation."""
    metrics = version.metrics or {}
    table = (metrics.get("mae_by_stage") or {}).get(stage) or {}
    on = (
        _("held-out finished projects")
        if metrics.get("evaluation") == "real"
        else _("held-out simulated projects")
    )
    percent = round(float(stage) * 100) if stage else 0
    if method not in table:
        return _("No validation figures for this stage.")
    others = {m: v for m, v in table.items() if m != method}
    text = _(
        "At %(percent)d %% of the plan it had the smallest error on %(on)s: "
        "%(mae).1f working days"
    ) % {"percent": percent, "on": on, "mae": table[method]}
    if others:
        best_other = min(others, key=others.get)  # type: ignore[arg-type]
        text += _(" (%(other)s: %(mae).1f).") % {
            "other": method_label(best_other),
            "mae": others[best_other],
        }
    else:
        text += "."
    if "lstm" not in table:
        text += " " + _("The LSTM was not trained: torch is not installed.")
    return text


def project_panel(request: Any, project: Any) -> str | None:
    """The project's expected delay, the method that made it and three reasons."""
    from rapport.projects import selectors as projects

    prediction = selectors.latest_prediction(
        request.user, SUBJECT, project.pk, ModelKind.DELAY
    )
    if prediction is None:
        return None
    if not projects.projects(request.user).filter(pk=project.pk).exists():
        return None
    factors = prediction.factors or []
    method = factors[0].get("method", "") if factors else ""
    stage = factors[0].get("stage", "") if factors else ""
    days = prediction.score
    return render_to_string(
        "intelligence/ml/delay_panel.html",
        {
            "days": round(days, 1),
            "whole_days": round(abs(days)),
            "late": days >= 0.5,
            "early": days <= -0.5,
            "method": method_label(method),
            "is_lstm": method == "lstm",
            "why": why(prediction.model_version, method, stage),
            "reasons": words.delay_sentences(factors),
            "version": prediction.model_version,
            "created_at": prediction.created_at,
        },
        request=request,
    )
