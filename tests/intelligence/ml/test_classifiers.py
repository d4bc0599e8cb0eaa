"""Churn and conversion pipelines: choice, calibration, explanations, cold start."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rapport.intelligence.ml.lib import classifiers, tabular, training


def test_columns_are_detected_and_identifiers_dropped(table):
    frame, _ = table
    frame = frame.assign(customer_id=[f"c{i}" for i in range(len(frame))])
    columns = tabular.detect_columns(frame)
    assert columns.numeric == ["discount", "days_quiet", "noise"]
    assert columns.categorical == ["source"]
    assert columns.dropped == ["customer_id"]


@pytest.mark.slow
def test_churn_compares_both_models_on_one_split_and_beats_chance(table):
    frame, y = table
    columns = tabular.detect_columns(frame)
    model, report = training.train_churn(frame, y, columns)
    assert set(report["candidates"]) == {"logistic", "forest", "average"}
    assert report["method"] in report["candidates"]
    chosen = report["candidates"][report["method"]]
    assert all(
        chosen["log_loss"] <= c["log_loss"] + 1e-3
        for c in report["candidates"].values()
    )
    assert report["validation"]["auc"] > 0.75
    scores = model.predict_proba(frame)
    assert ((scores > 0) & (scores < 1)).all()


@pytest.mark.parametrize(
    "model_class", [classifiers.LogisticModel, classifiers.ForestModel]
)
def test_explanations_name_the_real_causes_with_the_right_direction(table, model_class):
    frame, y = table
    columns = tabular.detect_columns(frame)
    model = model_class(columns).fit(frame, y)
    contributions = model.contributions(frame)
    strength = np.abs(contributions).mean(axis=0)
    names = columns.all
    assert strength[names.index("noise")] < strength[names.index("discount")]
    assert strength[names.index("noise")] < strength[names.index("days_quiet")]
    # a higher discount raises the score, a longer silence lowers it
    discount = frame["discount"].fillna(10).to_numpy()
    assert np.corrcoef(discount, contributions[:, names.index("discount")])[0, 1] > 0.5
    quiet = frame["days_quiet"].to_numpy()
    assert np.corrcoef(quiet, contributions[:, names.index("days_quiet")])[0, 1] < -0.3


def test_forest_path_contributions_add_up_to_the_forest_score(table):
    frame, y = table
    columns = tabular.detect_columns(frame)
    model = classifiers.ForestModel(columns).fit(frame, y)
    pipeline = model.pipeline
    raw = pipeline.predict_proba(tabular.as_strings(frame, columns))[:, 1]
    forest = pipeline.named_steps["clf"]
    base = np.mean(
        [t.tree_.value[0, 0, 1] / t.tree_.value[0, 0].sum() for t in forest.estimators_]
    )
    assert np.allclose(model.contributions(frame).sum(axis=1) + base, raw, atol=1e-6)


def test_xgboost_contributions_follow_the_known_effects(table):
    frame, y = table
    columns = tabular.detect_columns(frame)
    model, report = training.train_conversion(frame, y, columns)
    assert report["method"] == "xgboost" and not report["cold_start"]
    factors = training.top_factors(model, frame.iloc[:50], 3)
    assert all(len(row) <= 3 for row in factors)
    named = {f["feature"] for row in factors for f in row}
    assert "noise" not in named or len(named) > 3
    top = [row[0]["feature"] for row in factors if row]
    assert top.count("noise") < len(top) / 5


def test_explain_gives_the_same_scores_and_reasons_in_one_pass(table):
    frame, y = table
    columns = tabular.detect_columns(frame)
    model, _report = training.train_conversion(frame, y, columns)
    rows = frame.iloc[:80]
    scores, contributions = model.explain(rows)
    assert np.allclose(scores, model.predict_proba(rows), atol=1e-5)
    factors = training.top_factors(model, rows, 3, contributions)
    # the vectorised reasons are the three largest effects, row by row
    names = columns.all
    for i, row in enumerate(factors):
        effects = contributions[i]
        expected = sorted(range(len(names)), key=lambda j: -abs(effects[j]))[:3]
        assert [f["feature"] for f in row] == [
            names[j] for j in expected if abs(round(effects[j], 4)) >= 1e-4
        ]
        for item in row:
            value = rows.iloc[i][item["feature"]]
            if item["feature"] in columns.numeric:
                assert item["value"] == (None if pd.isna(value) else round(value, 3))
            else:
                assert item["value"] == (None if pd.isna(value) else value)
    assert isinstance(json.dumps(factors), str)


def test_large_batches_use_path_contributions_that_still_add_up(table, monkeypatch):
    frame, y = table
    columns = tabular.detect_columns(frame)
    model, _report = training.train_conversion(frame, y, columns)
    rows = frame.iloc[:200]
    _scores, exact = model.explain(rows)
    # when the batch is above the exact limit
    monkeypatch.setattr(classifiers, "EXACT_ROWS", 100)
    scores, approx = model.explain(rows)
    # then the scores are unchanged and the top factor mostly the same
    assert np.allclose(scores, model.predict_proba(rows), atol=1e-5)
    assert not np.allclose(approx, exact)
    same = np.abs(approx).argmax(axis=1) == np.abs(exact).argmax(axis=1)
    assert same.mean() > 0.8


def test_too_few_closed_cases_use_the_naive_bayes_cold_start(table):
    frame, y = table
    small, labels = frame.iloc[:120], y[:120]
    columns = tabular.detect_columns(small)
    model, report = training.train_conversion(small, labels, columns)
    assert report["method"] == "naive_bayes" and report["cold_start"]
    assert "XGBoost needs 200" in report["cold_start_reason"]
    referral = small.assign(source="referral").iloc[:20]
    cold = small.assign(source="cold_call").iloc[:20]
    assert model.predict_proba(referral).mean() > model.predict_proba(cold).mean()


@pytest.mark.slow
def test_cross_validation_reports_every_metric_out_of_sample(table):
    frame, y = table
    columns = tabular.detect_columns(frame)
    frame, y = frame.iloc[:300], y[:300]
    result = training.cross_validate("conversion", frame, y, columns)
    assert result["split"] == "stratified 5-fold"
    for key in ("auc", "accuracy", "f1", "log_loss", "brier"):
        assert 0 <= result[key] <= 1 or key == "log_loss"
    assert result["auc"] > 0.7
    timed = training.cross_validate(
        "conversion", frame, y, columns, time=np.arange(len(y))
    )
    assert timed["split"] == "time" and timed["n"] == len(y) // 5
