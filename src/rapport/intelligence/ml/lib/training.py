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
    model: TabularClassifier, frame: Any, k: int = 3, contributions: Any = None
) -> list[list[dict[str, Any]]]:
    """The k columns that moved each row's score most, with value and effect.

    Vectorised: one argsort over the contribution matrix, values and effects
    picked and rounded per rank column; only the final k dicts per row are
    built in Python.
    """
    import numpy as np
    import pandas as pd

    if contributions is None:
        contributions = model.contributions(frame)
    names = np.array(model.columns.all, dtype=object)
    numeric = np.isin(names, model.columns.numeric)
    order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :k]
    rows = np.arange(len(frame))[:, None]
    effects = np.round(contributions[rows, order], 4)
    numbers = np.full((len(frame), len(names)), np.nan)
    if numeric.any():
        picked = frame[list(names[numeric])].to_numpy(dtype=float)
        numbers[:, numeric] = np.round(picked, 3)
    labels = frame[list(names)].to_numpy(dtype=object)
    ranks = []
    for r in range(order.shape[1]):
        column = order[:, r]
        number = numbers[rows[:, 0], column]
        label = labels[rows[:, 0], column]
        is_number = numeric[column]
        value = np.where(is_number, number.astype(object), label)
        value[pd.isna(value)] = None
        keep = np.abs(effects[:, r]) >= 1e-4
        ranks.append(
            zip(
                names[column].tolist(),
                value.tolist(),
                effects[:, r].tolist(),
                keep.tolist(),
                strict=True,
            )
        )
    return [
        [{"feature": f, "value": v, "effect": e} for f, v, e, kept in row if kept]
        for row in zip(*ranks, strict=True)
    ]


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
