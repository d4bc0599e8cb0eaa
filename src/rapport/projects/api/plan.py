"""Tasks, the Gantt drag, dependencies, assignments and time entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query

from rapport.core.api import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Id,
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
from rapport.projects.models import Task
from rapport.projects.schemas import (
    AssignmentFilter,
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    DependencyFilter,
    DependencyIn,
    DependencyOut,
    DependencyPatch,
    MoveIn,
    RescheduleOut,
    TaskFilter,
    TaskIn,
    TaskOut,
    TaskPatch,
    TimeEntryFilter,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPatch,
)

TASKS = ["tasks"]


def _task(request: HttpRequest, pk: int) -> Task:
    return selectors.get(selectors.tasks(actor(request)), pk)  # type: ignore[no-any-return]


@router.get("/tasks", response={200: Page[TaskOut], **COMMON_ERRORS}, tags=TASKS)
def list_tasks(
    request: HttpRequest, response: HttpResponse, query: Query[TaskFilter]
) -> Any:
    """Tasks of the projects the caller may see, with their computed schedule."""
    rows = exact(
        selectors.tasks(actor(request)),
        project_id=query.project,
        phase_id=query.phase,
        status=query.status,
        is_critical=query.critical,
        assignments__user_id=query.assignee,
    )
    for term in (query.q or "").split():
        rows = rows.filter(name__icontains=term)
    return paginate(request, response, rows, query)


@router.post(
    "/projects/{project_id}/tasks", response={201: TaskOut, **WRITE_ERRORS}, tags=TASKS
)
def create_task(
    request: HttpRequest, response: HttpResponse, project_id: Id, payload: TaskIn
) -> Any:
    """Add a task to the project; the project is rescheduled in the worker."""
    project = selectors.project(actor(request), project_id)
    task = services.create_task(actor(request), project, fields(payload))
    return created(request, response, _task(request, task.pk), "/tasks")


@router.get("/tasks/{task_id}", response={200: TaskOut, **COMMON_ERRORS}, tags=TASKS)
def get_task(request: HttpRequest, response: HttpResponse, task_id: Id) -> Any:
    """One task with its schedule."""
    return one(response, _task(request, task_id))


@router.patch("/tasks/{task_id}", response={200: TaskOut, **WRITE_ERRORS}, tags=TASKS)
def update_task(
    request: HttpRequest, response: HttpResponse, task_id: Id, payload: TaskPatch
) -> Any:
    """Change the fields sent; the project is rescheduled in the worker."""
    task = _task(request, task_id)
    services.update_task(
        actor(request), task, fields(payload), expected_version(request, task)
    )
    return one(response, _task(request, task_id))


@router.delete("/tasks/{task_id}", response=DELETED, tags=TASKS)
def delete_task(request: HttpRequest, task_id: Id) -> HttpResponse:
    """Delete a task with its links, assignments and time entries."""
    task = _task(request, task_id)
    services.delete_task(actor(request), task, expected_version(request, task))
    return deleted()


@router.post(
    "/tasks/{task_id}/move", response={200: RescheduleOut, **WRITE_ERRORS}, tags=TASKS
)
def move_task(
    request: HttpRequest, response: HttpResponse, task_id: Id, payload: MoveIn
) -> Any:
    """Move or stretch a task (a Gantt drag); reschedule now and return what moved."""
    task = _task(request, task_id)
    run = services.move_task(
        actor(request),
        task,
        start=payload.start,
        duration=payload.duration,
        expected_version=expected_version(request, task),
    )
    with_task = _task(request, task_id)
    response["ETag"] = with_task.etag
    return run


# --- Dependencies --------------------------------------------------------------------

LINKS = ["dependencies"]


def _link(request: HttpRequest, pk: int) -> Any:
    return selectors.get(selectors.dependencies(actor(request)), pk)


@router.get(
    "/dependencies", response={200: Page[DependencyOut], **COMMON_ERRORS}, tags=LINKS
)
def list_dependencies(
    request: HttpRequest, response: HttpResponse, query: Query[DependencyFilter]
) -> Any:
    """Dependencies of the projects the caller may see."""
    rows = exact(selectors.dependencies(actor(request)), project_id=query.project)
    if query.task is not None:
        rows = rows.filter(predecessor_id=query.task) | rows.filter(
            successor_id=query.task
        )
    return paginate(request, response, rows, query)


@router.post(
    "/projects/{project_id}/dependencies",
    response={201: DependencyOut, **WRITE_ERRORS},
    tags=LINKS,
)
def create_dependency(
    request: HttpRequest, response: HttpResponse, project_id: Id, payload: DependencyIn
) -> Any:
    """Make a task wait on another; a loop is refused with its tasks named."""
    project = selectors.project(actor(request), project_id)
    link = services.create_dependency(actor(request), project, fields(payload))
    return created(request, response, link, "/dependencies")


@router.patch(
    "/dependencies/{dependency_id}",
    response={200: DependencyOut, **WRITE_ERRORS},
    tags=LINKS,
)
def update_dependency(
    request: HttpRequest,
    response: HttpResponse,
    dependency_id: Id,
    payload: DependencyPatch,
) -> Any:
    """Change a dependency's tasks, type or lag."""
    link = _link(request, dependency_id)
    services.update_dependency(
        actor(request), link, fields(payload), expected_version(request, link)
    )
    return one(response, link)


