"""A project simulator with known, injected causes of delay.

Each project has tasks with planned durations, dependencies and one assignee.
The plan is the early-start schedule. The simulation then runs day by day,
and each project may get causes of delay, recorded with it:

- overloaded person: one person is given extra work elsewhere from some day on
  and splits their capacity (their tasks go slower);
- late predecessor: a task waits for an outside delivery that comes late;
- scope change: on some day several unfinished tasks gain 30–80 % more work.

Every day it records a snapshot with the columns the projects app stores in
ProgressSnapshot, in the same units (`rapport.intelligence.ml.delay_data` maps
the stored rows onto SNAPSHOT_COLUMNS): planned and earned value, percent
complete (0–1), schedule variance (earned − planned value), slipped tasks,
resource load (the busiest person's demand ÷ capacity, 1.0 = fully booked) and
critical path length (working days of work left on the longest path).
A step is one working day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SNAPSHOT_COLUMNS = (
    "planned_value",
    "earned_value",
    "percent_complete",
    "schedule_variance",
    "slipped_tasks",
    "resource_load",
    "critical_path_length",
)
CAUSES = ("overloaded_person", "late_predecessor", "scope_change")


@dataclass
class SimulatedProject:
    """A simulated project: its plan, causes, daily snapshots and true delay."""

    planned_duration: int
    budget: float
    tasks: int
    causes: list[str]
    snapshots: Any  # array (days, 7) in SNAPSHOT_COLUMNS order
    actual_duration: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def delay(self) -> int:
        return self.actual_duration - self.planned_duration


def _schedule(durations: Any, preds: list[list[int]]) -> tuple[Any, Any]:
    import numpy as np

    start = np.zeros(len(durations))
    for i, before in enumerate(preds):
        if before:
            start[i] = max(start[j] + durations[j] for j in before)
    return start, start + durations


def simulate(
    rng: Any, cause_rate: float = 0.45, max_days: int = 400
) -> SimulatedProject:
    """Simulate one project; `rng` is a numpy Generator."""
    import numpy as np

    n = int(rng.integers(8, 30))
    people = int(rng.integers(2, 7))
    durations = rng.integers(3, 15, size=n).astype(float)
    preds = [
        sorted(
            set(
                rng.choice(
                    i, size=min(i, int(rng.integers(0, 3))), replace=False
                ).tolist()
            )
        )
        if i
        else []
        for i in range(n)
    ]
    owner = rng.integers(0, people, size=n)
    start, finish = _schedule(durations, preds)
    planned = int(np.ceil(finish.max()))
    budget = durations.sum()
    # Planned value by day: each task's budget spread evenly over its planned days.
    days = np.arange(1, max_days + 1)
    pv = (
        np.clip((days[:, None] - start[None, :]) / durations[None, :], 0, 1) @ durations
    )

    causes = [c for c in CAUSES if rng.random() < cause_rate / 1.5]
    work = durations.copy()
    extra_load = np.zeros(people)
    overload_day, overloaded = 10**6, -1
    if "overloaded_person" in causes:
        overloaded = int(np.bincount(owner, minlength=people).argmax())
        overload_day = int(rng.integers(0, max(planned // 2, 1)))
    wait_until = np.zeros(n)
    if "late_predecessor" in causes:
        late = int(rng.integers(0, n))
        wait_until[late] = start[late] + rng.integers(5, 25)
    scope_day = (
        int(rng.integers(planned // 5, max(planned * 3 // 5, planned // 5 + 1)))
        if "scope_change" in causes
        else 10**6
    )

    done = np.zeros(n)
    finished_on = np.full(n, np.inf)
    rows = []
    day = 0
    while day < max_days and not (done >= work - 1e-9).all():
        day += 1
        if day == scope_day:
            open_tasks = np.nonzero(done < work)[0]
            chosen = rng.choice(
                open_tasks, size=max(1, len(open_tasks) // 3), replace=False
            )
            work[chosen] *= rng.uniform(1.3, 1.8, size=len(chosen))
        if day == overload_day:
            extra_load[overloaded] = rng.uniform(1.5, 3.0)
        ready = np.array(
            [
                done[i] < work[i]
                and day > wait_until[i]
                and all(finished_on[j] < day for j in preds[i])
                for i in range(n)
            ]
        )
        load = np.bincount(owner[ready], minlength=people) + extra_load
        # A person keeps up to two tasks going at full speed; more split the time.
        capacity = np.where(load > 0, 1.0 / np.maximum(load / 2.0, 1.0), 0.0)
        speed = capacity[owner] * rng.normal(1.0, 0.1, size=n).clip(0.6, 1.4)
        done = np.where(ready, np.minimum(done + speed, work), done)
        finished_on = np.where(
            (done >= work - 1e-9) & np.isinf(finished_on), day, finished_on
        )
        earned = float((np.minimum(done / work, 1.0) * durations).sum())
        remaining = np.maximum(work - done, 0)
        _, rest = _schedule(remaining, preds)
        slipped = int(((finish < day) & (done < work - 1e-9)).sum())
        active_load = load[load > 0]
        rows.append(
            [
                float(pv[day - 1]),
                earned,
                earned / budget,
                earned - float(pv[day - 1]),
                slipped,
                # demand ÷ capacity: two tasks at once is a full day's work
                float(active_load.max()) / 2.0 if len(active_load) else 0.0,
                float(rest.max()),
            ]
        )
    return SimulatedProject(
        planned_duration=planned,
        budget=float(budget),
        tasks=n,
        causes=causes,
        snapshots=np.array(rows, dtype=float),
        actual_duration=day,
        meta={"people": people},
    )


def simulate_many(
    count: int, seed: int = 11, cause_rate: float = 0.45
) -> list[SimulatedProject]:
    """`count` projects from one seed (the same seed gives the same projects)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [simulate(rng, cause_rate) for _ in range(count)]
