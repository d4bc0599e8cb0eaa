"""Projects and phases, baselines, plan against actual, margin, what-if."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Query

from rapport.core.api import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Id,
    ListQuery,
    Page,
    expected_version,
    paginate,
)
from rapport.projects import selectors, services
from rapport.projects.api.common import (
    DELETED,
    actor,
    created,
    deleted,
    exact,
    fields,
    one,
    router,
)
from rapport.projects.models import Project
from rapport.projects.schemas import (
    BaselineIn,
    BaselineOut,
    MarginOut,
    PhaseIn,
    PhaseOut,
    PhasePatch,
    PlanVsActualOut,
    ProjectFilter,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    RescheduleOut,
    WhatIfIn,
    WhatIfOut,
)

TAGS = ["projects"]


def _project(request: HttpRequest, pk: int) -> Project:
    return selectors.project(actor(request), pk)


@router.get("/projects", response={200: Page[ProjectOut], **COMMON_ERRORS}, tags=TAGS)
def list_projects(
    request: HttpRequest, response: HttpResponse, query: Query[ProjectFilter]
) -> Any:
    """Projects the caller may see, filtered and sorted."""
    rows = exact(
        selectors.projects(actor(request)),
        status=query.status,
        company_id=query.company,
        owner_id=query.owner,
    )
    if query.open is not None:
        condition = Q(status__in=Project.OPEN_STATUSES)
        rows = rows.filter(condition if query.open else ~condition)
    for term in (query.q or "").split():
        rows = rows.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return paginate(request, response, rows, query)


@router.post("/projects", response={201: ProjectOut, **WRITE_ERRORS}, tags=TAGS)
def create_project(
    request: HttpRequest, response: HttpResponse, payload: ProjectIn
) -> Any:
    """Create a project; with a template, its plan is copied and scheduled."""
    project = services.create_project(actor(request), fields(payload))
    return created(request, response, _project(request, project.pk), "/projects")


@router.get(
    "/projects/{project_id}", response={200: ProjectOut, **COMMON_ERRORS}, tags=TAGS
)
def get_project(request: HttpRequest, response: HttpResponse, project_id: Id) -> Any:
    """One project."""
    return one(response, _project(request, project_id))


@router.patch(
    "/projects/{project_id}", response={200: ProjectOut, **WRITE_ERRORS}, tags=TAGS
)
def update_project(
    request: HttpRequest, response: HttpResponse, project_id: Id, payload: ProjectPatch
) -> Any:
    """Change the fields sent; If-Match, when sent, must name the current version."""
    project = _project(request, project_id)
    services.update_project(
        actor(request), project, fields(payload), expected_version(request, project)
    )
    return one(response, _project(request, project_id))


@router.delete("/projects/{project_id}", response=DELETED, tags=TAGS)
def delete_project(request: HttpRequest, project_id: Id) -> HttpResponse:
    """Delete a project with its plan and history."""
    project = _project(request, project_id)
    services.delete_project(actor(request), project, expected_version(request, project))
    return deleted()


# --- Phases --------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/phases",
    response={200: list[PhaseOut], **COMMON_ERRORS},
    tags=TAGS,
)
def list_phases(request: HttpRequest, project_id: Id) -> Any:
    """The project's phases in order."""
    project = _project(request, project_id)
    return (
        selectors.phases(actor(request))
        .filter(project=project)
        .order_by("position", "id")
    )


@router.post(
    "/projects/{project_id}/phases", response={201: PhaseOut, **WRITE_ERRORS}, tags=TAGS
)
def create_phase(
    request: HttpRequest, response: HttpResponse, project_id: Id, payload: PhaseIn
) -> Any:
    """Add a phase to the project."""
    phase = services.create_phase(
        actor(request), _project(request, project_id), fields(payload)
    )
    return created(request, response, phase, "/phases")


@router.patch("/phases/{phase_id}", response={200: PhaseOut, **WRITE_ERRORS}, tags=TAGS)
def update_phase(
    request: HttpRequest, response: HttpResponse, phase_id: Id, payload: PhasePatch
) -> Any:
    """Rename or reorder a phase."""
    phase = selectors.get(selectors.phases(actor(request)), phase_id)
    services.update_phase(
        actor(request), phase, fields(payload), expected_version(request, phase)
    )
    return one(response, phase)


