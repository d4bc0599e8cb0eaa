"""Time a full reschedule of a large project against networkx's longest path.

Run with `python -m bench.scheduling`. It makes a seeded, layered random
project (10,000 tasks and 30,000 dependencies of all four types, lags from -3 to
+5 working days, some milestones, SNET and FNLT constraints, on China's working
calendar) and times `rapport.scheduling.schedule` on it: validation, both
passes, slack, the critical path and the dates, best and median of several runs.
The reference is `networkx.dag_longest_path_length` on the same dependencies as
a weighted graph (a source before every task, a sink after), which computes only
the project's length; both are timed in this process and the ratio printed. The
two lengths must agree, or the benchmark fails. The two take turns, run by run,
so that other work on the machine slows both alike; a 500-task project (the
size of a large Gantt chart) is timed too.

Environment: BENCH_TASKS, BENCH_DEPENDENCIES, BENCH_SEED, BENCH_RUNS.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from rapport.scheduling import Dependency, DepType, Task, WorkCalendar, schedule

N_TASKS = int(os.environ.get("BENCH_TASKS", "10000"))
N_DEPENDENCIES = int(os.environ.get("BENCH_DEPENDENCIES", "30000"))
SEED = int(os.environ.get("BENCH_SEED", "7"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TARGET_MS = 200.0
LAYERS = 100
PROJECT_START = date(2026, 1, 5)


def make_project(
    n_tasks: int, n_dependencies: int, seed: int, calendar: WorkCalendar
) -> tuple[list[Task], list[Dependency]]:
    """A layered random project: links run from a layer to one of the next few."""
    rng = random.Random(seed)
    per_layer = max(n_tasks // LAYERS, 1)
    tasks = []
    for i in range(n_tasks):
        duration = 0 if rng.random() < 0.05 else rng.randint(1, 10)
        snet = fnlt = None
        if rng.random() < 0.02:
            snet = calendar.add_workdays(PROJECT_START, rng.randint(0, 400))
        if rng.random() < 0.01:
            fnlt = calendar.add_workdays(PROJECT_START, rng.randint(200, 1200))
        tasks.append(Task(i + 1, duration, snet=snet, fnlt=fnlt))
    kinds = [DepType.FS] * 7 + [DepType.SS, DepType.FF, DepType.SF]
    seen: set[tuple[int, int]] = set()
    deps: list[Dependency] = []
    while len(deps) < n_dependencies:
        layer = rng.randrange(LAYERS - 1)
        later = min(layer + rng.randint(1, 3), LAYERS - 1)
        pred = layer * per_layer + rng.randrange(per_layer) + 1
        succ = later * per_layer + rng.randrange(per_layer) + 1
        if (pred, succ) in seen or succ > n_tasks or pred > n_tasks:
            continue
        seen.add((pred, succ))
        deps.append(Dependency(pred, succ, rng.choice(kinds), rng.randint(-3, 5)))
    rng.shuffle(tasks)
    return tasks, deps


def reference_length(
    tasks: list[Task], deps: list[Dependency], origin_offset: dict
) -> Any:
    """The project's length with networkx: a weighted longest path in the DAG."""
    import networkx as nx

    durations = {t.id: t.duration for t in tasks}
    graph = nx.DiGraph()
    for task in tasks:
        # From the source: the task's earliest start offset; to the sink: its span.
        graph.add_edge("source", task.id, weight=origin_offset[task.id])
        graph.add_edge(task.id, "sink", weight=max(task.duration - 1, 0))
    for dep in deps:
        d_pred, d_succ = durations[dep.predecessor], durations[dep.successor]
        weight = {
            DepType.FS: d_pred + dep.lag,
            DepType.SS: dep.lag,
            DepType.FF: d_pred - d_succ + dep.lag,
            DepType.SF: 1 - d_succ + dep.lag,
        }[dep.type]
        graph.add_edge(dep.predecessor, dep.successor, weight=weight)
    return graph


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock milliseconds of one call, and what it returned."""
    started = time.perf_counter()
    value = call()
    return (time.perf_counter() - started) * 1000, value


def cpu_timed(call: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU milliseconds of one call, and what it returned.

    On a shared machine the wall clock also counts the time other processes
    held the cores; the CPU time is this process's own work.
    """
    cpu = time.process_time()
    wall, value = timed(call)
    return wall, (time.process_time() - cpu) * 1000, value


