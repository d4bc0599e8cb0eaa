"""Customer lifetime value: BG/NBD for purchase counts, Gamma-Gamma for spend.

Both are fitted by maximum likelihood in log space with a bounded optimiser
(Fader, Hardie and Lee 2005, "Counting your customers the easy way"; and their
2005 note on the Gamma-Gamma spend model). Inputs are the per-customer summary:
`frequency` (repeat purchases), `recency` (time of the last purchase since the
first), `T` (age since the first purchase), and for spend the mean value of the
repeat purchases.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

logger = logging.getLogger(__name__)


class FitError(ValueError):
    """The data cannot be fitted (too few customers or no repeat purchases)."""


@dataclass(frozen=True)
class BGNBD:
    """Fitted BG/NBD parameters and the log-likelihood they reach."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class GammaGamma:
    """Fitted Gamma-Gamma spend parameters."""

    p: float
    q: float
    v: float
    log_likelihood: float

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "v": self.v}


def _bgnbd_loglik(params: Any, x: Any, tx: Any, T: Any, weights: Any) -> float:
    import numpy as np
    from scipy.special import gammaln

    r, alpha, a, b = np.exp(params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    ll = a1 + a2 + np.logaddexp(a3, a4)
    return float(-(weights * ll).sum() / weights.sum())


def fit_bgnbd(
    frequency: Sequence[float],
    recency: Sequence[float],
    T: Sequence[float],
    weights: Sequence[float] | None = None,
) -> BGNBD:
    """Fit BG/NBD by maximum likelihood; parameters optimised as logarithms."""
    import numpy as np
    from scipy.optimize import minimize

    x, tx, t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    _check_summary(x, tx, t)
    best = None
    for start in ([0.0, 0.0, 0.0, 0.0], [-1.0, 1.0, -0.5, 0.5]):
        result = minimize(
            _bgnbd_loglik,
            np.array(start),
            args=(x, tx, t, w),
            method="L-BFGS-B",
            bounds=[(-10.0, 10.0)] * 4,
            options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 5000},
        )
        if best is None or result.fun < best.fun:
            best = result
    assert best is not None
    # A derivative-free polish from the quasi-Newton optimum removes the last
    # digits of error that finite-difference gradients leave on a flat surface.
    polished = minimize(
        _bgnbd_loglik,
        best.x,
        args=(x, tx, t, w),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 1500},
    )
    if polished.fun <= best.fun:
        best = polished
    r, alpha, a, b = (float(v) for v in np.exp(best.x))
    return BGNBD(r, alpha, a, b, float(-best.fun * w.sum()))


def _check_summary(x: Any, tx: Any, t: Any) -> None:
    import numpy as np

    if len(x) < 10:
        raise FitError(f"BG/NBD needs at least 10 customers; got {len(x)}.")
    if not (x > 0).any():
        raise FitError("BG/NBD needs at least one customer with a repeat purchase.")
    if (x < 0).any() or (tx < 0).any() or (tx > t + 1e-9).any():
        raise FitError("Every customer needs 0 ≤ recency ≤ T and frequency ≥ 0.")
    if not np.isfinite(np.concatenate([x, tx, t])).all():
        raise FitError("The summary contains missing or infinite values.")


def probability_alive(model: BGNBD, x: Any, tx: Any, T: Any) -> Any:
    """P(the customer has not dropped out) given their history."""
    import numpy as np

    x, tx, T = (np.asarray(v, dtype=float) for v in (x, tx, T))
    log_ratio = (model.r + x) * (np.log(model.alpha + T) - np.log(model.alpha + tx))
    with np.errstate(divide="ignore"):
        term = np.where(
            x > 0,
            np.exp(
                np.log(model.a)
                - np.log(np.maximum(model.b + x - 1, 1e-300))
                + log_ratio
            ),
            0.0,
        )
    return 1.0 / (1.0 + term)


def expected_purchases(model: BGNBD, t: float, x: Any, tx: Any, T: Any) -> Any:
    """Expected number of purchases in the next `t` periods, per customer."""
    import numpy as np
    from scipy.special import hyp2f1

    x, tx, T = (np.asarray(v, dtype=float) for v in (x, tx, T))
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1)
    second = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
    with np.errstate(divide="ignore"):
        third = np.where(
            x > 0,
            a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + tx)) ** (r + x),
            0.0,
        )
    return first * second / (1 + third)


