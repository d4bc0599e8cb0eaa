"""The critical-path method: forward and backward pass over working-day ordinals.

Every dependency becomes one inequality between task starts, in working days:
``succ.start >= pred.start + weight``, where the weight folds in the type, the
lag and the durations (a task of duration d on ordinal s finishes on s + d - 1):

    FS  succ.start  >= pred.finish + 1 + lag   weight = d_pred + lag
    SS  succ.start  >= pred.start + lag        weight = lag
    FF  succ.finish >= pred.finish + lag       weight = d_pred - d_succ + lag
    SF  succ.finish >= pred.start + lag        weight = 1 - d_succ + lag

so both passes are a longest path over plain integers in topological order.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from rapport.scheduling.calendar import WorkCalendar
from rapport.scheduling.model import (
    CycleError,
    Dependency,
    DepType,
    Move,
    ScheduleInputError,
    ScheduleResult,
    ScheduleWarning,
    Task,
    TaskSchedule,
)

logger = logging.getLogger(__name__)


def schedule(
    tasks: Iterable[Task],
    dependencies: Iterable[Dependency],
    calendar: WorkCalendar,
    project_start: date,
) -> ScheduleResult:
    """Schedule the tasks: early and late dates, slack and the critical path."""
    # The passes allocate many small lists and tuples but create no reference
    # cycles; pausing the cycle collector saves about a sixth of the time. It is
    # process-wide, so it is switched back on only by whoever switched it off.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _schedule(list(tasks), list(dependencies), calendar, project_start)
    finally:
        if collecting:
            gc.enable()


def _schedule(
    tasks: list[Task],
    dependencies: list[Dependency],
    calendar: WorkCalendar,
    project_start: date,
) -> ScheduleResult:
    n = len(tasks)
    position, durations = _check_tasks(tasks)
    preds, succs = _adjacency(dependencies, position, durations, n)
    order = _topological_order(preds, succs, n)
    if len(order) < n:
        raise CycleError([tasks[i].id for i in _cycle_among(succs, set(order), n)])

    # Forward pass: each task as early as its predecessors and constraints allow.
    origin = calendar.index_of(project_start)
    early = [origin] * n
    manual = [False] * n
    warnings: list[ScheduleWarning] = []
    for i, task in enumerate(tasks):
        if task.manual:
            manual[i] = True
            early[i] = calendar.index_of(task.start)  # type: ignore[arg-type]
            if calendar.date_of(early[i]) != task.start:
                warnings.append(_off_day(task, calendar.date_of(early[i])))
        elif task.snet is not None:
            early[i] = max(origin, calendar.index_of(task.snet))
    for j in order:
        best = early[j]
        if manual[j]:
            best = -(1 << 62)
        driver = -1
        for i, weight in preds[j]:
            bound = early[i] + weight
            if bound > best:
                best, driver = bound, i
        if not manual[j]:
            early[j] = best
        elif driver >= 0 and best > early[j]:
            warnings.append(_violation(tasks, j, driver, calendar.date_of(best)))

    # The project ends with the latest finish (a milestone ends on its start).
    spans = [d - 1 if d > 0 else 0 for d in durations]
    finish_index = max((early[i] + spans[i] for i in range(n)), default=origin)

    # Backward pass: each task as late as its successors and the end allow.
    latest = [finish_index - spans[i] for i in range(n)]
    for i, task in enumerate(tasks):
        if task.fnlt is not None:
            deadline = calendar.index_on_or_before(task.fnlt)
            latest[i] = min(latest[i], deadline - spans[i])
            if early[i] + spans[i] > deadline:
                warnings.append(
                    _missed_deadline(
                        task, calendar.date_of(deadline), deadline - early[i] - spans[i]
                    )
                )
    late = latest
    bound_for_preds = [0] * n
    for i in reversed(order):
        value = late[i]
        for j, weight in succs[i]:
            candidate = bound_for_preds[j] - weight
            if candidate < value:
                value = candidate
        late[i] = value
        # A pinned task does not move: its predecessors must meet its real start.
        bound_for_preds[i] = min(value, early[i]) if manual[i] else value

    return _result(
        tasks,
        early,
        late,
        spans,
        succs,
        preds,
        manual,
        order,
        warnings,
        calendar,
        project_start,
        origin,
        finish_index,
    )


def _check_tasks(tasks: Sequence[Task]) -> tuple[dict[Any, int], list[int]]:
    position: dict[Any, int] = {}
    durations = [0] * len(tasks)
    for i, task in enumerate(tasks):
        if task.id in position:
            raise ScheduleInputError(
                f"Task {task.id} appears twice.", code="duplicate_task", task_id=task.id
            )
        position[task.id] = i
        duration = task.duration
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise ScheduleInputError(
                f"Task {task.id}: the duration must be a whole number of working"
                f" days, not {duration!r}.",
                code="duration_invalid",
                task_id=task.id,
            )
        if duration < 0:
            raise ScheduleInputError(
                f"Task {task.id}: the duration cannot be negative ({duration}).",
                code="negative_duration",
                task_id=task.id,
            )
        if task.manual and task.start is None:
            raise ScheduleInputError(
                f"Task {task.id} is scheduled manually but has no start date.",
                code="manual_without_start",
                task_id=task.id,
            )
        durations[i] = duration
    return position, durations


def _adjacency(
    dependencies: Sequence[Dependency],
    position: Mapping[Any, int],
    durations: Sequence[int],
    n: int,
) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]:
    preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    succs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    fs, ss, ff = DepType.FS, DepType.SS, DepType.FF
    for dep in dependencies:
        p = position.get(dep.predecessor)
        s = position.get(dep.successor)
        if p is None or s is None:
            missing = dep.predecessor if p is None else dep.successor
            raise ScheduleInputError(
                f"A dependency names task {missing}, which is not in the project.",
                code="unknown_task",
                task_id=missing,
            )
        if p == s:
            raise ScheduleInputError(
                f"Task {dep.successor} cannot depend on itself.",
                code="self_dependency",
                task_id=dep.successor,
            )
        kind = dep.type
        if kind is fs:
            weight = durations[p] + dep.lag
        elif kind is ss:
            weight = dep.lag
        elif kind is ff:
            weight = durations[p] - durations[s] + dep.lag
        else:
            weight = 1 - durations[s] + dep.lag
        preds[s].append((p, weight))
        succs[p].append((s, weight))
    return preds, succs


def _topological_order(
    preds: Sequence[Sequence[tuple[int, int]]],
    succs: Sequence[Sequence[tuple[int, int]]],
    n: int,
) -> list[int]:
    """Kahn's order; shorter than n when some tasks sit on a loop."""
    waiting = [len(edges) for edges in preds]
    order = [i for i in range(n) if not waiting[i]]
    for i in order:  # the list grows while it is read
        for j, _weight in succs[i]:
            waiting[j] -= 1
            if not waiting[j]:
                order.append(j)
    return order


