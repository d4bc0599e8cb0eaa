"""Shared data for the model tests: a small table with known effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def known_table(n: int = 600, seed: int = 4) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows where `discount` raises and `days_quiet` lowers the chance of 1."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "discount": rng.uniform(0, 20, n),
            "days_quiet": rng.exponential(30, n),
            "noise": rng.normal(0, 1, n),
            "source": rng.choice(["referral", "website", "cold_call"], n),
        }
    )
    frame.loc[rng.random(n) < 0.05, "discount"] = np.nan
    logit = (
        0.25 * (frame["discount"].fillna(10) - 10)
        - 0.04 * (frame["days_quiet"] - 30)
        + frame["source"].map({"referral": 1.0, "website": 0.0, "cold_call": -1.0})
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, y


@pytest.fixture
def table() -> tuple[pd.DataFrame, np.ndarray]:
    return known_table()
