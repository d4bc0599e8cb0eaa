"""The Gantt chart's data: a project's phases, tasks, dependencies and calendar as JSON.

`static/projects/gantt.js` draws the chart from this payload, and redraws it from
the same payload after a task is moved. Everything is read in a fixed handful of
queries whatever the size of the project; the payload holds only what the chart
draws (dates as ISO strings, slack in working days).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.projects.calendars import project_calendar
from rapport.projects.models import Baseline, BaselineTask, Dependency, Phase, Task

if TYPE_CHECKING:
    from rapport.projects.models import Project
    from rapport.scheduling import WorkCalendar

# Days shown before the first and after the last bar.
LEAD_DAYS = 7
TRAIL_DAYS = 21
TASK_FIELDS = (
    "id",
    "phase_id",
    "name",
    "position",
    "duration_days",
    "percent_complete",
    "status",
    "scheduling",
    "pinned_start",
    "constraint",
    "constraint_date",
    "is_milestone",
    "start",
    "finish",
    "total_slack",
    "free_slack",
    "is_critical",
    "version",
)


def work_calendar(project: Project) -> WorkCalendar:
    """The working days the project's tasks follow (its calendar, else the default)."""
    return project_calendar(project)


def warning_text(warning: dict[str, Any], names: dict[int, str]) -> str:
    """A stored schedule warning said in the reader's language, naming the tasks."""
    task = names.get(warning.get("task_id") or 0, "")
    code = warning.get("code")
    if code == "dependency_violated":
        return _(
            "“%(task)s” is pinned before its predecessor “%(predecessor)s” "
            "allows; it could start on %(date)s."
        ) % {
            "task": task,
            "predecessor": names.get(warning.get("predecessor_id") or 0, "?"),
            "date": warning.get("required") or "?",
        }
    if code == "constraint_violated":
        return _("“%(task)s” cannot finish by its deadline (%(date)s).") % {
            "task": task,
            "date": warning.get("required") or "?",
        }
    if code == "calendar_years_unknown":
        return unknown_years_text(warning.get("years") or [])
    return str(warning.get("detail") or code or "")


def unknown_years_text(years: list[int]) -> str:
    return _(
        "China's public holidays for %(years)s are not published yet; "
        "those years assume a plain working week."
    ) % {"years": ", ".join(str(y) for y in years)}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _task_row(task: Task, fallback: date, base: BaselineTask | None) -> dict[str, Any]:
    start = task.start or fallback
    return {
        "kind": "task",
        "id": task.pk,
        "name": task.name,
        "phase": task.phase_id,
        "start": start.isoformat(),
        "finish": (task.finish or start).isoformat(),
        "scheduled": task.start is not None,
        "duration": task.duration_days,
        "milestone": task.is_milestone or task.duration_days == 0,
        "critical": task.is_critical,
        "slack": task.total_slack,
        "free_slack": task.free_slack,
        "percent": task.percent_complete,
        "status": task.status,
        "manual": task.scheduling == Task.Scheduling.MANUAL,
        "pinned": _iso(task.pinned_start),
        "snet": _iso(task.constraint_date)
        if task.constraint == Task.Constraint.SNET
        else None,
        "baseline_start": _iso(base.start) if base else None,
        "baseline_finish": _iso(base.finish) if base else None,
        "version": task.version,
    }


def _phase_row(phase: Phase | None, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    starts = [t["start"] for t in tasks]
    finishes = [t["finish"] for t in tasks]
    return {
        "kind": "phase",
        "id": phase.pk if phase else None,
        "name": phase.name if phase else _("Other tasks"),
        "start": min(starts) if starts else None,
        "finish": max(finishes) if finishes else None,
    }


def latest_baseline(project: Project) -> Baseline | None:
    """The baseline the chart compares against: the one saved last."""
    return Baseline.objects.filter(project=project).order_by("-id").first()


def build(project: Project, *, can_move: bool, today: date | None = None) -> dict:
    """The whole chart of one project, ready for `JsonResponse`."""
    today = today or timezone.localdate()
    phases = list(Phase.objects.filter(project=project).order_by("position", "id"))
    tasks = list(
        Task.objects.filter(project=project)
        .order_by("position", "id")
        .only(*TASK_FIELDS)
    )
    dependencies = list(
        Dependency.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "type", "lag"
        )
    )
    baseline = latest_baseline(project)
    base_rows: dict[int, BaselineTask] = {}
    if baseline is not None:
        base_rows = {
            b.task_id: b for b in BaselineTask.objects.filter(baseline=baseline)
        }

    names = {task.pk: task.name for task in tasks}
    warned = {
        w["task_id"]: warning_text(w, names)
        for w in project.schedule_warnings or []
        if isinstance(w, dict) and w.get("task_id")
    }
    by_phase: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    critical: dict[int, bool] = {}
    for task in tasks:
        row = _task_row(task, project.start_date, base_rows.get(task.pk))
        row["warning"] = warned.get(task.pk, "")
        by_phase[task.phase_id].append(row)
        critical[task.pk] = task.is_critical
    rows: list[dict[str, Any]] = []
    for phase in [*phases, None]:
        members = by_phase.get(phase.pk if phase else None, [])
        if phase is None and not members:
            continue
        rows.append(_phase_row(phase, members))
        rows.extend(members)

    first, last = _span(project, rows, baseline)
    calendar = work_calendar(project)
    return {
        "project": {
            "id": project.pk,
            "name": str(project),
            "start": _iso(project.start_date),
            "finish": _iso(project.forecast_finish or project.planned_finish),
            "baseline_finish": _iso(baseline.finish) if baseline else None,
            "baseline_name": baseline.name if baseline else None,
            "today": today.isoformat(),
        },
        "range": {"from": first.isoformat(), "to": last.isoformat()},
        "calendar": _calendar_exceptions(calendar, first, last),
        "rows": rows,
        "deps": [
            {
                "from": pred,
                "to": succ,
                "type": kind,
                "lag": lag,
                "critical": critical.get(pred, False) and critical.get(succ, False),
            }
            for pred, succ, kind, lag in dependencies
        ],
        "critical_path_days": project.critical_path_days,
        "can_move": can_move,
    }


def _span(
    project: Project, rows: list[dict[str, Any]], baseline: Baseline | None
) -> tuple[date, date]:
    """The dates the chart shows: every bar and baseline bar, with a margin."""
    starts = [project.start_date]
    finishes = [project.start_date]
    for row in rows:
        if row["kind"] != "task":
            continue
        starts.append(date.fromisoformat(row["start"]))
        finishes.append(date.fromisoformat(row["finish"]))
        if row["baseline_start"]:
            starts.append(date.fromisoformat(row["baseline_start"]))
            finishes.append(date.fromisoformat(row["baseline_finish"]))
    if baseline is not None and baseline.finish:
        finishes.append(baseline.finish)
    return min(starts) - timedelta(days=LEAD_DAYS), max(finishes) + timedelta(
        days=TRAIL_DAYS
    )


def _calendar_exceptions(
    calendar: WorkCalendar, first: date, last: date
) -> dict[str, Any]:
    """The weekend, plus the dates in the range that break the weekly rule."""
    holidays: list[str] = []
    workdays: list[str] = []
    day = first
    while day <= last:
        working = calendar.is_workday(day)
        if day.weekday() in calendar.weekend:
            if working:
                workdays.append(day.isoformat())
        elif not working:
            holidays.append(day.isoformat())
        day += timedelta(days=1)
    return {
        "weekend": sorted(calendar.weekend),
        "holidays": holidays,
        "workdays": workdays,
        "unknown_years": calendar.unknown_years(first, last),
    }
