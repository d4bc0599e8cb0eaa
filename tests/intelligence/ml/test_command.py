"""`rapport ml evaluate|fairness|clv` on plain files."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tests.intelligence.ml.conftest import known_table


def _run(*args: str) -> str:
    out = StringIO()
    call_command("ml", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def table_csv(tmp_path):
    frame, y = known_table(300)
    frame["outcome"] = np.where(y == 1, "yes", "no")
    frame["group"] = np.where(np.arange(len(frame)) % 2, "a", "b")
    frame["month"] = [f"2025-{1 + i % 12:02d}-01" for i in range(len(frame))]
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    return path


def test_evaluate_prints_every_metric_from_cross_validation(table_csv):
    out = _run(
        "evaluate",
        "--model",
        "conversion",
        "--csv",
        str(table_csv),
        "--target",
        "outcome",
    )
    assert "positive class 'yes'" in out and "split: stratified 5-fold" in out
    values = {
        line.split(":")[0].strip(): float(line.split(":")[1])
        for line in out.splitlines()[-5:]
    }
    assert set(values) == {"auc", "accuracy", "f1", "log_loss", "brier"}
    assert values["auc"] > 0.7


def test_evaluate_with_a_time_column_trains_on_the_past(table_csv):
    out = _run(
        "evaluate",
        "--model",
        "churn",
        "--csv",
        str(table_csv),
        "--target",
        "outcome",
        "--time-column",
        "month",
    )
    assert "split: time" in out


def test_fairness_prints_the_report_for_given_predictions(table_csv, tmp_path):
    import pandas as pd

    frame = pd.read_csv(table_csv)
    frame["score"] = np.where(frame["group"] == "a", 0.9, 0.1)
    path = tmp_path / "scored.csv"
    frame.to_csv(path, index=False)
    out = _run(
        "fairness",
        "--csv",
        str(path),
        "--target",
        "outcome",
        "--sensitive",
        "group",
        "--prediction",
        "score",
    )
    assert "demographic parity difference: 1.000" in out
    assert "four-fifths ratio:             0.000" in out
    assert "breaches: parity_difference, odds_difference, four_fifths" in out


def test_clv_prints_parameters_and_a_value_per_customer(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "tx.csv"
    start = date(2024, 1, 1)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "date", "amount"])
        for customer in range(60):
            day = int(rng.integers(0, 100))
            while day < 365:
                writer.writerow(
                    [
                        f"c{customer}",
                        (start + timedelta(days=day)).isoformat(),
                        f"{rng.uniform(10, 90):.2f}",
                    ]
                )
                day += int(rng.exponential(40)) + 1
    out = _run("clv", "--transactions", str(path), "--limit", "3")
    assert "BG/NBD: r=" in out and "Gamma-Gamma: p=" in out
    rows = out.strip().splitlines()[-3:]
    assert all(row.startswith("c") and len(row.split(",")) == 3 for row in rows)


def test_bad_input_gets_a_clear_error(table_csv, tmp_path):
    with pytest.raises(CommandError, match="target column 'nope' is not in the file"):
        _run(
            "evaluate", "--model", "churn", "--csv", str(table_csv), "--target", "nope"
        )
    with pytest.raises(CommandError, match="No such file"):
        _run(
            "evaluate",
            "--model",
            "churn",
            "--csv",
            str(tmp_path / "missing.csv"),
            "--target",
            "x",
        )
    with pytest.raises(CommandError, match="exactly two values"):
        _run(
            "evaluate",
            "--model",
            "churn",
            "--csv",
            str(table_csv),
            "--target",
            "source",
        )
    with pytest.raises(CommandError, match="Missing column"):
        _run("clv", "--transactions", str(table_csv))
