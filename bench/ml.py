"""Model benchmarks: scoring and training speed, the LSTM, and quality margins.

Run with `python -m bench.ml` (several minutes on two cores; not in bench/run.py).

1. Train the conversion model (the real pipeline: preprocessing, depth search,
   XGBoost) on 100,000 synthetic closed deals with the deal features (target
   2 min), then score and explain 100,000 rows (target 10 s). Reference: plain
   `xgboost.train` with fixed parameters on the already encoded matrix.
2. Simulate 1,000 projects and train the delay model with its LSTM (target
   5 min), with each method's error per stage.
3. `rapport ml evaluate`'s pipeline against hand-tuned scikit-learn and XGBoost
   models on scikit-learn's bundled breast-cancer data, same five folds.
4. With BENCH_DEMO=1 and a data directory holding the demo (RAPPORT_DATA_DIR),
   each active model's margin over its baseline, as measured at training.

Last measured (two cores, quiet): 100,000 rows scored in 0.38 s, with top-3
reasons in 1.16 s (ratio 3.1; the earlier path took 6.27 s, ratio 10.6). Demo
margins (AUC, model vs baseline): churn 0.932 vs 0.811, deals 0.731 vs 0.506,
leads 0.794 vs 0.776; CLV MAE 0.331 vs 0.336. Details in docs/models.md.
"""

from __future__ import annotations

import os
import time
from typing import Any

N_ROWS = int(os.environ.get("BENCH_ML_ROWS", "100000"))
N_PROJECTS = int(os.environ.get("BENCH_ML_PROJECTS", "1000"))


