"""Customer lifetime value from won deals: BG/NBD + Gamma-Gamma on the CRM.

Each won deal is a purchase (its company, closing day and amount). The model is
checked on the last 90 days: fitted on the purchases before them, its expected
purchases per customer over those 90 days are compared (MAE) with what really
happened and with a baseline (each customer's past purchase rate).

Amounts are converted to the base currency (`RAPPORT_BASE_CURRENCY`) with the
fixed rates of `RAPPORT_EXCHANGE_RATES` before they are added up, so the value
of a customer who pays in USD and EUR is one CNY (or base) figure.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rapport.core.jobs import JobContext
from rapport.intelligence.ml import services
from rapport.intelligence.ml.features import History, load_history
from rapport.intelligence.ml.lib import clv
from rapport.intelligence.models import ModelKind, ModelVersion

HOLDOUT_DAYS = 90
UNIT_DAYS = 7.0


class UnknownCurrency(ValueError):
    """A deal's currency has no configured exchange rate."""


def to_base(amounts: Any, currencies: Any) -> Any:
    """Amounts in the base currency, with the configured fixed rates."""
    import numpy as np
    from django.conf import settings

    rates = {**settings.EXCHANGE_RATES, settings.BASE_CURRENCY: 1.0}
    codes = [str(c).upper() for c in currencies]
    missing = sorted(set(codes) - set(rates))
    if missing:
        raise UnknownCurrency(
            f"No exchange rate to {settings.BASE_CURRENCY} for "
            f"{', '.join(missing)}: add it to RAPPORT_EXCHANGE_RATES."
        )
    factor = np.array([rates[c] for c in codes], dtype=float)
    return np.asarray(amounts, dtype=float) * factor


def purchases(history: History) -> list[tuple[int, Any, float]]:
    """Won deals as (company, closing time, amount in the base currency)."""
    deals = history.deals
    won = deals[(deals["outcome"] == "won") & deals["closed_at"].notna()]
    amounts = to_base(won["amount"].to_numpy(), won["currency"].to_numpy())
    return [
        (int(c), t.to_pydatetime(), float(a))
        for c, t, a in zip(won["company_id"], won["closed_at"], amounts, strict=True)
    ]


def holdout_check(rows: list[tuple[int, Any, float]], end: Any) -> dict[str, Any]:
    """MAE of the model and of the past-rate baseline over the last 90 days."""
    import numpy as np

    cut = end - timedelta(days=HOLDOUT_DAYS)
    before = [r for r in rows if r[1] <= cut]
    summary = clv.summarise(before, end=cut.date(), unit_days=UNIT_DAYS)
    bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    actual_counts: dict[Any, set[Any]] = {}
    for customer, when, _amount in rows:
        if when > cut:
            actual_counts.setdefault(customer, set()).add(when.date())
    actual = np.array([len(actual_counts.get(c, ())) for c in summary["customer"]])
    horizon = HOLDOUT_DAYS / UNIT_DAYS
    predicted = clv.expected_purchases(
        bg, horizon, summary["frequency"], summary["recency"], summary["T"]
    )
    rate = summary["frequency"] / np.maximum(summary["T"], 1.0)
    naive = rate * horizon
    return {
        "mae": float(np.abs(predicted - actual).mean()),
        "baseline": {
            "method": "past purchase rate",
            "mae": float(np.abs(naive - actual).mean()),
        },
        "holdout_days": HOLDOUT_DAYS,
        "customers": len(actual),
    }


def train_clv(actor: Any, ctx: JobContext | None = None) -> ModelVersion:
    """Fit BG/NBD + Gamma-Gamma on all won deals; register a candidate."""
    from django.conf import settings

    history = load_history()
    try:
        rows = purchases(history)
        metrics = holdout_check(rows, history.now)
        summary = clv.summarise(rows, end=history.now.date(), unit_days=UNIT_DAYS)
        bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
        gg = clv.fit_gamma_gamma(summary["frequency"], summary["monetary"])
    except (clv.FitError, UnknownCurrency) as exc:
        from rapport.intelligence.ml.datasets import NotEnoughData

        raise NotEnoughData(str(exc)) from None
    if ctx is not None:
        ctx.log(f"BG/NBD {bg.as_dict()}; Gamma-Gamma {gg.as_dict()}")
    start = history.start
    return services.register_version(
        actor,
        ModelKind.CLV,
        "bgnbd_gamma_gamma",
        None,
        window=(start.date() if start else None, history.now.date()),
        features=["frequency", "recency", "T", "monetary"],
        params={
            "bgnbd": bg.as_dict(),
            "gamma_gamma": gg.as_dict(),
            "unit_days": UNIT_DAYS,
            "currency": settings.BASE_CURRENCY,
        },
        metrics=metrics,
        fairness={},
    )


def score_clv(version: ModelVersion, history: History) -> int:
    """Store each customer's 12-month value and chance of still being active."""
    from rapport.intelligence.ml.scoring import store

    rows = purchases(history)
    if not rows:
        return 0
    summary = clv.summarise(rows, end=history.now.date(), unit_days=UNIT_DAYS)
    bg = clv.BGNBD(**version.params["bgnbd"], log_likelihood=0.0)
    gg = clv.GammaGamma(**version.params["gamma_gamma"], log_likelihood=0.0)
    value = clv.lifetime_value(bg, gg, summary, unit_days=UNIT_DAYS)
    alive = clv.probability_alive(
        bg, summary["frequency"], summary["recency"], summary["T"]
    )
    spend = clv.expected_spend(gg, summary["frequency"], summary["monetary"])
    factors = [
        [
            {"feature": "p_alive", "value": round(float(a), 3), "effect": None},
            {"feature": "repeat_purchases", "value": int(f), "effect": None},
            {"feature": "expected_spend", "value": round(float(s), 2), "effect": None},
        ]
        for a, f, s in zip(alive, summary["frequency"], spend, strict=True)
    ]
    store(version, "crm.company", summary["customer"], value, factors)
    return len(value)
