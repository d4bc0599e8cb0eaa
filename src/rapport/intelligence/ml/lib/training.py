"""Training procedures: choose the churn model, train conversion, cross-validate.

Candidates are compared on the same held-out split (the latest rows when an
order is given, else a stratified quarter); the winner is refitted on all rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from rapport.intelligence.ml.lib.classifiers import (
    AverageModel,
    ForestModel,
    FrequencyNB,
    LogisticModel,
    TabularClassifier,
    XGBoostModel,
)
from rapport.intelligence.ml.lib.tabular import RANDOM_STATE, Columns, metrics

logger = logging.getLogger(__name__)

MIN_CLOSED_FOR_XGBOOST = 200
MIN_CLASS_FOR_XGBOOST = 40


def holdout(y: Any, order: Any = None, share: float = 0.25) -> tuple[Any, Any]:
    """Train and validation row indices: the latest `share` if ordered."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(y))
    if order is not None:
        ranked = rows[np.argsort(np.asarray(order), kind="stable")]
        cut = int(len(rows) * (1 - share))
        return ranked[:cut], ranked[cut:]
    train, valid = train_test_split(
        rows, test_size=share, stratify=y, random_state=RANDOM_STATE
    )
    return train, valid


def _better(a: dict[str, Any], b: dict[str, Any] | None) -> bool:
    """Lower log loss wins; AUC breaks a tie within 0.001."""
    if b is None:
        return True
    if abs(a["log_loss"] - b["log_loss"]) > 1e-3:
        return bool(a["log_loss"] < b["log_loss"])
    return bool((a["auc"] or 0) > (b["auc"] or 0))


def train_churn(
    frame: Any, y: Any, columns: Columns, order: Any = None
) -> tuple[TabularClassifier, dict[str, Any]]:
    """Logistic regression vs random forest vs their average; refit the winner."""
    import numpy as np

    y = np.asarray(y, dtype=int)
    train, valid = holdout(y, order)
    fitted = {
        "logistic": LogisticModel(columns).fit(frame.iloc[train], y[train]),
        "forest": ForestModel(columns).fit(frame.iloc[train], y[train]),
    }
    fitted_avg = AverageModel(fitted["logistic"], fitted["forest"])
    candidates: dict[str, TabularClassifier] = {**fitted, "average": fitted_avg}
    scores = {
        name: metrics(y[valid], model.predict_proba(frame.iloc[valid]))
        for name, model in candidates.items()
    }
    best = None
    for name, score in scores.items():
        if best is None or _better(score, scores[best]):
            best = name
    assert best is not None
    logger.info(
        "churn candidates %s; chose %s",
        {k: v["log_loss"] for k, v in scores.items()},
        best,
    )
    final: TabularClassifier
    if best == "average":
        final = AverageModel(
            LogisticModel(columns).fit(frame, y), ForestModel(columns).fit(frame, y)
        )
    else:
        final = type(candidates[best])(columns).fit(frame, y)  # type: ignore[call-arg]
    report = {
        "method": best,
        "candidates": {k: _brief(v) for k, v in scores.items()},
        "validation": scores[best],
        "split": "time" if order is not None else "stratified",
        "valid_rows": valid,
        "valid_scores": candidates[best].predict_proba(frame.iloc[valid]),
    }
    return final, report


def _brief(score: dict[str, Any]) -> dict[str, Any]:
    return {k: score[k] for k in ("auc", "log_loss", "brier", "accuracy", "f1")}


def train_conversion(
    frame: Any, y: Any, columns: Columns, order: Any = None
) -> tuple[TabularClassifier, dict[str, Any]]:
    """XGBoost with enough closed cases, else the naive-Bayes frequency model."""
    import numpy as np

    y = np.asarray(y, dtype=int)
    enough = (
        len(y) >= MIN_CLOSED_FOR_XGBOOST
        and min(int(y.sum()), int((1 - y).sum())) >= MIN_CLASS_FOR_XGBOOST
    )
    train, valid = holdout(y, order)
    model_type: type[TabularClassifier] = XGBoostModel if enough else FrequencyNB
    trial = model_type(columns).fit(frame.iloc[train], y[train])
    predicted = trial.predict_proba(frame.iloc[valid])
    score = metrics(y[valid], predicted)
    final = model_type(columns)
    if isinstance(trial, XGBoostModel) and isinstance(final, XGBoostModel):
        # The depth and rounds searched on the training part carry over.
        final.params = trial.params
        final.rounds = int(trial.rounds * len(y) / max(len(train), 1))
    final.fit(frame, y)
    report = {
        "method": final.method,
        "validation": score,
        "split": "time" if order is not None else "stratified",
        "cold_start": not enough,
        "valid_rows": valid,
        "valid_scores": predicted,
    }
    if not enough:
        report["cold_start_reason"] = (
            f"{len(y)} closed cases ({int(y.sum())} positive); XGBoost needs "
            f"{MIN_CLOSED_FOR_XGBOOST} with {MIN_CLASS_FOR_XGBOOST} of each outcome"
        )
    return final, report


def cross_validate(
    model: str,
    frame: Any,
    y: Any,
    columns: Columns,
    time: Sequence[Any] | None = None,
    folds: int = 5,
) -> dict[str, Any]:
    """Out-of-sample metrics: stratified k-fold, or train on the earliest 80 %."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y, dtype=int)
    trainer = train_churn if model == "churn" else train_conversion
    if time is not None:
        train, test = holdout(y, order=time, share=0.2)
        fitted, report = trainer(frame.iloc[train], y[train], columns)
        result = metrics(y[test], fitted.predict_proba(frame.iloc[test]))
        result.update(split="time", methods=[report["method"]])
        return result
    predicted = np.zeros(len(y))
    methods = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE)
    for train, test in splitter.split(np.zeros(len(y)), y):
        fitted, report = trainer(frame.iloc[train], y[train], columns)
        predicted[test] = fitted.predict_proba(frame.iloc[test])
        methods.append(report["method"])
    result = metrics(y, predicted)
    result.update(split=f"stratified {folds}-fold", methods=methods)
    return result


def top_factors(
    model: TabularClassifier, frame: Any, k: int = 3
) -> list[list[dict[str, Any]]]:
    """The k columns that moved each row's score most, with value and effect."""
    import numpy as np

    contributions = model.contributions(frame)
    names = model.columns.all
    values = frame[names].to_numpy(dtype=object)
    order = np.argsort(-np.abs(contributions), axis=1)[:, :k]
    rows = np.arange(len(frame))[:, None]
    effects = np.round(contributions[rows, order], 4).tolist()
    chosen = values[rows, order].tolist()
    out = []
    for columns, row_effects, row_values in zip(
        order.tolist(), effects, chosen, strict=True
    ):
        out.append(
            [
                {
                    "feature": names[j],
                    "value": None if _missing(value) else _plain(value),
                    "effect": effect,
                }
                for j, effect, value in zip(
                    columns, row_effects, row_values, strict=True
                )
                if abs(effect) >= 1e-4
            ]
        )
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(value != value) or value is None
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 3)
    return value
