"""Project list and project detail pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rapport.core import permissions
from rapport.core.selectors import count_up_to
from rapport.projects import selectors
from rapport.projects.models import Phase, Project
from rapport.projects.views.common import (
    SignedInRequest,
    get_project,
    is_fragment,
    may_change,
    page,
    visible_projects,
)

# Why a reschedule ran, as a person would say it ("what moved" on the detail page).
TRIGGERS = {
    "task.moved": _("a task was moved on the chart"),
    "task.created": _("a task was added"),
    "task.updated": _("a task changed"),
    "task.deleted": _("a task was deleted"),
    "dependency.created": _("a dependency was added"),
    "dependency.updated": _("a dependency changed"),
    "dependency.deleted": _("a dependency was removed"),
    "assignment.created": _("a person was assigned"),
    "assignment.updated": _("an assignment changed"),
    "assignment.deleted": _("a person was taken off a task"),
    "leave.created": _("leave was recorded"),
    "leave.updated": _("leave changed"),
    "leave.deleted": _("leave was cancelled"),
    "calendar.updated": _("the calendar changed"),
    "resource.updated": _("a person's capacity changed"),
    "project.created": _("the project was created"),
    "project.updated": _("the project changed"),
    "deal.won": _("the deal was won"),
    "daily": _("the nightly run"),
    "manual": _("rescheduled by hand"),
}
PAGE_SIZE = 50
COUNT_CAP = 1000
SORTS = {
    "name": "name",
    "code": "code",
    "company": "company__name",
    "start": "start_date",
    "finish": "forecast_finish",
    "value": "contract_value",
    "updated": "updated_at",
}
COLUMNS = (
    (_("code"), "code"),
    (_("name"), "name"),
    (_("company"), "company"),
    (_("project manager"), ""),
    (_("status"), ""),
    (_("start"), "start"),
    (_("forecast finish"), "finish"),
    (_("contract value"), "value"),
)


def _filtered(request: SignedInRequest) -> tuple[QuerySet, dict[str, Any]]:
    """The visible projects with the search, filters and sort of the request."""
    queryset = visible_projects(request.user).select_related("company", "owner")
    q = " ".join(request.GET.get("q", "").split())[:200]
    for term in q.split():
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(code__icontains=term)
            | Q(company__name__icontains=term)
        )
    chosen: dict[str, str] = {}
    status = request.GET.get("status", "")
    if status in Project.Status.values:
        queryset = queryset.filter(status=status)
        chosen["status"] = status
    elif status == "open":
        queryset = queryset.filter(status__in=Project.OPEN_STATUSES)
        chosen["status"] = status
    for param in ("manager", "company"):
        value = request.GET.get(param, "")
        if value.isdigit():
            field = "owner_id" if param == "manager" else "company_id"
            queryset = queryset.filter(**{field: int(value)})
            chosen[param] = value
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") not in SORTS:
        sort = "-updated"
    field = SORTS[sort.removeprefix("-")]
    if sort.startswith("-"):
        queryset = queryset.order_by(f"-{field}", "-id")
    else:
        queryset = queryset.order_by(field, "id")
    return queryset, {"q": q, "chosen": chosen, "sort": sort}


def _filter_choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    """The managers and companies of the visible projects, for the filter menus."""
    visible = visible_projects(user).order_by()
    managers = (
        visible.values_list("owner_id", "owner__display_name", "owner__username")
        .distinct()
        .order_by("owner__username")[:200]
    )
    companies = (
        visible.values_list("company_id", "company__name")
        .distinct()
        .order_by("company__name")[:200]
    )
    statuses = [
        ("open", str(_("Open"))),
        *[(k, str(v)) for k, v in Project.Status.choices],
    ]
    return {
        "status": statuses,
        "manager": [(str(pk), display or name) for pk, display, name in managers],
        "company": [(str(pk), name) for pk, name in companies],
    }


@page
def project_list(request: SignedInRequest) -> HttpResponse:
    """Projects with search, filters and sorting; htmx gets only the table."""
    queryset, state = _filtered(request)
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])

    context = {
        **state,
        "rows": rows[:PAGE_SIZE],
        "has_next": len(rows) > PAGE_SIZE,
        "page_number": number,
        "matching": count_up_to(queryset, COUNT_CAP),
        "count_cap": COUNT_CAP,
        "columns": COLUMNS,
        "can_add": permissions.may(request.user, permissions.ADD, "projects.project"),
    }
    if is_fragment(request):
        return render(request, "projects/partials/list_body.html", context)
    choices = _filter_choices(request.user)
    context["filters"] = [
        ("status", _("status"), choices["status"]),
        ("manager", _("project manager"), choices["manager"]),
        ("company", _("company"), choices["company"]),
    ]
    return render(request, "projects/list.html", context)


def _schedule_table(user: Any, project: Project) -> tuple[list[Any], dict]:
    """Phases with their tasks, each task beside its latest baseline dates."""
    plan = selectors.plan_vs_actual(user, project)
    phases = list(Phase.objects.filter(project=project).order_by("position", "id"))
    groups: dict[int | None, list[Any]] = {p.pk: [] for p in phases}
    groups[None] = []
    for row in plan["tasks"]:
        groups.setdefault(row.task.phase_id, []).append(row)
    table: list[tuple[Phase | None, list[Any]]] = [(p, groups[p.pk]) for p in phases]
    if groups[None]:
        table.append((None, groups[None]))
    return table, plan


def _warnings(project: Project, table: list[tuple[Any, list[Any]]]) -> list[str]:
    """The schedule's warnings in words, plus years with unknown holidays."""
    from rapport.projects import gantt

    names = {row.task.pk: row.task.name for _phase, rows in table for row in rows}
    found = [
        gantt.warning_text(w, names)
        for w in project.schedule_warnings or []
        if isinstance(w, dict) and w.get("code") != "calendar_years_unknown"
    ]
    finish = project.forecast_finish or project.planned_finish or project.start_date
    years = gantt.work_calendar(project).unknown_years(project.start_date, finish)
    if years:
        found.append(gantt.unknown_years_text(years))
    return found


@page
def project_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """One project: fields, margin, schedule, baselines, what moved, warnings."""
    user = request.user
    project = get_project(user, pk)
    table, plan = _schedule_table(user, project)
    runs = list(
        selectors.reschedule_runs(user).filter(project=project).order_by("-id")[:5]
    )
    for run in runs:
        run.trigger_label = TRIGGERS.get(run.trigger, run.trigger)  # type: ignore[attr-defined]
    context = {
        "project": project,
        "table": table,
        "plan": plan,
        "baselines": list(selectors.baselines(user).filter(project=project)[:10]),
        "runs": runs,
        "snapshot": selectors.snapshots(user)
        .filter(project=project)
        .order_by("-date")
        .first(),
        "risk": getattr(project, "risk", None),
        "margin": selectors.margin(user, project),
        "warnings": _warnings(project, table),
        "can_change": may_change(user, project),
        "tab": "detail",
    }
    return render(request, "projects/detail.html", context)
