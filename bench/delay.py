"""The delay model on the demo's real projects: errors per stage and method, speed.

Run with a data directory holding the full demo:

    RAPPORT_DATA_DIR=/tmp/rapport-demo python -m bench.delay

It reads the finished projects' ProgressSnapshot rows, trains the delay model as
the `ml.train` job does (BENCH_DELAY_PROJECTS simulated projects, default 600,
BENCH_DELAY_EPOCHS, default 40), and prints each method's mean absolute error in
working days at 30/50/70 % of plan on the held-out real projects (or simulated
ones when there are fewer than MIN_REAL_PROJECTS), the routes, and then rotates
the held-out real projects (BENCH_DELAY_FOLDS folds, default 3, trees and
Earned Schedule only: cheap) for steadier baseline figures. Timings are given as
ratios to a reference measured in the same process: reading and mapping the
histories, and fitting the trees alone.
"""

from __future__ import annotations

import os
import time
from typing import Any

N_PROJECTS = int(os.environ.get("BENCH_DELAY_PROJECTS", "600"))
EPOCHS = int(os.environ.get("BENCH_DELAY_EPOCHS", "40"))
FOLDS = int(os.environ.get("BENCH_DELAY_FOLDS", "3"))


def setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()


def table(report: dict[str, Any]) -> None:
    for stage, row in report["mae_by_stage"].items():
        cells = ", ".join(f"{m} {v:.2f}" for m, v in row.items())
        print(f"  {float(stage):.0%}: {cells} -> {report['routes'][stage]}")


def rotate(real: list[Any], simulated: list[Any]) -> dict[str, list[float]]:
    """Trees against Earned Schedule, each real project held out once."""
    import numpy as np

    from rapport.intelligence.ml.lib import delay

    errors: dict[str, list[float]] = {"earned_schedule": [], "gbt": []}
    for fold in range(FOLDS):
        held = [p for i, p in enumerate(real) if i % FOLDS == fold]
        kept = [p for i, p in enumerate(real) if i % FOLDS != fold]
        train = delay.cases_from(simulated) + delay.cases_from(kept) * delay.REAL_WEIGHT
        gbt = delay.fit_gbt(train)
        cases = delay.cases_from(held)
        truth = np.array([c.delay for c in cases])
        for method in errors:
            got = delay.predict_with(method, cases, gbt, None)
            errors[method].extend(np.abs(got - truth).tolist())
    return errors


def main() -> None:
    setup()
    import numpy as np

    from rapport.intelligence.ml.delay_data import finished_projects, open_cases
    from rapport.intelligence.ml.lib import delay
    from rapport.intelligence.ml.lib.simulator import simulate_many

    start = time.perf_counter()
    real = finished_projects()
    open_now = open_cases()
    read = time.perf_counter() - start
    print(
        f"{len(real)} finished and {len(open_now)} open projects read and mapped "
        f"in {read:.2f} s (reference)"
    )
    if real:
        delays = np.array([p.delay for p in real])
        print(
            f"  real delays: mean {delays.mean():.1f}, median "
            f"{np.median(delays):.1f}, late (>= 3 days) {int((delays >= 3).sum())}"
        )
    simulated = simulate_many(N_PROJECTS, seed=11)

    start = time.perf_counter()
    delay.fit_gbt(delay.cases_from(simulated) + delay.cases_from(real))
    trees = time.perf_counter() - start

    start = time.perf_counter()
    model, report = delay.train(simulated, epochs=EPOCHS, real=real)
    trained = time.perf_counter() - start
    print(
        f"trained on {N_PROJECTS} simulated + real projects in {trained:.1f} s = "
        f"{trained / max(trees, 1e-9):.1f}x fitting the trees once ({trees:.1f} s)"
    )
    print(f"evaluated on {report['evaluation']} projects: {report['note']}")
    table(report)
    print(
        f"  routed MAE {report['mae']:.2f} against Earned Schedule "
        f"{report['baseline']['mae']:.2f}"
    )

    if open_now:
        cases = [case for _pk, case in open_now]
        start = time.perf_counter()
        model.predict(cases)
        delay.explain(model, cases)
        scored = time.perf_counter() - start
        print(
            f"forecast and explained {len(cases)} open projects in {scored:.2f} s = "
            f"{scored / max(read, 1e-9):.1f}x reading them"
        )

    if len(real) >= FOLDS * 3:
        errors = rotate(real, simulated)
        print(
            f"{FOLDS}-fold rotation over the real projects (every one held out once):"
        )
        for method, values in errors.items():
            print(f"  {method}: MAE {np.mean(values):.2f} over {len(values)} cases")


if __name__ == "__main__":
    main()