def main() -> int:
    import networkx as nx

    calendar = WorkCalendar()
    tasks, deps = make_project(N_TASKS, N_DEPENDENCIES, SEED, calendar)
    print(
        f"project: {len(tasks):,} tasks, {len(deps):,} dependencies"
        f" (seed {SEED}), China's calendar from {PROJECT_START}"
    )
    result = schedule(tasks, deps, calendar, PROJECT_START)  # builds the calendar
    origin = calendar.index_of(PROJECT_START)
    offsets = {
        t.id: max(calendar.index_of(t.snet) - origin, 0) if t.snet else 0 for t in tasks
    }
    build_ms, graph = timed(lambda: reference_length(tasks, deps, offsets))

    # Ours and the reference take turns, so a busy machine slows both alike.
    ours: list[float] = []
    ours_cpu: list[float] = []
    theirs: list[float] = []
    theirs_cpu: list[float] = []
    length = None
    for _ in range(RUNS):
        wall, cpu, result = cpu_timed(
            lambda: schedule(tasks, deps, calendar, PROJECT_START)
        )
        ours.append(wall)
        ours_cpu.append(cpu)
        wall, cpu, length = cpu_timed(
            lambda: nx.dag_longest_path_length(graph, weight="weight")
        )
        theirs.append(wall)
        theirs_cpu.append(cpu)
    small_tasks, small_deps = make_project(500, 1500, SEED, calendar)
    small = [
        timed(lambda: schedule(small_tasks, small_deps, calendar, PROJECT_START))[0]
        for _ in range(RUNS * 3)
    ]

    ours_length = calendar.index_of(result.project_finish) - origin
    if ours_length != length:
        print(f"MISMATCH: schedule says {ours_length} working days, networkx {length}")
        return 1
    print(
        f"project finish {result.project_finish} ({result.duration_days:,} working"
        f" days, {len(result.critical_path)} tasks on the critical path,"
        f" {len(result.warnings)} warnings); networkx agrees on the length"
    )
    _report(ours, ours_cpu, theirs, theirs_cpu, build_ms, small)
    return 0


def _report(
    ours: list[float],
    ours_cpu: list[float],
    theirs: list[float],
    theirs_cpu: list[float],
    build_ms: float,
    small: list[float],
) -> None:
    median = statistics.median
    verdict = "ok" if median(ours) <= TARGET_MS else "over target"
    print()
    print(f"{'computation':<44} {'best ms':>8} {'median ms':>10} {'cpu ms':>8}")
    print(
        f"{'full reschedule, 10,000 tasks':<44} {min(ours):8.1f}"
        f" {median(ours):10.1f} {median(ours_cpu):8.1f}"
        f"  target <= {TARGET_MS:.0f} ms: {verdict}"
    )
    print(
        f"{'networkx dag_longest_path_length':<44} {min(theirs):8.1f}"
        f" {median(theirs):10.1f} {median(theirs_cpu):8.1f}"
        f"  (+{build_ms:.0f} ms to build its graph)"
    )
    print(f"{'full reschedule, 500 tasks':<44} {min(small):8.1f} {median(small):10.1f}")
    print(
        f"ratio ours / networkx: {median(ours) / median(theirs):.2f} (wall),"
        f" {median(ours_cpu) / median(theirs_cpu):.2f} (cpu)"
    )
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(
            f"note: the machine was busy (load average {load:.1f}): the wall clock"
            " counts other processes' turns, the cpu column does not"
        )


if __name__ == "__main__":
    sys.exit(main())
