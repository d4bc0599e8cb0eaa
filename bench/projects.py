"""Time a reschedule of a 500-task project through the app, against the engine alone.

Run with `python -m bench.projects`. It makes (once, then reuses) a SQLite
database in RAPPORT_PROJECTS_BENCH_DIR (default var/bench-projects) holding one
project of 500 tasks and about 1,500 dependencies of the four types, and times,
in this process:

- the worker's full reschedule (`services.reschedule`): read the plan, run the
  engine, write every computed date that changed in bulk, record the run and
  the moves; the project's start moves by a week between runs, so every task
  moves every time (the worst case);
- the Gantt drag (`services.move_task` on a critical task): the versioned,
  audited change of one task and the synchronous reschedule it triggers;
- what-if (`services.what_if`): two engine runs and their difference, nothing
  written.

Each is set beside the reference, the engine alone (`rapport.scheduling.schedule`)
on the same inputs, timed in turns with it in the same process, and the ratio of
the medians is printed. The 10,000-task engine run is `bench/scheduling.py`'s.

Environment: RAPPORT_PROJECTS_BENCH_DIR, BENCH_PROJECT_TASKS, BENCH_RUNS.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(
    os.environ.get("RAPPORT_PROJECTS_BENCH_DIR", ROOT / "var" / "bench-projects")
).resolve()
TASKS = int(os.environ.get("BENCH_PROJECT_TASKS", "500"))
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
CODE = "BENCH-PROJECTS"
DRAG_TARGET_MS = 300.0
START = date(2026, 3, 2)


def setup_django() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["RAPPORT_DATA_DIR"] = str(DATA_DIR)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("QUEUE_URL", None)
    os.environ.setdefault("RAPPORT_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_project() -> Any:
    """The bench project: 500 tasks in layers, linked forward by all four types."""
    from rapport.accounts.models import Team, User
    from rapport.crm.models import Company
    from rapport.projects import services
    from rapport.projects.models import Dependency, Project, Task

    found = Project.objects.filter(code=CODE).first()
    if found is not None:
        return found
    team, _ = Team.objects.get_or_create(name="Bench")
    pm, _ = User.objects.get_or_create(
        username="bench.pm", defaults={"role": "project_manager", "team": team}
    )
    company = Company.objects.create(name="Bench Co", owner=pm, team=team)
    project = Project.objects.create(
        name="Bench project",
        code=CODE,
        company=company,
        owner=pm,
        team=team,
        start_date=START,
        contract_value=Decimal("1000000"),
    )
    rng = random.Random(7)
    tasks = Task.objects.bulk_create(
        [
            Task(
                project=project,
                name=f"Task {i}",
                position=i,
                duration_days=0 if rng.random() < 0.04 else rng.randint(1, 8),
                estimated_hours=Decimal(rng.randint(4, 60)),
            )
            for i in range(TASKS)
        ]
    )
    tasks = list(Task.objects.filter(project=project).order_by("position"))
    layers = 25
    per = max(1, TASKS // layers)
    kinds = ["FS"] * 7 + ["SS", "FF", "SF"]
    seen: set[tuple[int, int]] = set()
    links: list[Dependency] = []
    while len(links) < TASKS * 3:
        layer = rng.randrange(layers - 1)
        later = min(layer + rng.randint(1, 2), layers - 1)
        a = tasks[min(layer * per + rng.randrange(per), TASKS - 1)]
        b = tasks[min(later * per + rng.randrange(per), TASKS - 1)]
        if a.pk == b.pk or (a.pk, b.pk) in seen:
            continue
        seen.add((a.pk, b.pk))
        links.append(
            Dependency(
                project=project,
                predecessor=a,
                successor=b,
                type=rng.choice(kinds),
                lag=rng.randint(-2, 4),
            )
        )
    Dependency.objects.bulk_create(links)
    services.reschedule(project, "bench")
    return project


def timed(fn: Callable[[], Any]) -> float:
    began = time.perf_counter()
    fn()
    return (time.perf_counter() - began) * 1000


def compare(name: str, app: Callable[[], Any], engine: Callable[[], Any]) -> float:
    """Time the app's path and the engine alone in turns; print both and the ratio."""
    app()
    engine()
    app_ms, engine_ms = [], []
    for _ in range(RUNS):
        app_ms.append(timed(app))
        engine_ms.append(timed(engine))
    mine, ref = statistics.median(app_ms), statistics.median(engine_ms)
    print(
        f"{name:<42} {mine:9.1f} {min(app_ms):9.1f} {ref:9.1f} {mine / ref:7.1f}",
        flush=True,
    )
    return mine


def main() -> int:
    setup_django()
    from rapport.projects import services
    from rapport.projects.models import Project, Task
    from rapport.projects.services.schedule import load_plan, run_engine

    project = make_project()
    pm = project.owner
    count = Task.objects.filter(project=project).count()
    links = project.dependencies.count()
    print(f"project of {count} tasks and {links} dependencies, {RUNS} runs each")
    print(f"{'':<42} {'median ms':>9} {'best ms':>9} {'engine ms':>9} {'ratio':>7}")

    def engine_alone() -> None:
        run_engine(load_plan(project))

    plan = load_plan(project)

    def engine_only() -> None:
        run_engine(plan)

    shift = [0]

    def full_reschedule() -> None:
        shift[0] = 7 if shift[0] == 0 else 0
        Project.objects.filter(pk=project.pk).update(
            start_date=START + timedelta(days=shift[0])
        )
        project.start_date = START + timedelta(days=shift[0])
        services.reschedule(project, "bench")

    compare("full reschedule, every task moves", full_reschedule, engine_only)
    compare("reading the plan + engine (no writes)", engine_alone, engine_only)

    critical = (
        Task.objects.filter(project=project, is_critical=True, duration_days__gt=0)
        .order_by("early_start")
        .first()
    )
    assert critical is not None
    lengths = [critical.duration_days, critical.duration_days + 2]

    def drag() -> None:
        task = Task.objects.get(pk=critical.pk)
        lengths.reverse()
        services.move_task(pm, task, duration=lengths[0])

    drag_ms = compare("Gantt drag of a critical task (move_task)", drag, engine_only)

    def what_if() -> None:
        services.what_if(pm, project, [{"task_id": critical.pk, "duration": 9}])

    compare("what-if (two engine runs, nothing saved)", what_if, engine_only)
    verdict = "ok" if drag_ms <= DRAG_TARGET_MS else "over target"
    print(f"drag target {DRAG_TARGET_MS:.0f} ms on the server: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