@router.delete("/dependencies/{dependency_id}", response=DELETED, tags=LINKS)
def delete_dependency(request: HttpRequest, dependency_id: Id) -> HttpResponse:
    """Remove a dependency."""
    link = _link(request, dependency_id)
    services.delete_dependency(actor(request), link, expected_version(request, link))
    return deleted()


# --- Assignments ---------------------------------------------------------------------

PEOPLE = ["assignments"]


def _assignment(request: HttpRequest, pk: int) -> Any:
    return selectors.get(selectors.assignments(actor(request)), pk)


@router.get(
    "/assignments", response={200: Page[AssignmentOut], **COMMON_ERRORS}, tags=PEOPLE
)
def list_assignments(
    request: HttpRequest, response: HttpResponse, query: Query[AssignmentFilter]
) -> Any:
    """Who works on which task, in the projects the caller may see."""
    rows = exact(
        selectors.assignments(actor(request)),
        task__project_id=query.project,
        task_id=query.task,
        user_id=query.user,
    )
    return paginate(request, response, rows, query)


@router.post(
    "/tasks/{task_id}/assignments",
    response={201: AssignmentOut, **WRITE_ERRORS},
    tags=PEOPLE,
)
def create_assignment(
    request: HttpRequest, response: HttpResponse, task_id: Id, payload: AssignmentIn
) -> Any:
    """Put a person on the task for a share of their time."""
    assignment = services.create_assignment(
        actor(request), _task(request, task_id), fields(payload)
    )
    return created(request, response, assignment, "/assignments")


@router.patch(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, **WRITE_ERRORS},
    tags=PEOPLE,
)
def update_assignment(
    request: HttpRequest,
    response: HttpResponse,
    assignment_id: Id,
    payload: AssignmentPatch,
) -> Any:
    """Change the share of time."""
    assignment = _assignment(request, assignment_id)
    services.update_assignment(
        actor(request),
        assignment,
        fields(payload),
        expected_version(request, assignment),
    )
    return one(response, assignment)


@router.delete("/assignments/{assignment_id}", response=DELETED, tags=PEOPLE)
def delete_assignment(request: HttpRequest, assignment_id: Id) -> HttpResponse:
    """Take a person off a task."""
    assignment = _assignment(request, assignment_id)
    services.delete_assignment(
        actor(request), assignment, expected_version(request, assignment)
    )
    return deleted()


# --- Time entries --------------------------------------------------------------------

TIME = ["time entries"]


def _entry(request: HttpRequest, pk: int) -> Any:
    return selectors.get(selectors.time_entries(actor(request)), pk)


@router.get(
    "/time-entries", response={200: Page[TimeEntryOut], **COMMON_ERRORS}, tags=TIME
)
def list_time_entries(
    request: HttpRequest, response: HttpResponse, query: Query[TimeEntryFilter]
) -> Any:
    """Hours spent on the projects the caller may see."""
    rows = exact(
        selectors.time_entries(actor(request)),
        task__project_id=query.project,
        task_id=query.task,
        user_id=query.user,
        date__gte=query.date_from,
        date__lte=query.date_to,
    )
    return paginate(request, response, rows, query)


@router.post(
    "/tasks/{task_id}/time-entries",
    response={201: TimeEntryOut, **WRITE_ERRORS},
    tags=TIME,
)
def create_time_entry(
    request: HttpRequest, response: HttpResponse, task_id: Id, payload: TimeEntryIn
) -> Any:
    """Log hours on the task, at the person's current cost rate."""
    entry = services.create_time_entry(
        actor(request), _task(request, task_id), fields(payload)
    )
    return created(request, response, entry, "/time-entries")


@router.patch(
    "/time-entries/{entry_id}", response={200: TimeEntryOut, **WRITE_ERRORS}, tags=TIME
)
def update_time_entry(
    request: HttpRequest, response: HttpResponse, entry_id: Id, payload: TimeEntryPatch
) -> Any:
    """Correct the date, hours or note."""
    entry = _entry(request, entry_id)
    services.update_time_entry(
        actor(request), entry, fields(payload), expected_version(request, entry)
    )
    return one(response, entry)


@router.delete("/time-entries/{entry_id}", response=DELETED, tags=TIME)
def delete_time_entry(request: HttpRequest, entry_id: Id) -> HttpResponse:
    """Delete a time entry."""
    entry = _entry(request, entry_id)
    services.delete_time_entry(actor(request), entry, expected_version(request, entry))
    return deleted()
