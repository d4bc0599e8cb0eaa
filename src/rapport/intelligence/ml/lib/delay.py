"""Project delay forecasts from daily snapshots: two baselines and an LSTM.

A case is a project observed on day AT (30, 50 or 70 % into its planned
duration) with its snapshots so far; the target is the final delay in days.

- Earned Schedule (Lipke): ES is the day on which the planned value equalled
  today's earned value; SPI(t) = ES / AT and the forecast duration is
  planned duration / SPI(t).
- Gradient-boosted trees on hand-made features (schedule and cost indices,
  slipped tasks, resource load, critical path left, recent trends).
- An LSTM over the normalised daily snapshot sequence (torch, optional).

The delay model routes each observation stage to whichever method had the
lowest validation MAE there, so the LSTM is used only where it wins. Without
torch the LSTM is skipped and the model says so in its report.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from importlib.util import find_spec
from typing import Any

from rapport.intelligence.ml.lib.simulator import SimulatedProject

logger = logging.getLogger(__name__)

STAGES = (0.3, 0.5, 0.7)
MAX_STEPS = 48
STEP_FEATURES = 9


def torch_available() -> bool:
    """Whether torch can be imported (the optional `torch` extra is installed)."""
    try:
        return find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


class Case:
    """One project observed on one day: its snapshots so far and its plan."""

    def __init__(
        self,
        snapshots: Any,
        planned: int,
        budget: float,
        stage: float,
        delay: float = 0.0,
    ) -> None:
        self.snapshots = snapshots
        self.planned = planned
        self.budget = budget
        self.stage = stage
        self.delay = delay


def cases_from(projects: Sequence[SimulatedProject]) -> list[Case]:
    out = []
    for project in projects:
        for stage in STAGES:
            day = max(2, round(stage * project.planned_duration))
            if day >= len(project.snapshots):
                continue
            out.append(
                Case(
                    project.snapshots[:day],
                    project.planned_duration,
                    project.budget,
                    stage,
                    project.delay,
                )
            )
    return out


def earned_schedule(case: Case) -> float:
    """The Earned Schedule forecast of the final delay, in days."""
    import numpy as np

    pv = case.snapshots[:, 0]
    ev = case.snapshots[-1, 1]
    at = len(pv)
    reached = int((pv <= ev + 1e-9).sum())
    if reached >= at:
        es = float(at)
    else:
        low = pv[reached - 1] if reached else 0.0
        high = pv[reached]
        es = reached + (ev - low) / max(high - low, 1e-9)
    spi = max(es, 0.25) / at
    return float(
        np.clip(case.planned / spi - case.planned, -case.planned, 5 * case.planned)
    )


def hand_features(case: Case) -> list[float]:
    s = case.snapshots
    at = len(s)
    pd_, bac = float(case.planned), case.budget
    last = s[-1]
    week = s[max(0, at - 7)]
    return [
        case.stage,
        at / pd_,
        last[2],
        last[1] / bac,
        last[0] / bac,
        last[3] / bac,
        earned_schedule(case) / pd_,
        last[4],
        last[5],
        float(s[:, 5].max()),
        float(s[:, 5].mean()),
        last[6] / pd_,
        (at + last[6] - pd_) / pd_,
        (last[3] - week[3]) / bac,
        (last[6] - week[6]) / pd_,
    ]


def sequence(case: Case) -> Any:
    """The normalised per-day inputs of the LSTM, at most MAX_STEPS days."""
    import numpy as np

    s = case.snapshots
    pd_, bac = float(case.planned), case.budget
    t = np.arange(1, len(s) + 1)
    steps = np.stack(
        [
            s[:, 0] / bac,
            s[:, 1] / bac,
            s[:, 2],
            s[:, 3] / bac,
            s[:, 4] / 10,
            s[:, 5] / 2.5,
            s[:, 6] / pd_,
            t / pd_,
            (t + s[:, 6] - pd_) / pd_,
        ],
        axis=1,
    )
    if len(steps) > MAX_STEPS:
        keep = np.unique(np.linspace(0, len(steps) - 1, MAX_STEPS).round().astype(int))
        steps = steps[keep]
    return steps.astype("float32")


class LSTMForecaster:
    """A one-layer LSTM reading the snapshot sequence; predicts delay ÷ plan."""

    def __init__(self, hidden: int = 48, epochs: int = 40, seed: int = 5) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.seed = seed
        self.net: Any = None

    def config(self) -> dict[str, Any]:
        return {"hidden": self.hidden, "epochs": self.epochs, "seed": self.seed}

    def _build(self) -> Any:
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self, hidden: int) -> None:
                super().__init__()
                self.lstm = nn.LSTM(STEP_FEATURES, hidden, batch_first=True)
                self.head = nn.Sequential(
                    nn.Linear(hidden, 32), nn.ReLU(), nn.Linear(32, 1)
                )

            def forward(self, x: Any, lengths: Any) -> Any:
                packed = nn.utils.rnn.pack_padded_sequence(
                    x, lengths, batch_first=True, enforce_sorted=False
                )
                _, (h, _) = self.lstm(packed)
                return self.head(h[-1]).squeeze(-1)

        torch.manual_seed(self.seed)
        return Net(self.hidden)

    @staticmethod
    def _batch(cases: Sequence[Case]) -> tuple[Any, Any]:
        import torch
        from torch.nn.utils.rnn import pad_sequence

        seqs = [torch.from_numpy(sequence(c)) for c in cases]
        lengths = torch.tensor([len(s) for s in seqs])
        return pad_sequence(seqs, batch_first=True), lengths

    def fit(self, cases: Sequence[Case]) -> LSTMForecaster:
        import numpy as np
        import torch

        torch.set_num_threads(2)
        self.net = self._build()
        x, lengths = self._batch(cases)
        y = torch.tensor([c.delay / c.planned for c in cases], dtype=torch.float32)
        optimiser = torch.optim.Adam(self.net.parameters(), lr=3e-3)
        rng = np.random.default_rng(self.seed)
        self.net.train()
        for _epoch in range(self.epochs):
            order = rng.permutation(len(cases))
            for start in range(0, len(order), 64):
                idx = torch.from_numpy(order[start : start + 64])
                optimiser.zero_grad()
                loss = torch.nn.functional.l1_loss(
                    self.net(x[idx], lengths[idx]), y[idx]
                )
                loss.backward()
                optimiser.step()
        self.net.eval()
        return self

    def predict(self, cases: Sequence[Case]) -> Any:
        import numpy as np
        import torch

        if not cases:
            return np.zeros(0)
        with torch.no_grad():
            x, lengths = self._batch(cases)
            out = self.net(x, lengths).numpy()
        return out * np.array([c.planned for c in cases])

    def state_dict_bytes(self) -> bytes:
        import torch

        buffer = io.BytesIO()
        torch.save(self.net.state_dict(), buffer)
        return buffer.getvalue()

    @classmethod
    def from_state(cls, config: dict[str, Any], data: io.BytesIO) -> LSTMForecaster:
        import torch

        model = cls(**config)
        model.net = model._build()
        state = torch.load(data, weights_only=True, map_location="cpu")
        model.net.load_state_dict(state)
        model.net.eval()
        return model


class DelayModel:
    """Routes each observation stage to the method that won there."""

    method = "delay"

    def __init__(
        self, gbt: Any, lstm: LSTMForecaster | None, routes: dict[str, str]
    ) -> None:
        self.gbt = gbt
        self.lstm = lstm
        self.routes = routes

    @staticmethod
    def stage_of(fraction: float) -> str:
        return str(min(STAGES, key=lambda s: abs(s - fraction)))

    def predict(self, cases: Sequence[Case]) -> Any:
        import numpy as np

        out = np.zeros(len(cases))
        by_method: dict[str, list[int]] = {}
        for i, case in enumerate(cases):
            by_method.setdefault(
                self.routes.get(self.stage_of(case.stage), "earned_schedule"), []
            ).append(i)
        for method, rows in by_method.items():
            chosen = [cases[i] for i in rows]
            out[rows] = predict_with(method, chosen, self.gbt, self.lstm)
        return out

    def meta(self) -> dict[str, Any]:
        return {"method": "delay", "routes": self.routes}

    def parts(self) -> dict[str, bytes]:
        import skops.io as sio

        parts = {
            "model.skops": bytes(sio.dumps(self.gbt)),
            "extra.json": json.dumps(
                {
                    "routes": self.routes,
                    "lstm": self.lstm.config() if self.lstm else None,
                }
            ).encode(),
        }
        if self.lstm is not None:
            parts["state_dict.pt"] = self.lstm.state_dict_bytes()
        return parts


def predict_with(
    method: str, cases: Sequence[Case], gbt: Any, lstm: LSTMForecaster | None
) -> Any:
    import numpy as np

    if method == "earned_schedule":
        return np.array([earned_schedule(c) for c in cases])
    if method == "gbt":
        return gbt.predict(np.array([hand_features(c) for c in cases])) * np.array(
            [c.planned for c in cases]
        )
    if lstm is None:
        raise ValueError("the LSTM is not available")
    return lstm.predict(cases)


def fit_gbt(cases: Sequence[Case]) -> Any:
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingRegressor

    model = HistGradientBoostingRegressor(
        loss="absolute_error",
        max_iter=300,
        learning_rate=0.05,
        max_leaf_nodes=15,
        random_state=3,
    )
    model.fit(
        np.array([hand_features(c) for c in cases]),
        np.array([c.delay / c.planned for c in cases]),
    )
    return model


MIN_REAL_PROJECTS = 20  # finished real projects needed to judge the routes on them
REAL_VALID_SHARE = 0.3
REAL_WEIGHT = 4  # each real training case counts as this many simulated ones


def train(
    projects: Sequence[SimulatedProject],
    valid_share: float = 0.25,
    use_lstm: bool = True,
    epochs: int = 40,
    real: Sequence[SimulatedProject] = (),
    min_real: int = MIN_REAL_PROJECTS,
) -> tuple[DelayModel, dict[str, Any]]:
    """Fit the three methods on the same projects; route each stage to the best.

    `projects` are simulated; `real` are finished real projects in the same
    columns. The simulator always trains (it pre-trains and augments); real
    training cases are repeated REAL_WEIGHT times so the few real projects
    weigh more than their number. With at least `min_real` real projects the
    routes are judged on the last REAL_VALID_SHARE of them (held out of
    training); with fewer, on the last `valid_share` of the simulated ones.
    """
    import numpy as np

    notes = []
    real = list(real)
    if len(real) >= min_real:
        held = max(1, round(len(real) * REAL_VALID_SHARE))
        real_train, real_valid = real[:-held], real[-held:]
        train_cases = cases_from(projects) + cases_from(real_train) * REAL_WEIGHT
        valid_cases = cases_from(real_valid)
        evaluation = "real"
        notes.append(
            f"Routes judged on {len(real_valid)} held-out finished real projects; "
            f"trained on {len(projects)} simulated and {len(real_train)} real ones."
        )
    else:
        cut = int(len(projects) * (1 - valid_share))
        train_cases = cases_from(projects[:cut]) + cases_from(real) * REAL_WEIGHT
        valid_cases = cases_from(projects[cut:])
        evaluation = "simulated"
        notes.append(
            f"Only {len(real)} finished real projects (fewer than {min_real}): "
            "routes judged on held-out simulated projects."
        )
    gbt = fit_gbt(train_cases)
    lstm = None
    if use_lstm and torch_available():
        lstm = LSTMForecaster(epochs=epochs).fit(train_cases)
    else:
        notes.append(
            "torch is not installed: the LSTM was skipped and the best baseline "
            "is used."
        )
    truth = np.array([c.delay for c in valid_cases])
    stages = np.array([c.stage for c in valid_cases])
    methods = ["earned_schedule", "gbt"] + (["lstm"] if lstm is not None else [])
    errors = {
        m: np.abs(predict_with(m, valid_cases, gbt, lstm) - truth) for m in methods
    }
    table: dict[str, dict[str, float]] = {}
    routes = {}
    for stage in STAGES:
        mask = stages == stage
        if not mask.any():  # no held-out case at this stage: trust the trees
            table[str(stage)] = {}
            routes[str(stage)] = "gbt"
            continue
        table[str(stage)] = {m: float(errors[m][mask].mean()) for m in methods}
        routes[str(stage)] = min(table[str(stage)], key=table[str(stage)].get)  # type: ignore[arg-type]
    # Refit the trees and the network on every project for the final model.
    all_cases = train_cases + (
        valid_cases * REAL_WEIGHT if evaluation == "real" else valid_cases
    )
    final = DelayModel(
        fit_gbt(all_cases),
        LSTMForecaster(epochs=epochs).fit(all_cases) if lstm is not None else None,
        routes,
    )
    routed = np.array([errors[routes[str(s)]][i] for i, s in enumerate(stages)])
    report = {
        "mae": float(routed.mean()),
        "mae_by_method": {m: float(e.mean()) for m, e in errors.items()},
        "mae_by_stage": table,
        "routes": routes,
        "baseline": {
            "method": "earned_schedule",
            "mae": float(errors["earned_schedule"].mean()),
        },
        "evaluation": evaluation,
        "projects": len(projects),
        "real_projects": len(real),
        "valid_cases": len(valid_cases),
        "cases": len(all_cases),
        "note": " ".join(notes),
    }
    return final, report


# Explanations: occlusion per group of snapshot columns. Each group is replaced
# by what an on-plan project would show (earned = planned value, nothing
# slipped, nobody over-booked, critical path ending on the planned day); the
# change in the routed method's forecast, in days, is that group's effect.
FACTOR_GROUPS = ("behind_plan", "slipped_tasks", "resource_load", "forecast_slip")


def on_plan(case: Case, group: str) -> Case:
    """A copy of `case` with one group of columns set as if on plan."""
    import numpy as np

    s = case.snapshots.copy()
    if group == "behind_plan":
        s[:, 1] = s[:, 0]
        s[:, 2] = s[:, 0] / max(case.budget, 1e-9)
        s[:, 3] = 0.0
    elif group == "slipped_tasks":
        s[:, 4] = 0.0
    elif group == "resource_load":
        s[:, 5] = np.minimum(s[:, 5], 1.0)
    else:
        t = np.arange(1, len(s) + 1)
        s[:, 6] = np.maximum(case.planned - t, 0)
    return Case(s, case.planned, case.budget, case.stage, case.delay)


def group_value(case: Case, group: str) -> float:
    """What the reader sees for a group: its newest value."""
    last = case.snapshots[-1]
    if group == "behind_plan":
        return float(-last[3] / max(case.budget, 1e-9) * 100)  # % of budget behind
    if group == "slipped_tasks":
        return float(last[4])
    if group == "resource_load":
        return float(last[5])
    return float(len(case.snapshots) + last[6] - case.planned)  # days past plan


def explain(model: DelayModel, cases: Sequence[Case], top: int = 3) -> list[Any]:
    """Up to `top` occlusion factors of each case, biggest effect first."""
    import numpy as np

    base = model.predict(cases)
    effects = np.stack(
        [base - model.predict([on_plan(c, g) for c in cases]) for g in FACTOR_GROUPS],
        axis=1,
    )
    out = []
    for i, case in enumerate(cases):
        method = model.routes.get(model.stage_of(case.stage), "earned_schedule")
        ranked = np.argsort(-np.abs(effects[i]), kind="stable")[:top]
        # Groups that do not move the forecast are no reason (keep one, for
        # the method and stage it carries).
        order = [
            int(j) for k, j in enumerate(ranked) if k == 0 or abs(effects[i, j]) >= 0.05
        ]
        out.append(
            [
                {
                    "feature": FACTOR_GROUPS[j],
                    "value": round(group_value(case, FACTOR_GROUPS[j]), 2),
                    "effect": round(float(effects[i, j]), 2),
                    "unit": "days",
                    "method": method,
                    "stage": model.stage_of(case.stage),
                }
                for j in order
            ]
        )
    return out


def from_parts(
    meta: dict[str, Any], parts: dict[str, bytes], load_skops: Any
) -> DelayModel:
    extra = json.loads(parts["extra.json"])
    lstm = None
    if extra.get("lstm") and "state_dict.pt" in parts and torch_available():
        lstm = LSTMForecaster.from_state(
            extra["lstm"], io.BytesIO(parts["state_dict.pt"])
        )
    routes = dict(extra["routes"])
    if lstm is None:  # without torch, stages the LSTM won fall back to the trees
        routes = {k: ("gbt" if v == "lstm" else v) for k, v in routes.items()}
    return DelayModel(load_skops(parts["model.skops"]), lstm, routes)
