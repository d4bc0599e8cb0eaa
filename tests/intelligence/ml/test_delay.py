"""The project simulator, the Earned Schedule baseline and the routed delay model."""

from __future__ import annotations

import numpy as np
import pytest

from rapport.intelligence.ml.lib import delay, storage
from rapport.intelligence.ml.lib.simulator import SNAPSHOT_COLUMNS, simulate_many


def test_injected_causes_make_projects_later():
    projects = simulate_many(150, seed=3)
    for cause in ("overloaded_person", "scope_change"):
        with_cause = np.mean([p.delay for p in projects if cause in p.causes])
        without = np.mean([p.delay for p in projects if cause not in p.causes])
        assert with_cause > without + 2
    first = projects[0]
    assert first.snapshots.shape[1] == len(SNAPSHOT_COLUMNS)
    assert first.snapshots[-1, 2] == pytest.approx(1.0)  # finished: 100 % complete


def test_earned_schedule_reads_the_planned_value_curve():
    # planned value 10 a day for 10 days; on day 4 only 20 is earned: ES = 2
    snapshots = np.zeros((4, 7))
    snapshots[:, 0] = [10, 20, 30, 40]
    snapshots[-1, 1] = 20
    case = delay.Case(snapshots, planned=10, budget=100, stage=0.4)
    # SPI(t) = 2 / 4, so the forecast is 10 / 0.5 = 20 days: 10 days late
    assert delay.earned_schedule(case) == pytest.approx(10.0)


@pytest.mark.slow
def test_the_delay_model_uses_each_method_only_where_it_wins(tmp_path):
    projects = simulate_many(80, seed=5)
    model, report = delay.train(projects, epochs=3)
    assert set(report["mae_by_method"]) == {"earned_schedule", "gbt", "lstm"}
    for stage, table in report["mae_by_stage"].items():
        assert report["routes"][stage] == min(table, key=table.get)
    assert report["mae"] <= report["baseline"]["mae"]
    path = tmp_path / "delay.zip"
    checksum = storage.save(model, path)
    loaded, _meta = storage.load(path, checksum)
    cases = delay.cases_from(projects[:5])
    assert np.allclose(loaded.predict(cases), model.predict(cases), atol=1e-4)


@pytest.mark.slow
def test_without_torch_the_best_baseline_is_used_and_said(monkeypatch):
    monkeypatch.setattr(delay, "torch_available", lambda: False)
    model, report = delay.train(simulate_many(60, seed=6))
    assert "lstm" not in report["mae_by_method"] and model.lstm is None
    assert "torch is not installed" in report["note"]
    assert set(report["routes"].values()) <= {"earned_schedule", "gbt"}
