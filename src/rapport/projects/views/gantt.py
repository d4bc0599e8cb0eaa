"""The Gantt chart: its page, its JSON, and moving a task by drag or by form."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import permissions
from rapport.core.errors import NotFound, PreconditionFailed, ValidationFailed
from rapport.projects import gantt, services
from rapport.projects.models import Task
from rapport.projects.views.common import (
    STALE,
    SignedInRequest,
    error_text,
    get_project,
    page,
    version_of,
)

logger = logging.getLogger(__name__)

ZOOMS = ("day", "week", "month")


def _can_move(user: Any, project: Any) -> bool:
    return permissions.may(user, permissions.CHANGE, "projects.task") and (
        permissions.in_scope(user, project)
    )


@page
def gantt_page(request: SignedInRequest, pk: int) -> HttpResponse:
    """The chart's frame; gantt.js fills it from `gantt_data`."""
    project = get_project(request.user, pk)
    zoom = request.GET.get("zoom", "week")
    tasks = list(
        Task.objects.filter(project=project)
        .order_by("position", "id")
        .only("id", "name", "start", "duration_days", "version")
    )
    context = {
        "project": project,
        "tasks": tasks,
        "zoom": zoom if zoom in ZOOMS else "week",
        "zooms": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
        "can_move": _can_move(request.user, project),
        # What gantt.js says after a move; %(name)s parts are filled in by it.
        "texts": {
            "moved": _("%(count)s tasks moved."),
            "finish": _("The finish moved from %(old)s to %(new)s."),
            "failed": _("The chart could not be updated; reload the page."),
            "chart": _("Gantt chart of %(count)s tasks"),
            "unknown": _(
                "China's public holidays for %(years)s are not published yet; "
                "those years assume a plain working week."
            ),
        },
    }
    return render(request, "projects/gantt.html", context)


@page
def gantt_data(request: SignedInRequest, pk: int) -> JsonResponse:
    """The chart of one project as JSON (see projects/gantt.py)."""
    project = get_project(request.user, pk)
    payload = gantt.build(project, can_move=_can_move(request.user, project))
    return JsonResponse(payload)


def _parse_move(request: SignedInRequest) -> tuple[date | None, int | None, dict]:
    """The new start and duration sent by the chart or the form, or field errors."""
    errors: dict[str, list[str]] = {}
    start = duration = None
    raw_start = request.POST.get("start", "").strip()
    raw_duration = request.POST.get("duration", "").strip()
    if raw_start:
        try:
            start = date.fromisoformat(raw_start)
        except ValueError:
            errors["start"] = [_("Enter a date as YYYY-MM-DD.")]
    if raw_duration:
        try:
            duration = int(raw_duration)
        except ValueError:
            errors["duration"] = [_("Enter a whole number of working days.")]
    if start is None and duration is None and not errors:
        errors["start"] = [_("Give a new start or a new duration.")]
    return start, duration, errors


@page
@require_POST
def gantt_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """Move or stretch one task; the project is rescheduled and the moves returned."""
    project = get_project(request.user, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        task = Task.objects.get(project=project, pk=int(request.POST.get("task", "")))
    except (ValueError, Task.DoesNotExist):
        raise NotFound() from None
    start, duration, errors = _parse_move(request)

    status, error, moves = 200, "", []
    if errors:
        status, error = 422, error_text(ValidationFailed(errors))
    else:
        try:
            run = services.move_task(
                request.user,
                task,
                start=start,
                duration=duration,
                expected_version=version_of(request),
            )
        except ValidationFailed as exc:
            status, error = 422, error_text(exc)
        except PreconditionFailed:
            status, error = 412, str(STALE)
        else:
            if run.status == run.Status.FAILED:
                status, error = 422, run.error
            moves = [_move_json(m) for m in run.moves.all()]
            logger.info(
                "task %s moved on the chart, %s tasks moved", task.pk, len(moves)
            )

    if not wants_json:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("Rescheduled: %(count)s tasks moved.") % {"count": len(moves)},
            )
        return redirect("projects:gantt", pk=project.pk)
    project.refresh_from_db()
    can_move = _can_move(request.user, project)
    return JsonResponse(
        {
            "ok": not error,
            "error": error,
            "moves": moves,
            "gantt": gantt.build(project, can_move=can_move),
        },
        status=status,
    )


def _move_json(move: Any) -> dict[str, Any]:
    """One moved task as the chart wants it, from the service's move record."""
    task_id = getattr(move, "task_id", None)

    def text(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "task": task_id,
        "old_start": text(move.old_start),
        "new_start": text(move.new_start),
        "old_finish": text(move.old_finish),
        "new_finish": text(move.new_finish),
    }