def synthetic_deals(n: int, seed: int = 1) -> tuple[Any, Any]:
    """Deal-feature rows whose win chance follows the demo's rules."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    source = rng.choice(
        ["referral", "trade_show", "website", "cold_call", "existing_customer"], n
    )
    frame = pd.DataFrame(
        {
            "currency": rng.choice(["CNY", "USD", "EUR"], n, p=[0.8, 0.15, 0.05]),
            "source": source,
            "amount_log": np.log1p(rng.lognormal(12, 0.8, n)),
            "discount_pct": rng.uniform(0, 20, n),
            "days_open": rng.exponential(40, n),
            "quotes": rng.poisson(1.2, n).astype(float),
            "repeat_customer": (rng.random(n) < 0.3).astype(float),
            "owner_open_deals": rng.poisson(15, n).astype(float),
            "activities_30d": rng.poisson(4, n).astype(float),
            "activities_90d": rng.poisson(9, n).astype(float),
            "activities_365d": rng.poisson(15, n).astype(float),
            "activities_days_since_last": rng.exponential(10, n),
            "industry": rng.choice(
                ["manufacturing", "software", "energy", "finance"], n
            ),
            "region": rng.choice(["east_china", "north_china", "south_china"], n),
            "size": rng.choice(["small", "medium", "large", "enterprise"], n),
            "tier": rng.choice(["A", "B", "C"], n),
            "company_age_days": rng.uniform(30, 600, n),
        }
    )
    bonus = pd.Series(source).map(
        {
            "referral": 0.12,
            "trade_show": 0.06,
            "website": 0.0,
            "cold_call": -0.08,
            "existing_customer": 0.05,
        }
    )
    p = (
        0.42
        + 0.035 * (frame["discount_pct"] - 8)
        + bonus.to_numpy()
        + 0.02 * (frame["activities_30d"] - 4)
        - 0.15 * (frame["owner_open_deals"] > 20)
    ).clip(0.03, 0.95)
    frame.loc[rng.random(n) < 0.05, "discount_pct"] = np.nan
    return frame, (rng.random(n) < p).astype(int)


def bench_conversion() -> None:
    import numpy as np
    import xgboost as xgb

    from rapport.intelligence.ml.lib import classifiers
    from rapport.intelligence.ml.lib.tabular import (
        as_strings,
        detect_columns,
        preprocessor,
    )
    from rapport.intelligence.ml.lib.training import top_factors, train_conversion

    frame, y = synthetic_deals(N_ROWS)
    columns = detect_columns(frame)
    started = time.perf_counter()
    model, report = train_conversion(frame, y, columns)
    train_s = time.perf_counter() - started
    prep = preprocessor(columns, scale=False)
    matrix = prep.fit_transform(as_strings(frame, columns))
    started = time.perf_counter()
    xgb.train(
        {
            "objective": "binary:logistic",
            "max_depth": 4,
            "eta": 0.1,
            "nthread": 2,
            "tree_method": "hist",
        },
        xgb.DMatrix(matrix, label=y),
        num_boost_round=200,
    )
    plain_s = time.perf_counter() - started
    print(
        f"conversion training, {N_ROWS:,} closed deals: {train_s:6.1f} s "
        f"(target 120 s); method {report['method']}, "
        f"validation AUC {report['validation']['auc']:.3f}"
    )
    print(
        f"  reference: plain xgboost.train, 200 rounds, encoded matrix: "
        f"{plain_s:6.1f} s (ratio {train_s / plain_s:.1f})"
    )
    leads, _ = synthetic_deals(N_ROWS, seed=2)
    started = time.perf_counter()
    scores = model.predict_proba(leads)
    score_s = time.perf_counter() - started
    started = time.perf_counter()
    explained, contributions = model.explain(leads)
    factors = top_factors(model, leads, 3, contributions)
    explain_s = time.perf_counter() - started
    assert len(explained) == len(factors) == N_ROWS
    assert np.allclose(explained, scores, atol=1e-5)
    sample = leads.iloc[: classifiers.EXACT_ROWS]
    _p, exact = model.explain(sample)
    agree = float(
        np.mean(
            np.abs(exact).argmax(axis=1)
            == np.abs(contributions[: len(sample)]).argmax(axis=1)
        )
    )
    print(
        f"scoring {N_ROWS:,} rows: {score_s:5.2f} s; scores with top-3 reasons "
        f"{explain_s:5.2f} s (target 10 s; ratio {explain_s / score_s:.1f} to "
        f"scores alone); mean score {np.mean(scores):.3f}; top factor as exact "
        f"TreeSHAP's for {agree:.1%} of {len(sample):,} rows"
    )


def bench_delay() -> None:
    from rapport.intelligence.ml.lib import delay
    from rapport.intelligence.ml.lib.simulator import simulate_many

    started = time.perf_counter()
    projects = simulate_many(N_PROJECTS, seed=11)
    simulate_s = time.perf_counter() - started
    started = time.perf_counter()
    _model, report = delay.train(projects)
    train_s = time.perf_counter() - started
    print(
        f"delay: simulated {N_PROJECTS:,} projects in {simulate_s:.1f} s; "
        f"trained ES + trees + LSTM (twice: validation and final) in "
        f"{train_s:.1f} s (target 300 s)"
    )
    for stage, table in report["mae_by_stage"].items():
        cells = ", ".join(f"{k} {v:.2f}" for k, v in table.items())
        print(
            f"  MAE in days at {float(stage):.0%} of plan: {cells} "
            f"-> {report['routes'][stage]}"
        )
    base = report["baseline"]["mae"]
    print(
        f"  routed MAE {report['mae']:.2f} vs Earned Schedule {base:.2f} "
        f"(margin {base - report['mae']:.2f} days, {1 - report['mae'] / base:.0%})"
    )


def bench_public() -> None:
    import numpy as np
    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss, roc_auc_score
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from rapport.intelligence.ml.lib.tabular import detect_columns
    from rapport.intelligence.ml.lib.training import cross_validate

    data = load_breast_cancer(as_frame=True)
    frame, y = data.frame.drop(columns=["target"]), data.target.to_numpy()
    columns = detect_columns(frame)
    folds = StratifiedKFold(5, shuffle=True, random_state=7)
    rows = []
    for name in ("churn", "conversion"):
        result = cross_validate(name, frame, y, columns)
        rows.append(
            (f"rapport ml evaluate --model {name}", result["auc"], result["log_loss"])
        )
    lr = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
        {"logisticregression__C": [0.01, 0.03, 0.1, 0.3, 1, 3, 10]},
        scoring="neg_log_loss",
        cv=5,
    )
    p = cross_val_predict(lr, frame, y, cv=folds, method="predict_proba")[:, 1]
    rows.append(
        (
            "hand-tuned LogisticRegression (grid on C)",
            roc_auc_score(y, p),
            log_loss(y, p),
        )
    )
    grid = GridSearchCV(
        xgb.XGBClassifier(
            n_estimators=300, learning_rate=0.05, n_jobs=2, tree_method="hist"
        ),
        {"max_depth": [2, 3, 4, 6], "min_child_weight": [1, 3]},
        scoring="neg_log_loss",
        cv=5,
    )
    p = cross_val_predict(grid, frame, y, cv=folds, method="predict_proba")[:, 1]
    rows.append(
        (
            "hand-tuned XGBClassifier (grid on depth)",
            roc_auc_score(y, p),
            log_loss(y, p),
        )
    )
    print("breast cancer (569 rows), out-of-fold over the same 5 folds:")
    for name, auc, loss in rows:
        print(f"  {name:<44} AUC {auc:.4f}  log loss {loss:.4f}")
    assert np.isfinite([r[1] for r in rows]).all()


def bench_demo() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    from rapport.intelligence.models import ModelVersion

    print("demo data, active models against their baselines (same held-out rows):")
    for version in ModelVersion.objects.filter(status="active").order_by("kind"):
        m, b = version.metrics, version.metrics.get("baseline", {})
        if m.get("auc") is not None:
            print(
                f"  {version}: AUC {m['auc']:.3f} vs {b.get('auc', 0):.3f} "
                f"({b.get('method')}), Brier {m['brier']:.4f} vs "
                f"{b.get('brier', 0):.4f}, log loss {m['log_loss']:.4f} vs "
                f"{b.get('log_loss', 0):.4f}"
            )
        elif m.get("mae") is not None:
            print(
                f"  {version}: MAE {m['mae']:.3f} vs {b.get('mae', 0):.3f} "
                f"({b.get('method')})"
            )


def main() -> None:
    parts = os.environ.get("BENCH_ML_PARTS", "conversion,delay,public").split(",")
    if "conversion" in parts:
        bench_conversion()
    if "delay" in parts:
        bench_delay()
    if "public" in parts:
        bench_public()
    if os.environ.get("BENCH_DEMO"):
        bench_demo()


if __name__ == "__main__":
    main()
