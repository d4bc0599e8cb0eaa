"""BG/NBD and Gamma-Gamma: the published CDNOW parameters, and the helpers."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from rapport.intelligence.ml.lib import clv


def _cdnow(name: str) -> list[dict[str, str]]:
    lifetimes = pytest.importorskip("lifetimes")
    path = Path(lifetimes.__file__).parent / "datasets" / name
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_bgnbd_reproduces_fader_hardie_lee_2005_on_cdnow():
    # given the CDNOW summary that ships with lifetimes (2,357 customers, weeks)
    rows = _cdnow("cdnow_customers_summary.csv")
    # when BG/NBD is fitted by maximum likelihood
    model = clv.fit_bgnbd(
        [float(r["frequency"]) for r in rows],
        [float(r["recency"]) for r in rows],
        [float(r["T"]) for r in rows],
    )
    # then the parameters are the published ones to three decimals
    assert (round(model.r, 3), round(model.alpha, 3)) == (0.243, 4.414)
    assert (round(model.a, 3), round(model.b, 3)) == (0.793, 2.426)
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_gamma_gamma_reproduces_the_published_cdnow_spend_parameters():
    rows = _cdnow("cdnow_customers_summary_with_transactions.csv")
    model = clv.fit_gamma_gamma(
        [float(r["x"]) for r in rows], [float(r["zbar"]) for r in rows]
    )
    # Fader, Hardie and Lee (2005), "The Gamma-Gamma model of monetary value".
    assert (round(model.p, 2), round(model.q, 2), round(model.v, 1)) == (
        6.25,
        3.74,
        15.4,
    )


def test_expected_purchases_and_alive_behave_as_the_model_says():
    model = clv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0)
    # a customer with no repeat purchase is alive for sure in BG/NBD
    assert clv.probability_alive(model, [0], [0], [30])[0] == pytest.approx(1.0)
    # a frequent buyer who went silent long ago is probably gone
    gone = clv.probability_alive(model, [10], [5], [40])[0]
    recent = clv.probability_alive(model, [10], [39], [40])[0]
    assert gone < 0.2 < 0.9 < recent
    # more time brings more expected purchases
    short, long = (
        clv.expected_purchases(model, t, [2], [30.43], [38.86])[0] for t in (10, 39)
    )
    assert 0 < short < long


def test_summarise_counts_days_and_repeat_spend():
    start = date(2025, 1, 1)
    rows = [
        ("a", start, 10.0),
        ("a", start, 5.0),  # same day: one purchase of 15
        ("a", start + timedelta(days=14), 30.0),
        ("a", start + timedelta(days=28), 50.0),
        ("b", start + timedelta(days=7), 20.0),
    ]
    summary = clv.summarise(rows, end=start + timedelta(days=35))
    assert summary["customer"] == ["a", "b"]
    assert summary["frequency"].tolist() == [2, 0]
    assert summary["recency"].tolist() == [4, 0]
    assert summary["T"].tolist() == [5, 4]
    assert summary["monetary"].tolist() == [40.0, 0.0]


def test_lifetime_value_is_larger_for_the_better_customer():
    rng = np.random.default_rng(1)
    rows = []
    start = date(2024, 1, 1)
    for customer in range(200):
        rate = rng.uniform(0.01, 0.2)
        spend = rng.uniform(20, 200)
        day = int(rng.integers(0, 60))
        while day < 400:
            rows.append(
                (customer, start + timedelta(days=day), spend * rng.uniform(0.8, 1.2))
            )
            day += int(rng.exponential(1 / rate)) + 1
    summary = clv.summarise(rows, end=start + timedelta(days=400))
    bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    gg = clv.fit_gamma_gamma(summary["frequency"], summary["monetary"])
    value = clv.lifetime_value(bg, gg, summary)
    assert (value >= 0).all()
    busy = int(np.argmax(summary["frequency"] * summary["monetary"]))
    assert value[busy] > np.median(value)


def test_fitting_without_repeat_purchases_is_refused_clearly():
    with pytest.raises(clv.FitError, match="repeat purchase"):
        clv.fit_bgnbd([0] * 20, [0] * 20, [10] * 20)
    with pytest.raises(clv.FitError, match="at least 10 customers"):
        clv.fit_bgnbd([1, 2], [1, 2], [3, 3])


def _won_deals(currencies: list[str], amounts: list[float]):
    import pandas as pd

    from rapport.intelligence.ml.features import History

    n = len(amounts)
    deals = pd.DataFrame(
        {
            "company_id": [1] * n,
            "closed_at": pd.to_datetime(
                [f"2025-0{i + 1}-01" for i in range(n)], utc=True
            ),
            "amount": amounts,
            "currency": currencies,
            "outcome": ["won"] * n,
        }
    )
    empty = pd.DataFrame()
    return History(empty, empty, deals, empty, empty, now=datetime(2026, 1, 1))


def test_purchases_are_in_the_base_currency_with_the_configured_rates(settings):
    from rapport.intelligence.ml.clv_model import purchases

    settings.BASE_CURRENCY = "CNY"
    settings.EXCHANGE_RATES = {"USD": 7.0, "EUR": 8.0}
    history = _won_deals(["CNY", "USD", "EUR"], [100.0, 100.0, 100.0])
    assert [amount for _c, _t, amount in purchases(history)] == [100.0, 700.0, 800.0]
    # with another base currency, its own amounts stay as they are
    settings.BASE_CURRENCY = "USD"
    settings.EXCHANGE_RATES = {"CNY": 0.25}
    history = _won_deals(["USD", "CNY"], [100.0, 100.0])
    assert [amount for _c, _t, amount in purchases(history)] == [100.0, 25.0]


def test_a_currency_without_a_rate_is_refused_with_what_to_configure(settings):
    from rapport.intelligence.ml.clv_model import UnknownCurrency, purchases

    settings.BASE_CURRENCY = "CNY"
    settings.EXCHANGE_RATES = {"USD": 7.0}
    with pytest.raises(UnknownCurrency, match="HKD: add it to RAPPORT_EXCHANGE_RATES"):
        purchases(_won_deals(["USD", "HKD"], [1.0, 2.0]))


def test_malformed_exchange_rates_are_refused_at_start_with_an_example():
    from django.core.exceptions import ImproperlyConfigured

    from rapport.settings import _rates

    assert _rates(" usd=7.1, EUR=7.7 ,") == {"USD": 7.1, "EUR": 7.7}
    for bad in ("USD", "USD=abc", "USD=-1", "DOLLAR=7"):
        with pytest.raises(ImproperlyConfigured, match="is not CODE=positive rate"):
            _rates(bad)
