"""Fairness report with fairlearn: selection rates per group and their gaps.

For one sensitive attribute the report gives, per group, its size, selection
rate (share predicted positive), true and false positive rates, and overall the
demographic-parity difference, the equalised-odds difference and the four-fifths
ratio (lowest selection rate ÷ highest). Groups smaller than `MIN_GROUP` are
listed but left out of the gaps, which are too noisy on a handful of cases;
the equalised-odds difference counts only groups with `MIN_OUTCOME` cases of
each outcome, and the four-fifths rule is enforced once `MIN_SELECTED` cases
are selected.

A breach: parity difference above 0.10, equalised-odds difference above 0.20, or
a four-fifths ratio below 0.80.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MIN_GROUP = 30
MIN_OUTCOME = 10
MAX_PARITY_DIFFERENCE = 0.10
MAX_ODDS_DIFFERENCE = 0.20
MIN_FOUR_FIFTHS = 0.80
# The four-fifths rule needs some selections to compare: with fewer than this
# many positive predictions in all judged groups it is reported, not enforced.
MIN_SELECTED = 10


def report(
    y_true: Any,
    y_pred: Any,
    sensitive: Sequence[Any],
    attribute: str,
) -> dict[str, Any]:
    """The fairness report of binary predictions for one sensitive attribute."""
    import numpy as np
    from fairlearn.metrics import (
        MetricFrame,
        count,
        demographic_parity_difference,
        equalized_odds_difference,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )

    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    groups = np.asarray(["(missing)" if g is None else str(g) for g in sensitive])
    frame = MetricFrame(
        metrics={
            "count": count,
            "selection_rate": selection_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
        },
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=groups,
    )
    table = frame.by_group
    rows: list[dict[str, Any]] = [
        {
            "group": str(name),
            "count": int(table.loc[name, "count"]),
            "selection_rate": _num(table.loc[name, "selection_rate"]),
            "tpr": _num(table.loc[name, "tpr"]),
            "fpr": _num(table.loc[name, "fpr"]),
            "judged": int(table.loc[name, "count"]) >= MIN_GROUP,
        }
        for name in table.index
    ]
    judged = np.isin(groups, [r["group"] for r in rows if r["judged"]])
    result: dict[str, Any] = {
        "attribute": attribute,
        "groups": rows,
        "parity_difference": None,
        "odds_difference": None,
        "four_fifths": None,
        "breaches": [],
    }
    if len({g for g in groups[judged]}) >= 2:
        dp = float(
            demographic_parity_difference(
                y_true[judged], y_pred[judged], sensitive_features=groups[judged]
            )
        )
        # Rates of true and false positives are judged only in groups with
        # enough cases of each outcome; on two or three they are noise.
        odds_groups = [
            g
            for g in set(groups[judged])
            if min(
                ((groups == g) & (y_true == 1)).sum(),
                ((groups == g) & (y_true == 0)).sum(),
            )
            >= MIN_OUTCOME
        ]
        eo = float("nan")
        if len(odds_groups) >= 2:
            inside = np.isin(groups, odds_groups)
            eo = float(
                equalized_odds_difference(
                    y_true[inside], y_pred[inside], sensitive_features=groups[inside]
                )
            )
        rates = [float(r["selection_rate"] or 0) for r in rows if r["judged"]]
        high = max(rates)
        ratio = 1.0 if high == 0 else float(min(rates) / high)
        eo_value = None if np.isnan(eo) else eo
        result.update(parity_difference=dp, odds_difference=eo_value, four_fifths=ratio)
        if dp > MAX_PARITY_DIFFERENCE:
            result["breaches"].append("parity_difference")
        if eo_value is not None and eo_value > MAX_ODDS_DIFFERENCE:
            result["breaches"].append("odds_difference")
        selected = int(y_pred[judged].sum())
        if ratio < MIN_FOUR_FIFTHS and selected >= MIN_SELECTED:
            result["breaches"].append("four_fifths")
    return result


def _num(value: Any) -> float | None:
    value = float(value)
    return None if value != value else round(value, 4)


def combined(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several attributes' reports with the list of breached attributes."""
    return {
        "attributes": list(reports),
        "breached": [r["attribute"] for r in reports if r["breaches"]],
        "thresholds": {
            "parity_difference": MAX_PARITY_DIFFERENCE,
            "odds_difference": MAX_ODDS_DIFFERENCE,
            "four_fifths": MIN_FOUR_FIFTHS,
            "min_group": MIN_GROUP,
        },
    }


def worse(new: dict[str, Any], old: dict[str, Any], slack: float = 0.02) -> bool:
    """Whether `new` treats groups less equally than `old` on any attribute."""
    previous = {r["attribute"]: r for r in old.get("attributes", [])}
    for r in new.get("attributes", []):
        before = previous.get(r["attribute"])
        if before is None:
            continue
        for key in ("parity_difference", "odds_difference"):
            if (r[key] or 0) > (before[key] or 0) + slack:
                return True
        if (r["four_fifths"] or 1) < (before["four_fifths"] or 1) - slack:
            return True
    return len(new.get("breached", [])) > len(old.get("breached", []))
