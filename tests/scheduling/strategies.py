"""Random project networks for the property tests, and a slow reference pass."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from rapport.scheduling import Dependency, DepType, Task, WorkCalendar

CALENDAR = WorkCalendar()  # China's 2026 holidays fall inside the random projects
START = date(2026, 9, 7)  # a Monday three weeks before the national day
ALL_TYPES = tuple(DepType)
# Enough random projects to find the rare cases, few enough to take seconds.
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass
class Network:
    """Tasks and dependencies of a random project (a DAG unless said otherwise)."""

    tasks: list[Task]
    deps: list[Dependency]

    def task(self, task_id: object) -> Task:
        return next(t for t in self.tasks if t.id == task_id)

    def with_task(self, task: Task) -> Network:
        return Network([task if t.id == task.id else t for t in self.tasks], self.deps)


def workday(offset: int) -> date:
    return CALENDAR.date_of(CALENDAR.index_of(START) + offset)


@st.composite
def networks(
    draw: st.DrawFn,
    manual: bool = True,
    snet: bool = True,
    fnlt: bool = False,
    types: tuple[DepType, ...] = ALL_TYPES,
    max_tasks: int = 20,
) -> Network:
    """A layered random DAG: ids in random order, mixed types and lags."""
    n = draw(st.integers(1, max_tasks))
    ids = draw(st.permutations(range(100, 100 + n)))
    tasks = []
    for k in range(n):
        task = Task(ids[k], draw(st.integers(0, 8)))
        if manual and draw(st.integers(0, 5)) == 0:
            task = replace(task, manual=True, start=workday(draw(st.integers(0, 30))))
        if snet and draw(st.integers(0, 4)) == 0:
            task = replace(task, snet=workday(draw(st.integers(-3, 20))))
        if fnlt and draw(st.integers(0, 4)) == 0:
            task = replace(task, fnlt=workday(draw(st.integers(0, 40))))
        tasks.append(task)
    links = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.sampled_from(types),
                st.integers(-4, 6),
            ),
            max_size=3 * n,
        )
    )
    # Links only run from an earlier to a later position, so there is no loop.
    deps = [Dependency(ids[a], ids[b], kind, lag) for a, b, kind, lag in links if a < b]
    order = draw(st.permutations(range(n)))
    return Network([tasks[k] for k in order], deps)


def start_bound(dep: Dependency, pred_start: int, durations: dict) -> int:
    """The earliest start the dependency allows its successor (brief's rules)."""
    d_pred, d_succ = durations[dep.predecessor], durations[dep.successor]
    pred_finish = pred_start + d_pred - 1
    if dep.type is DepType.FS:
        return pred_finish + 1 + dep.lag
    if dep.type is DepType.SS:
        return pred_start + dep.lag
    if dep.type is DepType.FF:  # succ_finish = succ_start + d_succ - 1
        return pred_finish + dep.lag - d_succ + 1
    return pred_start + dep.lag - d_succ + 1  # SF


def reference_early_starts(network: Network) -> dict:
    """Early starts by relaxing every dependency until nothing changes."""
    origin = CALENDAR.index_of(START)
    durations = {t.id: t.duration for t in network.tasks}
    early = {}
    for t in network.tasks:
        if t.manual and t.start:
            early[t.id] = CALENDAR.index_of(t.start)
        elif t.snet:
            early[t.id] = max(origin, CALENDAR.index_of(t.snet))
        else:
            early[t.id] = origin
    manual = {t.id for t in network.tasks if t.manual}
    changed = True
    while changed:
        changed = False
        for dep in network.deps:
            if dep.successor in manual:
                continue
            bound = start_bound(dep, early[dep.predecessor], durations)
            if bound > early[dep.successor]:
                early[dep.successor] = bound
                changed = True
    return early


def reference_late_starts(network: Network, finish: int) -> dict:
    """Late starts of a network without pinned tasks, by relaxing until stable."""
    durations = {t.id: t.duration for t in network.tasks}
    late = {}
    for t in network.tasks:
        span = max(t.duration - 1, 0)
        late[t.id] = finish - span
        if t.fnlt:
            late[t.id] = min(late[t.id], CALENDAR.index_on_or_before(t.fnlt) - span)
    changed = True
    while changed:
        changed = False
        for dep in network.deps:
            # The weight of the link: the successor's bound for a start of 0.
            weight = start_bound(dep, 0, durations)
            if late[dep.successor] - weight < late[dep.predecessor]:
                late[dep.predecessor] = late[dep.successor] - weight
                changed = True
    return late