def _cycle_among(
    succs: Sequence[Sequence[tuple[int, int]]], done: set[int], n: int
) -> list[int]:
    """A loop among the tasks Kahn's order could not place (each has a pred)."""
    # Every unplaced task has an unplaced predecessor, so walking predecessors
    # backwards from any unplaced task must revisit one: that is a loop.
    preds_left: dict[int, int] = {}
    for i in range(n):
        if i in done:
            continue
        for j, _weight in succs[i]:
            if j not in done:
                preds_left[j] = i
    start = next(iter(preds_left))
    seen: dict[int, int] = {}
    walk: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = preds_left[node]
    loop = walk[seen[node] :]
    loop.reverse()  # the walk went backwards along the dependencies
    return loop


def find_cycle(
    task_ids: Iterable[Any], dependencies: Iterable[Dependency]
) -> list[Any] | None:
    """A loop in the dependencies, in order (first id not repeated), or None."""
    index: dict[Any, int] = {}
    ids: list[Any] = []
    for task_id in task_ids:
        if task_id not in index:
            index[task_id] = len(ids)
            ids.append(task_id)
    edges: list[tuple[Any, Any]] = [(d.predecessor, d.successor) for d in dependencies]
    for pred, succ in edges:
        for task_id in (pred, succ):
            if task_id not in index:
                index[task_id] = len(ids)
                ids.append(task_id)
    n = len(ids)
    preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    succs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for pred, succ in edges:
        preds[index[succ]].append((index[pred], 0))
        succs[index[pred]].append((index[succ], 0))
    order = _topological_order(preds, succs, n)
    if len(order) == n:
        return None
    return [ids[i] for i in _cycle_among(succs, set(order), n)]


