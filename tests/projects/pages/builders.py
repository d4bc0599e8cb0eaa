"""Projects with a real schedule for the page, browser and benchmark tests.

`build_project` makes a project of phases, tasks and dependencies of all four
types; `schedule_project` runs the scheduling engine over it through the back
end's reschedule service, so the chart shows what the product would show.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from rapport.projects.models import Dependency, Phase, Project, Task
from tests.factories import CompanyFactory

PHASES = ("Design", "Procurement", "Construction", "Go-live")


def build_project(
    owner: Any,
    *,
    tasks: int = 12,
    seed: int = 1,
    start: date = date(2026, 3, 2),
    name: str = "Plant upgrade",
    code: str | None = None,
    company: Any = None,
    status: str = Project.Status.ACTIVE,
) -> Project:
    """A project whose tasks form a chain per phase plus cross links, unscheduled."""
    rng = random.Random(seed)
    company = company or CompanyFactory(owner=owner, team=owner.team)
    project = Project.objects.create(
        name=name,
        code=code or f"P-{seed}-{tasks}-{rng.randrange(10**6)}",
        company=company,
        owner=owner,
        team=owner.team,
        contract_value=Decimal("1200000"),
        start_date=start,
        status=status,
    )
    phases = [
        Phase.objects.create(project=project, name=title, position=i)
        for i, title in enumerate(PHASES)
    ]
    per_phase = max(1, tasks // len(phases))
    made = Task.objects.bulk_create(
        Task(
            project=project,
            phase=phases[min(i // per_phase, len(phases) - 1)],
            name=f"Task {i + 1}",
            position=i,
            duration_days=0 if i % 25 == 24 else rng.randint(1, 8),
            is_milestone=i % 25 == 24,
            estimated_hours=Decimal(8 * rng.randint(1, 5)),
        )
        for i in range(tasks)
    )
    links: dict[tuple[int, int], Dependency] = {}
    for i in range(1, len(made)):
        # Two streams of work (each task waits on the one two before it), joined
        # now and then, and some links of the other three types from further back.
        links[(i - 2 if i > 1 else 0, i)] = Dependency(
            project=project, predecessor=made[max(0, i - 2)], successor=made[i]
        )
        if rng.random() < 0.3:
            links[(i - 1, i)] = Dependency(
                project=project, predecessor=made[i - 1], successor=made[i]
            )
        if i > 3 and rng.random() < 0.3:
            j = rng.randrange(max(0, i - 12), i - 1)
            kind = rng.choice(["FS", "SS", "FF", "SF"])
            if kind == "SF":
                kind = "SS"  # an SF link from far back rarely drives; keep it simple
            links[(j, i)] = Dependency(
                project=project,
                predecessor=made[j],
                successor=made[i],
                type=kind,
                lag=rng.randint(-1, 2),
            )
    Dependency.objects.bulk_create(links.values())
    return project


def schedule_project(project: Project) -> Project:
    """Run the engine over the project, as the worker would, and reload it."""
    from rapport.projects import services

    services.reschedule(project, "test")
    project.refresh_from_db()
    return project