def _gg_loglik(params: Any, x: Any, m: Any) -> float:
    import numpy as np
    from scipy.special import gammaln

    p, q, v = np.exp(params)
    ll = (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + (p * x) * np.log(x)
        - (p * x + q) * np.log(v + m * x)
    )
    return float(-ll.mean())


def fit_gamma_gamma(
    frequency: Sequence[float], monetary: Sequence[float]
) -> GammaGamma:
    """Fit the Gamma-Gamma spend model on customers with repeat purchases."""
    import numpy as np
    from scipy.optimize import minimize

    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < 10:
        raise FitError(
            f"Gamma-Gamma needs at least 10 customers with repeat purchases; "
            f"got {len(x)}."
        )
    result = minimize(
        _gg_loglik,
        np.zeros(3),
        args=(x, m),
        method="L-BFGS-B",
        bounds=[(-10.0, 10.0)] * 3,
        options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 5000},
    )
    p, q, v = (float(val) for val in np.exp(result.x))
    return GammaGamma(p, q, v, float(-result.fun * len(x)))


def expected_spend(model: GammaGamma, frequency: Any, monetary: Any) -> Any:
    """Expected mean value of a customer's future purchases."""
    import numpy as np

    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    p, q, v = model.p, model.q, model.v
    population = p * v / (q - 1)
    individual = (v + m * x) * p / (p * x + q - 1)
    return np.where(x > 0, individual, population)


def lifetime_value(
    bg: BGNBD,
    gg: GammaGamma,
    summary: dict[str, Any],
    horizon: int = 12,
    period_days: float = 30.0,
    monthly_discount: float = 0.01,
    unit_days: float = 7.0,
) -> Any:
    """Discounted value of the next `horizon` months per customer.

    `summary` holds arrays frequency, recency, T (in units of `unit_days`) and
    monetary; each month's expected purchases times expected spend is discounted.
    """
    import numpy as np

    x, tx, T = summary["frequency"], summary["recency"], summary["T"]
    spend = expected_spend(gg, x, summary["monetary"])
    value = np.zeros(len(np.asarray(x)), dtype=float)
    previous = np.zeros_like(value)
    for month in range(1, horizon + 1):
        t = month * period_days / unit_days
        cumulative = expected_purchases(bg, t, x, tx, T)
        value += (cumulative - previous) * spend / (1 + monthly_discount) ** month
        previous = cumulative
    return value


def summarise(
    rows: Sequence[tuple[Any, date | datetime, float]],
    end: date | None = None,
    unit_days: float = 7.0,
) -> dict[str, Any]:
    """Per-customer frequency, recency, T and mean repeat spend from transactions.

    `rows` are (customer, date, amount). Purchases on the same day count as one,
    with their amounts added; time is counted in units of `unit_days`.
    """
    import numpy as np

    days: dict[Any, dict[date, float]] = {}
    for customer, when, amount in rows:
        day = when.date() if isinstance(when, datetime) else when
        per_day = days.setdefault(customer, {})
        per_day[day] = per_day.get(day, 0.0) + float(amount)
    if not days:
        raise FitError("There are no transactions.")
    last_day = end or max(max(d) for d in days.values())
    customers = sorted(days, key=str)
    freq, rec, age, money = [], [], [], []
    for customer in customers:
        ordered = sorted(days[customer].items())
        first = ordered[0][0]
        freq.append(len(ordered) - 1)
        rec.append((ordered[-1][0] - first).days / unit_days)
        age.append((last_day - first).days / unit_days)
        repeat = [amount for _, amount in ordered[1:]]
        money.append(sum(repeat) / len(repeat) if repeat else 0.0)
    return {
        "customer": customers,
        "frequency": np.array(freq, dtype=float),
        "recency": np.array(rec, dtype=float),
        "T": np.array(age, dtype=float),
        "monetary": np.array(money, dtype=float),
    }