def diff_schedules(
    before: ScheduleResult | Mapping[Any, TaskSchedule],
    after: ScheduleResult | Mapping[Any, TaskSchedule],
) -> list[Move]:
    """The tasks (in both schedules) whose start or finish changed."""
    old = before.tasks if isinstance(before, ScheduleResult) else before
    new = after.tasks if isinstance(after, ScheduleResult) else after
    moves = []
    for task_id, now in new.items():
        was = old.get(task_id)
        if was is not None and (was.start != now.start or was.finish != now.finish):
            moves.append(Move(task_id, was.start, now.start, was.finish, now.finish))
    return moves


def _violation(
    tasks: Sequence[Task], j: int, i: int, required: date
) -> ScheduleWarning:
    task, pred = tasks[j], tasks[i]
    return ScheduleWarning(
        code="dependency_violated",
        task_id=task.id,
        detail=(
            f"Task {task.id} is pinned to start on {task.start}, but its dependency"
            f" on task {pred.id} needs it to start on or after {required}."
        ),
        predecessor_id=pred.id,
        required=required,
    )


def _off_day(task: Task, next_workday: date) -> ScheduleWarning:
    return ScheduleWarning(
        code="start_not_workday",
        task_id=task.id,
        detail=(
            f"Task {task.id} is pinned to {task.start}, which is not a working day;"
            f" it starts on {next_workday}."
        ),
        required=next_workday,
    )


def _missed_deadline(task: Task, deadline: date, slack: int) -> ScheduleWarning:
    return ScheduleWarning(
        code="constraint_violated",
        task_id=task.id,
        detail=(
            f"Task {task.id} cannot finish by {deadline}: it is {-slack} working"
            " days late."
        ),
        required=deadline,
        slack=slack,
    )


def _result(
    tasks: Sequence[Task],
    early: list[int],
    late: list[int],
    spans: list[int],
    succs: Sequence[Sequence[tuple[int, int]]],
    preds: Sequence[Sequence[tuple[int, int]]],
    manual: list[bool],
    order: list[int],
    warnings: list[ScheduleWarning],
    calendar: WorkCalendar,
    project_start: date,
    origin: int,
    finish_index: int,
) -> ScheduleResult:
    n = len(tasks)
    low = min(min(early, default=origin), origin)
    high = max(
        max((late[i] + spans[i] for i in range(n)), default=finish_index), finish_index
    )
    base, dates = calendar.table(low, high)
    out: dict[Any, TaskSchedule] = {}
    for i in range(n):
        es, ls, span = early[i], late[i], spans[i]
        total = ls - es
        free = total
        for j, weight in succs[i]:
            gap = early[j] - es - weight
            if gap < free:
                free = gap
        start, finish = dates[es - base], dates[es + span - base]
        out[tasks[i].id] = TaskSchedule(
            early_start=start,
            early_finish=finish,
            late_start=dates[ls - base],
            late_finish=dates[ls + span - base],
            total_slack=total,
            free_slack=free if free > 0 else 0,
            critical=total <= 0,
            start=start,
            finish=finish,
            manual=manual[i],
            duration=tasks[i].duration,
        )
    path = _critical_path(early, late, spans, preds, manual, order, finish_index)
    project_finish = dates[finish_index - base]
    return ScheduleResult(
        tasks=out,
        project_start=dates[origin - base],
        project_finish=project_finish,
        critical_path=[tasks[i].id for i in path],
        warnings=warnings,
        duration_days=finish_index - origin + 1 if n else 0,
        calendar=calendar,
        unknown_years=calendar.unknown_years(project_start, project_finish),
    )


def _critical_path(
    early: list[int],
    late: list[int],
    spans: list[int],
    preds: Sequence[Sequence[tuple[int, int]]],
    manual: list[bool],
    order: list[int],
    finish_index: int,
) -> list[int]:
    """The chain that fixes the end: from a last task back along binding links."""
    ends = [i for i in order if early[i] + spans[i] == finish_index]
    if not ends:
        return []
    node = min(ends, key=lambda i: late[i] - early[i])
    path = [node]
    while not manual[node]:
        binding = [i for i, weight in preds[node] if early[i] + weight == early[node]]
        if not binding:
            break
        node = min(binding, key=lambda i: late[i] - early[i])
        path.append(node)
    path.reverse()
    return path
