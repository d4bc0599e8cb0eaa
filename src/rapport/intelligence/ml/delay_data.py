"""Real project histories for the delay model: ProgressSnapshot rows as sequences.

The projects app keeps one ProgressSnapshot a day per project. This module
turns them into the simulator's columns (`lib.simulator.SNAPSHOT_COLUMNS`),
one row per working day of the project's calendar, so that real and simulated
projects feed the same code:

=======================  ===========================================================
simulator column         from ProgressSnapshot
=======================  ===========================================================
planned_value            planned_value
earned_value             earned_value
percent_complete         percent_complete / 100
schedule_variance        earned_value − planned_value
slipped_tasks            slipped_tasks
resource_load            resource_load (busiest person's booked ÷ capacity)
critical_path_length     working days left to forecast_finish (else critical
                         path days − working days elapsed)
=======================  ===========================================================

A working day without a snapshot repeats the last earlier one (never a later
one), so the sequence as of a day holds only what was known on that day.

A finished project is one with status "completed", a planned finish (the
baseline's finish, kept on the project) and an actual finish: its forecast
finish once everything is done (the schedule then holds the actual dates),
else the day it was closed. Its delay is the number of working days between
planned and actual finish (negative when early), like the schedule variance.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rapport.intelligence.ml.lib.simulator import SimulatedProject
from rapport.projects import selectors as projects


def delay_days(calendar: Any, planned: date, actual: date) -> int:
    """Working days from the planned to the actual finish (negative: early)."""
    if actual > planned:
        return int(calendar.workdays_between(planned + timedelta(days=1), actual))
    if actual < planned:
        return -int(calendar.workdays_between(actual + timedelta(days=1), planned))
    return 0


def _row(snap: dict[str, Any], elapsed: int, calendar: Any) -> list[float]:
    pv, ev = float(snap["planned_value"]), float(snap["earned_value"])
    finish = snap["forecast_finish"]
    if finish is not None:
        left = calendar.workdays_between(snap["date"] + timedelta(days=1), finish)
    else:
        left = max((snap["critical_path_days"] or 0) - elapsed, 0)
    return [
        pv,
        ev,
        float(snap["percent_complete"]) / 100,
        ev - pv,
        float(snap["slipped_tasks"]),
        float(snap["resource_load"]),
        float(left),
    ]


def planned_days(history: dict[str, Any]) -> int:
    return int(
        history["calendar"].workdays_between(
            history["start"], history["planned_finish"]
        )
    )


def sequence(history: dict[str, Any], until: date) -> Any:
    """(working days from start to `until`, 7) in SNAPSHOT_COLUMNS order."""
    import numpy as np

    calendar = history["calendar"]
    planned = planned_days(history)
    known = [s for s in history["snapshots"] if s["date"] <= until]
    rows: list[list[float]] = []
    last: dict[str, Any] | None = None
    k = 0
    elapsed = 0
    day = calendar.add_workdays(history["start"], 0)
    while day <= until:
        while k < len(known) and known[k]["date"] <= day:
            last = known[k]
            k += 1
        elapsed += 1
        if last is None:  # before the first snapshot: nothing earned, plan intact
            rows.append([0.0] * 6 + [float(max(planned - elapsed, 0))])
        else:
            rows.append(_row(last, elapsed, calendar))
        day = calendar.add_workdays(day, 1)
    return np.array(rows, dtype=float).reshape(-1, 7)


def finished_projects() -> list[SimulatedProject]:
    """Every finished project with a plan and snapshots, oldest finish first."""
    out = []
    histories = projects.delay_histories(finished=True)
    histories.sort(key=lambda h: (h["actual_finish"], h["id"]))
    for history in histories:
        planned = planned_days(history)
        if planned < 5 or not history["snapshots"]:
            continue
        finish = history["actual_finish"]
        delay = delay_days(history["calendar"], history["planned_finish"], finish)
        out.append(
            SimulatedProject(
                planned_duration=planned,
                budget=history["budget"] or 1.0,
                tasks=0,
                causes=[history["delay_cause"]] if history["delay_cause"] else [],
                snapshots=sequence(history, finish),
                actual_duration=planned + delay,
                meta={
                    "project_id": history["id"],
                    "first_snapshot": history["snapshots"][0]["date"],
                    "finish": finish,
                },
            )
        )
    return out


def open_cases(ids: list[int] | None = None, on: date | None = None) -> list[Any]:
    """(project id, Case as of `on`) of open projects with a plan and snapshots."""
    from rapport.intelligence.ml.lib.delay import Case

    on = on or timezone.localdate()
    out = []
    for history in projects.delay_histories(finished=False, ids=ids):
        planned = planned_days(history)
        if planned < 5 or not history["snapshots"]:
            continue
        steps = sequence(history, on)
        if len(steps) < 2:
            continue
        case = Case(steps, planned, history["budget"] or 1.0, len(steps) / planned)
        out.append((history["id"], case))
    return out
