"""The fairness report: selection rates, parity, equalised odds, four-fifths."""

from __future__ import annotations

import numpy as np

from rapport.intelligence.ml.lib import fairness


def _data(biased: bool, n: int = 400):
    rng = np.random.default_rng(3)
    group = np.where(rng.random(n) < 0.5, "north", "south")
    y = (rng.random(n) < 0.4).astype(int)
    predicted = y.copy()
    flip = rng.random(n) < 0.1
    predicted[flip] = 1 - predicted[flip]
    if biased:
        # the model rarely selects the south group, whatever the truth
        predicted[(group == "south") & (rng.random(n) < 0.7)] = 0
    return y, predicted, group


def test_an_even_handed_model_passes():
    y, predicted, group = _data(biased=False)
    report = fairness.report(y, predicted, group, "region")
    assert report["breaches"] == []
    assert report["four_fifths"] > 0.8
    assert {g["group"] for g in report["groups"]} == {"north", "south"}


def test_a_model_that_neglects_a_group_breaches_every_rule():
    y, predicted, group = _data(biased=True)
    report = fairness.report(y, predicted, group, "region")
    assert set(report["breaches"]) == {
        "parity_difference",
        "odds_difference",
        "four_fifths",
    }
    rates = {g["group"]: g["selection_rate"] for g in report["groups"]}
    assert (
        report["four_fifths"] == round(rates["south"] / rates["north"], 4)
        or abs(report["four_fifths"] - rates["south"] / rates["north"]) < 1e-3
    )
    assert fairness.combined([report])["breached"] == ["region"]


def test_small_groups_are_listed_but_not_judged():
    y, predicted, group = _data(biased=False)
    group = group.astype(object)
    group[:5] = "tiny"
    predicted[:5] = 0
    report = fairness.report(y, predicted, group, "region")
    tiny = next(g for g in report["groups"] if g["group"] == "tiny")
    assert tiny["judged"] is False
    assert report["breaches"] == []


def test_worse_compares_two_reports():
    fair = fairness.combined([fairness.report(*_data(False), "region")])
    unfair = fairness.combined([fairness.report(*_data(True), "region")])
    assert fairness.worse(unfair, fair)
    assert not fairness.worse(fair, unfair)