@router.delete("/phases/{phase_id}", response=DELETED, tags=TAGS)
def delete_phase(request: HttpRequest, phase_id: Id) -> HttpResponse:
    """Delete a phase; its tasks stay, without a phase."""
    phase = selectors.get(selectors.phases(actor(request)), phase_id)
    services.delete_phase(actor(request), phase, expected_version(request, phase))
    return deleted()


# --- Schedule: what-if, reschedules, baselines, plan against actual, margin ----------


@router.post(
    "/projects/{project_id}/what-if",
    response={200: WhatIfOut, **WRITE_ERRORS},
    tags=TAGS,
)
def what_if(request: HttpRequest, project_id: Id, payload: WhatIfIn) -> Any:
    """The schedule the changes would produce, and what would move; nothing is saved."""
    from rapport.projects.services.schedule import warnings_of

    changes = [c.dict() for c in payload.changes]
    result, moves = services.what_if(
        actor(request), _project(request, project_id), changes
    )
    return {
        "project_finish": result.project_finish,
        "duration_days": result.duration_days,
        "critical_path": result.critical_path,
        "tasks": [
            {
                "task_id": task_id,
                "start": t.start,
                "finish": t.finish,
                "total_slack": t.total_slack,
                "free_slack": t.free_slack,
                "critical": t.critical,
            }
            for task_id, t in result.tasks.items()
        ],
        "moves": moves,
        "warnings": warnings_of(result),
    }


@router.get(
    "/projects/{project_id}/reschedules",
    response={200: Page[RescheduleOut], **COMMON_ERRORS},
    tags=TAGS,
)
def list_reschedules(
    request: HttpRequest,
    response: HttpResponse,
    project_id: Id,
    query: Query[ListQuery],
) -> Any:
    """The project's reschedules, newest first, each with the tasks it moved."""
    project = _project(request, project_id)
    rows = selectors.reschedule_runs(actor(request)).filter(project=project)
    return paginate(request, response, rows, query)


@router.post(
    "/projects/{project_id}/reschedule",
    response={200: RescheduleOut, **WRITE_ERRORS},
    tags=TAGS,
)
def reschedule_project(request: HttpRequest, project_id: Id) -> Any:
    """Reschedule the project now and return what moved (or why it failed)."""
    return services.reschedule_now(actor(request), _project(request, project_id))


@router.get(
    "/projects/{project_id}/baselines",
    response={200: list[BaselineOut], **COMMON_ERRORS},
    tags=TAGS,
)
def list_baselines(request: HttpRequest, project_id: Id) -> Any:
    """The project's baselines, newest first."""
    project = _project(request, project_id)
    return selectors.baselines(actor(request)).filter(project=project).order_by("-id")


@router.post(
    "/projects/{project_id}/baselines",
    response={201: BaselineOut, **WRITE_ERRORS},
    tags=TAGS,
)
def save_baseline(
    request: HttpRequest, response: HttpResponse, project_id: Id, payload: BaselineIn
) -> Any:
    """Save the current schedule as a baseline."""
    baseline = services.save_baseline(
        actor(request), _project(request, project_id), payload.dict().get("name") or ""
    )
    return created(request, response, baseline, f"/projects/{project_id}/baselines")


@router.get(
    "/projects/{project_id}/plan-vs-actual",
    response={200: PlanVsActualOut, **COMMON_ERRORS},
    tags=TAGS,
)
def plan_vs_actual(
    request: HttpRequest, project_id: Id, baseline: Id | None = None
) -> Any:
    """Each task's baseline dates against its schedule (newest baseline by default)."""
    found = selectors.plan_vs_actual(
        actor(request), _project(request, project_id), baseline
    )
    found["tasks"] = [
        {
            "task_id": row.task.pk,
            "name": row.task.name,
            "baseline_start": row.baseline_start,
            "baseline_finish": row.baseline_finish,
            "start": row.task.start,
            "finish": row.task.finish,
            "start_variance": row.start_variance,
            "finish_variance": row.finish_variance,
            "percent_complete": row.task.percent_complete,
            "is_critical": row.task.is_critical,
        }
        for row in found["tasks"]
    ]
    return found


@router.get(
    "/projects/{project_id}/margin",
    response={200: MarginOut, **COMMON_ERRORS},
    tags=TAGS,
)
def margin(request: HttpRequest, project_id: Id) -> Any:
    """Contract value, cost so far (time × rates) and the forecast at completion."""
    return selectors.margin(actor(request), _project(request, project_id))
