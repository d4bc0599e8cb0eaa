"""The critical-path method: forward and backward pass over working-day ordinals.

Every dependency becomes one inequality between task starts, in working days:
``succ.start >= pred.start + weight``, where the weight folds in the type, the
lag and the durations (a task of duration d on ordinal s finishes on s + d - 1):

    FS  succ.start  >= pred.finish + 1 + lag   weight = d_pred + lag
    SS  succ.start  >= pred.start + lag        weight = lag
    FF  succ.finish >= pred.finish + lag       weight = d_pred - d_succ + lag
    SF  succ.finish >= pred.start + lag        weight = 1 - d_succ + lag

so both passes are a longest path over plain integers in topological order, and
dates are looked up once at the end.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from rapport.scheduling.calendar import WorkCalendar
from rapport.scheduling.graph import Adjacency, loop_among
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

# Below every start a pinned task's predecessors could ask for, and above every
# gap to a successor.
_NO_BOUND = -(1 << 62)
_NO_GAP = 1 << 62


@dataclass(slots=True)
class _Network:
    """The tasks by position, with their links as integer adjacency lists."""

    tasks: list[Task]
    spans: list[int]  # working days from start to finish: duration - 1, 0 if none
    manual: list[bool]
    succs: Adjacency  # per task: (successor, weight) of each link out of it
    waiting: list[int]  # per task: how many links come into it


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
        network = _network(list(tasks), dependencies)
        origin = calendar.index_of(project_start)
        warnings: list[ScheduleWarning] = []
        early, order, driver = _forward(network, calendar, origin, warnings)
        finish = max(
            (early[i] + span for i, span in enumerate(network.spans)), default=origin
        )
        late, gaps = _backward(network, calendar, order, early, finish, warnings)
        path = _critical_path(network, order, driver, early, late, finish)
        return _result(
            network, calendar, origin, finish, early, late, gaps, path, warnings
        )
    finally:
        if collecting:
            gc.enable()


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


def _network(tasks: list[Task], dependencies: Iterable[Dependency]) -> _Network:
    """Check the input and turn it into integer adjacency lists."""
    position: dict[Any, int] = {}
    durations = []
    for i, task in enumerate(tasks):
        _check_task(task, position)
        position[task.id] = i
        durations.append(task.duration)

    waiting = [0] * len(tasks)
    succs: Adjacency = [[] for _ in tasks]
    fs, ss, ff = DepType.FS, DepType.SS, DepType.FF
    for dep in dependencies:
        p = position.get(dep.predecessor)
        s = position.get(dep.successor)
        if p is None or s is None or p == s:
            _refuse_link(dep, p is None, s is None)
        kind, lag = dep.type, dep.lag
        if kind is fs:
            weight = durations[p] + lag
        elif kind is ss:
            weight = lag
        elif kind is ff:
            weight = durations[p] - durations[s] + lag
        else:
            weight = 1 - durations[s] + lag
        succs[p].append((s, weight))
        waiting[s] += 1
    return _Network(
        tasks=tasks,
        spans=[d - 1 if d > 0 else 0 for d in durations],
        manual=[task.manual for task in tasks],
        succs=succs,
        waiting=waiting,
    )


def _check_task(task: Task, seen: Mapping[Any, int]) -> None:
    if task.id in seen:
        raise ScheduleInputError(
            f"Task {task.id} appears twice.", code="duplicate_task", task_id=task.id
        )
    duration = task.duration
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise ScheduleInputError(
            f"Task {task.id}: the duration must be a whole number of working days,"
            f" not {duration!r}.",
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


def _refuse_link(dep: Dependency, no_pred: bool, no_succ: bool) -> NoReturn:
    if no_pred or no_succ:
        missing = dep.predecessor if no_pred else dep.successor
        raise ScheduleInputError(
            f"A dependency names task {missing}, which is not in the project.",
            code="unknown_task",
            task_id=missing,
        )
    raise ScheduleInputError(
        f"Task {dep.successor} cannot depend on itself.",
        code="self_dependency",
        task_id=dep.successor,
    )


def _forward(
    network: _Network,
    calendar: WorkCalendar,
    origin: int,
    warnings: list[ScheduleWarning],
) -> tuple[list[int], list[int], list[int]]:
    """Early starts, Kahn's order and, per task, the predecessor that drives it.

    Kahn's order and the forward pass are one loop: a task leaves the queue
    when its last predecessor is placed, so its start is final by then.
    """
    tasks, manual, succs = network.tasks, network.manual, network.succs
    early = [0] * len(tasks)
    # bound[j]: the latest start asked of j so far (for a pinned task, only
    # asked: the task keeps its start and the bound is checked at the end).
    bound = [origin] * len(tasks)
    for i, task in enumerate(tasks):
        if task.start is not None and task.manual:
            early[i] = calendar.index_of(task.start)
            bound[i] = _NO_BOUND
            if calendar.date_of(early[i]) != task.start:
                warnings.append(_off_day(task, calendar.date_of(early[i])))
        elif task.snet is not None:
            bound[i] = max(origin, calendar.index_of(task.snet))
    driver = [-1] * len(tasks)
    waiting = list(network.waiting)

    order = [i for i, count in enumerate(waiting) if not count]
    for i in order:  # the list grows while it is read
        start = early[i] if manual[i] else bound[i]
        early[i] = start
        for j, weight in succs[i]:
            asked = start + weight
            if asked > bound[j]:
                bound[j] = asked
                driver[j] = i
            left = waiting[j] - 1
            waiting[j] = left
            if not left:
                order.append(j)
    if len(order) < len(tasks):
        raise CycleError([tasks[i].id for i in loop_among(succs, order)])

    for i, task in enumerate(tasks):
        if manual[i] and bound[i] > early[i]:
            required = calendar.date_of(bound[i])
            warnings.append(_violation(task, tasks[driver[i]], required))
    return early, order, driver


def _backward(
    network: _Network,
    calendar: WorkCalendar,
    order: list[int],
    early: list[int],
    finish: int,
    warnings: list[ScheduleWarning],
) -> tuple[list[int], list[int]]:
    """Late starts, and per task how far it can slip before moving a successor."""
    tasks, spans, manual, succs = (
        network.tasks,
        network.spans,
        network.manual,
        network.succs,
    )
    late = [finish - span for span in spans]
    for i, task in enumerate(tasks):
        if task.fnlt is not None:
            deadline = calendar.index_on_or_before(task.fnlt)
            late[i] = min(late[i], deadline - spans[i])
            missed_by = early[i] + spans[i] - deadline
            if missed_by > 0:
                warnings.append(
                    _missed_deadline(task, calendar.date_of(deadline), -missed_by)
                )

    # What a task's predecessors must meet: its late start, or for a pinned
    # task (which will not move) the earlier of that and its real start.
    bound = [0] * len(tasks)
    gaps = [_NO_GAP] * len(tasks)
    for i in reversed(order):
        value, start, gap = late[i], early[i], _NO_GAP
        for j, weight in succs[i]:
            asked = bound[j] - weight
            if asked < value:
                value = asked
            room = early[j] - start - weight
            if room < gap:
                gap = room
        late[i] = value
        gaps[i] = gap
        bound[i] = min(value, start) if manual[i] else value
    return late, gaps


def _result(
    network: _Network,
    calendar: WorkCalendar,
    origin: int,
    finish: int,
    early: list[int],
    late: list[int],
    gaps: list[int],
    path: list[int],
    warnings: list[ScheduleWarning],
) -> ScheduleResult:
    """Slack per task, the critical path, and every ordinal turned into a date."""
    tasks, spans, manual = network.tasks, network.spans, network.manual
    low = min([origin, *early, *late])
    high = max([finish, *(late[i] + span for i, span in enumerate(spans))])
    base, dates = calendar.table(low, high)

    # Column by column: list comprehensions and map() beat one loop per task by
    # a fifth. The columns are passed in TaskSchedule's field order.
    durations = [task.duration for task in tasks]
    totals = [ls - es for es, ls in zip(early, late, strict=True)]
    frees = [max(min(gap, total), 0) for gap, total in zip(gaps, totals, strict=True)]
    starts = [dates[es - base] for es in early]
    finishes = [dates[es + span - base] for es, span in zip(early, spans, strict=True)]
    late_starts = [dates[ls - base] for ls in late]
    late_finishes = [
        dates[ls + span - base] for ls, span in zip(late, spans, strict=True)
    ]
    out = dict(
        zip(
            [task.id for task in tasks],
            map(
                TaskSchedule,
                starts,
                finishes,
                late_starts,
                late_finishes,
                totals,
                frees,
                [total <= 0 for total in totals],
                starts,
                finishes,
                manual,
                durations,
            ),
            strict=True,
        )
    )

    return ScheduleResult(
        tasks=out,
        project_start=dates[origin - base],
        project_finish=dates[finish - base],
        critical_path=[tasks[i].id for i in path],
        warnings=warnings,
        duration_days=finish - origin + 1 if tasks else 0,
        calendar=calendar,
        unknown_years=calendar.unknown_years(dates[low - base], dates[high - base]),
    )


def _critical_path(
    network: _Network,
    order: list[int],
    driver: list[int],
    early: list[int],
    late: list[int],
    finish: int,
) -> list[int]:
    """The chain that fixes the end: from a last task back along its drivers."""
    spans = network.spans
    ends = [i for i in order if early[i] + spans[i] == finish]
    if not ends:
        return []
    node = min(ends, key=lambda i: late[i] - early[i])
    path = [node]
    while not network.manual[node] and driver[node] >= 0:
        node = driver[node]
        path.append(node)
    path.reverse()
    return path


def _violation(task: Task, pred: Task, required: date) -> ScheduleWarning:
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
