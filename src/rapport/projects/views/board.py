"""The task board of a project: a column per status, tasks as cards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import permissions
from rapport.core.errors import NotFound, PreconditionFailed, ValidationFailed
from rapport.projects import services
from rapport.projects.models import Assignment, Task
from rapport.projects.views.common import (
    STALE,
    SignedInRequest,
    error_text,
    get_project,
    page,
    version_of,
)

# Tasks shown per column; a project of thousands of tasks lists the rest elsewhere.
COLUMN_CAP = 200
ORDER = (
    Task.Status.TODO,
    Task.Status.IN_PROGRESS,
    Task.Status.BLOCKED,
    Task.Status.DONE,
)


def _can_move(user: Any, project: Any) -> bool:
    return permissions.may(user, permissions.CHANGE, "projects.task") and (
        permissions.in_scope(user, project)
    )


@page
def task_board(request: SignedInRequest, pk: int) -> HttpResponse:
    """The project's tasks by status; drag a card to change its status."""
    project = get_project(request.user, pk)
    tasks = (
        Task.objects.filter(project=project)
        .select_related("phase")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("user"))
        )
        .order_by("start", "position", "id")
    )
    columns: dict[str, list[Task]] = {status: [] for status in ORDER}
    for task in tasks:
        column = columns.setdefault(task.status, [])
        if len(column) < COLUMN_CAP:
            column.append(task)
    context = {
        "project": project,
        "columns": [(s, Task.Status(s).label, columns[s]) for s in ORDER],
        "statuses": [(s, Task.Status(s).label) for s in ORDER],
        "can_move": _can_move(request.user, project),
        "tab": "board",
    }
    return render(request, "projects/board.html", context)


@page
@require_POST
def task_status(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change a task's status from the board (JSON) or a card's form."""
    task = Task.objects.select_related("project").filter(pk=pk).first()
    if task is None:
        raise NotFound()
    project = get_project(request.user, task.project_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    status = request.POST.get("status", "")

    code, error = 200, ""
    try:
        services.update_task(
            request.user, task, {"status": status}, version_of(request)
        )
    except ValidationFailed as exc:
        code, error = 422, error_text(exc)
    except PreconditionFailed:
        code, error = 412, str(STALE)
    task.refresh_from_db()

    if wants_json:
        return JsonResponse(
            {
                "ok": not error,
                "error": error,
                "status": task.status,
                "version": task.version,
                "percent": task.percent_complete,
            },
            status=code,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Moved “%(task)s”.") % {"task": task})
    return redirect("projects:board", pk=project.pk)
