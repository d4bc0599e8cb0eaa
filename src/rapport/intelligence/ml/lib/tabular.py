"""Tabular pipelines: column detection, preprocessing, candidates and metrics.

The same code trains the CRM models and runs `rapport ml evaluate` on any CSV
file: numeric and categorical columns are detected, missing values imputed (with
an indicator column), categories one-hot encoded (rare ones pooled), numbers
standardised for the linear model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_CATEGORIES = 50  # a text column with more distinct values is an identifier
RANDOM_STATE = 7


@dataclass
class Columns:
    """Which input columns are numbers and which are categories."""

    numeric: list[str]
    categorical: list[str]
    dropped: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return [*self.numeric, *self.categorical]


def detect_columns(frame: Any, exclude: Sequence[str] = ()) -> Columns:
    """Split a frame's columns into numeric and categorical, dropping identifiers."""
    import pandas as pd

    numeric, categorical, dropped = [], [], []
    for name in frame.columns:
        if name in exclude:
            continue
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            if column.notna().sum() == 0:
                dropped.append(name)
            else:
                numeric.append(name)
            continue
        distinct = column.nunique(dropna=True)
        if distinct == 0 or distinct > max(MAX_CATEGORIES, 0.5 * len(frame) ** 0.5):
            dropped.append(name)
        else:
            categorical.append(name)
    return Columns(numeric, categorical, dropped)


def preprocessor(columns: Columns, scale: bool) -> Any:
    """Imputation (+ missing indicators), optional scaling and one-hot encoding."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric_steps: list[tuple[str, Any]] = [
        ("impute", SimpleImputer(strategy="median", add_indicator=True))
    ]
    if scale:
        numeric_steps.append(("scale", StandardScaler()))
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
            (
                "onehot",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=5,
                    sparse_output=False,
                ),
            ),
        ]
    )
    return ColumnTransformer(
        [
            ("num", Pipeline(numeric_steps), columns.numeric),
            ("cat", categorical, columns.categorical),
        ],
        remainder="drop",
        verbose_feature_names_out=True,
    )


def as_strings(frame: Any, columns: Columns) -> Any:
    """A copy whose categorical columns are strings (mixed types break encoders)."""
    out = frame[columns.all].copy()
    for name in columns.categorical:
        known = out[name].notna()
        out[name] = out[name].astype(str).astype("object").where(known, None)
    for name in columns.numeric:
        out[name] = out[name].astype(float)
    return out


def source_of(output_name: str, columns: Columns) -> str:
    """The input column an output column of the preprocessor came from."""
    part, _, rest = output_name.partition("__")
    if part == "num":
        return rest.removeprefix("missingindicator_")
    best = ""
    for name in columns.categorical:
        if rest.startswith(f"{name}_") and len(name) > len(best):
            best = name
    return best or rest


def metrics(y: Any, p: Any, threshold: float = 0.5) -> dict[str, Any]:
    """AUC, accuracy, F1, log loss, Brier score and a ten-bin calibration curve."""
    import numpy as np
    from sklearn.metrics import (
        accuracy_score,
        brier_score_loss,
        f1_score,
        log_loss,
        roc_auc_score,
    )

    y = np.asarray(y, dtype=int)
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    predicted = (p >= threshold).astype(int)
    result: dict[str, Any] = {
        "auc": float(roc_auc_score(y, p)) if len(set(y)) == 2 else None,
        "accuracy": float(accuracy_score(y, predicted)),
        "f1": float(f1_score(y, predicted, zero_division=0)),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "brier": float(brier_score_loss(y, p)),
        "positive_rate": float(y.mean()),
        "n": len(y),
    }
    result["calibration"] = calibration_curve(y, p)
    return result


def calibration_curve(y: Any, p: Any, bins: int = 10) -> list[dict[str, float]]:
    """Mean predicted against observed rate in equal-width probability bins."""
    import numpy as np

    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    curve = []
    for b in range(bins):
        inside = index == b
        if inside.sum():
            curve.append(
                {
                    "predicted": float(p[inside].mean()),
                    "observed": float(y[inside].mean()),
                    "count": int(inside.sum()),
                }
            )
    return curve
