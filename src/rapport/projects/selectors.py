"""Projects reads: scoped lists and records, schedules, load, risk, plan against actual.

Every function that takes a user returns only what that user's data scope
allows. Records inside a project (tasks, phases, baselines ...) are in scope
when their project is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, QuerySet, Sum
from django.utils import timezone

from rapport.core import permissions
from rapport.core.errors import NotFound
from rapport.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Calendar,
    Dependency,
    Leave,
    Phase,
    ProgressSnapshot,
    Project,
    ProjectTemplate,
    RescheduleRun,
    ResourceProfile,
    ScheduleRisk,
    Skill,
    Task,
    TaskMove,
    TimeEntry,
)

if TYPE_CHECKING:
    from django.db import models

PROJECT_SCOPE = {"owner_field": "project__owner", "team_field": "project__team"}


def _inside(user: Any, queryset: QuerySet[Any], path: str = "project") -> QuerySet[Any]:
    """Rows of a kind that lives in projects, kept to the user's visible projects."""
    if not permissions.may(user, permissions.VIEW, permissions.kind_of(queryset.model)):
        return queryset.none()
    if not permissions.may(user, permissions.VIEW, "projects.project"):
        return queryset.none()
    return queryset.filter(
        permissions.scope_filter(
            user, owner_field=f"{path}__owner", team_field=f"{path}__team"
        )
    )


def _people(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Rows about people (leave, profiles), kept to the people in the user's scope."""
    if not permissions.may(user, permissions.VIEW, permissions.kind_of(queryset.model)):
        return queryset.none()
    if user.data_scope == permissions.Scope.ALL:
        return queryset
    if user.data_scope == permissions.Scope.TEAM and user.team_id is not None:
        return queryset.filter(user__team_id=user.team_id)
    return queryset.filter(user_id=user.pk)


def get(queryset: QuerySet[Any], pk: Any) -> Any:
    """One record of an already scoped queryset, or NotFound."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- Projects and their parts ---------------------------------------------------------


def projects(user: Any) -> QuerySet[Project]:
    """Projects the user may see, with what a list row shows (one query)."""
    return permissions.visible(
        user,
        Project.objects.select_related(
            "owner", "team", "company", "deal", "calendar", "risk"
        ),
    )


def project(user: Any, pk: Any) -> Project:
    """One project with its company, deal, calendar, template and risk."""
    return get(projects(user).select_related("template"), pk)  # type: ignore[no-any-return]


def open_projects(user: Any) -> QuerySet[Project]:
    return projects(user).filter(status__in=Project.OPEN_STATUSES)


def open_projects_of_company(user: Any, company_id: int) -> QuerySet[Project]:
    """A customer's open projects the user may see (with their project managers)."""
    return open_projects(user).filter(company_id=company_id).order_by("id")


def phases(user: Any) -> QuerySet[Phase]:
    return _inside(user, Phase.objects.select_related("project"))


def tasks(user: Any) -> QuerySet[Task]:
    return _inside(
        user, Task.objects.select_related("project", "phase", "required_skill")
    )


def dependencies(user: Any) -> QuerySet[Dependency]:
    return _inside(
        user, Dependency.objects.select_related("project", "predecessor", "successor")
    )


def assignments(user: Any) -> QuerySet[Assignment]:
    return _inside(
        user,
        Assignment.objects.select_related("task", "task__project", "user"),
        path="task__project",
    )


def time_entries(user: Any) -> QuerySet[TimeEntry]:
    return _inside(
        user,
        TimeEntry.objects.select_related("task", "task__project", "user"),
        path="task__project",
    )


def baselines(user: Any) -> QuerySet[Baseline]:
    return _inside(user, Baseline.objects.select_related("project", "saved_by"))


def snapshots(user: Any) -> QuerySet[ProgressSnapshot]:
    return _inside(user, ProgressSnapshot.objects.all())


def reschedule_runs(user: Any) -> QuerySet[RescheduleRun]:
    return _inside(
        user,
        RescheduleRun.objects.select_related("requested_by").prefetch_related(
            Prefetch("moves", queryset=TaskMove.objects.select_related("task"))
        ),
    )


def risks(user: Any) -> QuerySet[ScheduleRisk]:
    """Schedule risks of open projects the user may see, riskiest first."""
    return _inside(
        user,
        ScheduleRisk.objects.select_related(
            "project", "project__company", "project__owner"
        ).filter(project__status__in=Project.OPEN_STATUSES),
    ).order_by("-score", "id")


def calendars(user: Any) -> QuerySet[Calendar]:
    return permissions.visible(user, Calendar.objects.prefetch_related("days"))


def skills(user: Any) -> QuerySet[Skill]:
    return permissions.visible(user, Skill.objects.all())


def templates(user: Any) -> QuerySet[ProjectTemplate]:
    return permissions.visible(user, ProjectTemplate.objects.filter(is_active=True))


def resource_profiles(user: Any) -> QuerySet[ResourceProfile]:
    return _people(
        user,
        ResourceProfile.objects.select_related("user", "calendar").prefetch_related(
            "skills"
        ),
    )


def leaves(user: Any) -> QuerySet[Leave]:
    return _people(user, Leave.objects.select_related("user"))


def schedule(user: Any, project_: Project) -> list[Task]:
    """A project's tasks in plan order with their schedule, assignees and links.

    Three queries whatever the size: the tasks, their assignments with the
    people, and their predecessor links.
    """
    rows = (
        tasks(user)
        .filter(project=project_)
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("user")),
            Prefetch("predecessor_links", queryset=Dependency.objects.order_by("id")),
        )
        .order_by("position", "id")
    )
    return list(rows)


def latest_moves(user: Any, project_: Project) -> RescheduleRun | None:
    """The project's last reschedule with the tasks it moved."""
    return reschedule_runs(user).filter(project=project_).order_by("-id").first()


# --- Plan against actual, margin ------------------------------------------------------


@dataclass
class TaskVariance:
    """One task's baseline dates against its current ones, in calendar days."""

    task: Task
    baseline_start: date | None
    baseline_finish: date | None
    start_variance: int | None
    finish_variance: int | None


def plan_vs_actual(
    user: Any, project_: Project, baseline_id: int | None = None
) -> dict[str, Any]:
    """Every task's baseline against its schedule, and the project's (3 queries)."""
    chosen = baselines(user).filter(project=project_)
    chosen = chosen.filter(pk=baseline_id) if baseline_id else chosen.order_by("-id")
    baseline = chosen.first()
    if baseline_id and baseline is None:
        raise NotFound()
    rows = {}
    if baseline is not None:
        rows = {b.task_id: b for b in BaselineTask.objects.filter(baseline=baseline)}
    out = []
    for task in tasks(user).filter(project=project_).order_by("position", "id"):
        b = rows.get(task.pk)
        out.append(
            TaskVariance(
                task=task,
                baseline_start=b.start if b else None,
                baseline_finish=b.finish if b else None,
                start_variance=_days(b.start if b else None, task.start),
                finish_variance=_days(b.finish if b else None, task.finish),
            )
        )
    return {
        "baseline": baseline,
        "tasks": out,
        "baseline_finish": baseline.finish if baseline else None,
        "forecast_finish": project_.forecast_finish,
        "finish_variance": _days(
            baseline.finish if baseline else None, project_.forecast_finish
        ),
    }


def _days(before: date | None, after: date | None) -> int | None:
    if before is None or after is None:
        return None
    return (after - before).days


def project_margin(project_: Project) -> dict[str, Any]:
    """Contract value, cost so far, forecast cost and margin at completion."""
    spent = TimeEntry.objects.filter(task__project=project_).aggregate(
        cost=Sum(F("hours") * F("cost_rate")), hours=Sum("hours")
    )
    cost = Decimal(spent["cost"] or 0)
    hours = Decimal(spent["hours"] or 0)
    remaining_hours = Decimal(0)
    for estimated, percent in Task.objects.filter(project=project_).values_list(
        "estimated_hours", "percent_complete"
    ):
        remaining_hours += Decimal(estimated) * (100 - percent) / 100
    if hours > 0:
        rate = cost / hours
    else:
        rate = Decimal(
            ResourceProfile.objects.filter(
                user__task_assignments__task__project=project_
            ).aggregate(rate=Sum("cost_rate"))["rate"]
            or 0
        ) / max(
            1,
            Assignment.objects.filter(task__project=project_)
            .values("user_id")
            .distinct()
            .count(),
        )
    forecast_cost = cost + remaining_hours * rate
    value = Decimal(project_.contract_value)
    margin = value - forecast_cost
    return {
        "contract_value": value,
        "currency": project_.currency,
        "cost_to_date": cost.quantize(Decimal("0.01")),
        "hours_to_date": hours,
        "remaining_hours": remaining_hours.quantize(Decimal("0.01")),
        "forecast_cost": forecast_cost.quantize(Decimal("0.01")),
        "forecast_margin": margin.quantize(Decimal("0.01")),
        "forecast_margin_pct": float(margin / value * 100) if value else None,
    }


def margin(user: Any, project_: Project) -> dict[str, Any]:
    """The project's margin, for a user who may see the project."""
    permissions.check(user, permissions.VIEW, project_)
    return project_margin(project_)


# --- Load and utilisation ------------------------------------------------------------


def utilisation(
    user: Any, start: date | None = None, weeks: int = 8, team_id: int | None = None
) -> dict[str, Any]:
    """Booked and available hours per person and ISO week, for people in scope.

    Returns the weeks (Mondays), and for each person the hours and the ratio
    of each week, plus the over-allocations with concrete fixes.
    """
    from rapport.projects import workload

    start = workload.monday(start or timezone.localdate())
    end = start + timedelta(days=7 * weeks - 1)
    people = (
        list(resource_profiles(user).values_list("user_id", flat=True))
        if permissions.may(user, permissions.VIEW, "projects.resourceprofile")
        else []
    )
    if team_id is not None:
        people = list(
            ResourceProfile.objects.filter(
                user_id__in=people, user__team_id=team_id
            ).values_list("user_id", flat=True)
        )
    data = workload.build(start, end, people=people)
    load = data.load()
    week_list = [start + timedelta(days=7 * k) for k in range(weeks)]
    rows = []
    for person in sorted(people, key=lambda p: data.names.get(p, "")):
        by_week = load.get(person, {})
        cells = []
        for week in week_list:
            booked, capacity = by_week.get(week, (0.0, 0.0))
            cells.append(
                {
                    "week": week,
                    "booked": round(booked, 1),
                    "capacity": round(capacity, 1),
                    "ratio": round(booked / capacity, 3) if capacity else None,
                }
            )
        rows.append(
            {"person_id": person, "name": data.names.get(person, ""), "weeks": cells}
        )
    return {
        "weeks": week_list,
        "people": rows,
        "overallocations": overallocations(data, people),
    }


def overallocations(data: Any, people: Sequence[int]) -> list[dict[str, Any]]:
    """Every over-booked person-week in the window, each with named fixes."""
    from rapport.scheduling import (
        overallocations as find,
    )
    from rapport.scheduling import (
        spare_capacity,
        suggest_fixes,
    )

    load = data.load()
    free = spare_capacity(load)
    found = []
    wanted = set(people)
    for over in find(data.bookings, data.result, data.calendars, data.capacity):
        if (
            over.person_id not in wanted
            or not data.start <= over.week + timedelta(days=6)
            or over.week > data.end
        ):
            continue
        fixes = suggest_fixes(
            over, data.result, data.bookings, data.skills, data.task_skill, free
        )
        found.append(
            {
                "person_id": over.person_id,
                "person": data.names.get(over.person_id, ""),
                "week": over.week,
                "booked": round(over.booked, 1),
                "capacity": round(over.capacity, 1),
                "tasks": [
                    {
                        "id": t,
                        "name": data.task_names.get(t, ""),
                        "project_id": data.task_project.get(t),
                    }
                    for t in over.task_ids
                ],
                "fixes": [
                    {
                        "kind": fix.kind,
                        "task_id": fix.task_id,
                        "task": data.task_names.get(fix.task_id, ""),
                        "new_start": fix.new_start,
                        "days": fix.days,
                        "to_person_id": fix.to_person,
                        "to_person": data.names.get(fix.to_person, "")
                        if fix.to_person
                        else "",
                        "hours": round(fix.hours, 1),
                    }
                    for fix in fixes[:3]
                ],
            }
        )
    return found


def project_peak_load(project_: Project, on: date) -> float:
    """The highest booked/available ratio of the project's people in `on`'s week."""
    from rapport.projects import workload

    people = list(
        Assignment.objects.filter(task__project=project_)
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not people:
        return 0.0
    week = workload.monday(on)
    data = workload.build(week, week + timedelta(days=6), people=people)
    ratios = [
        booked / capacity
        for weeks in data.load().values()
        for (booked, capacity) in weeks.values()
        if capacity
    ]
    return max(ratios, default=0.0)


# --- Delay estimate and remedy -------------------------------------------------------


@dataclass
class DelayEstimate:
    """How many working days late a project is expected to finish, and why."""

    days: float
    estimator: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


DelayEstimator = Callable[[Project, list[ProgressSnapshot]], DelayEstimate | None]
# Later entries are asked first; the first answer wins. The delay model of the
# intelligence app adds itself with `register_delay_estimator` at start-up.
delay_estimators: list[tuple[str, DelayEstimator]] = []


def register_delay_estimator(name: str, estimator: DelayEstimator) -> None:
    """Add (or replace) a delay estimator; it is asked before those already there."""
    global delay_estimators
    delay_estimators = [(n, e) for n, e in delay_estimators if n != name]
    delay_estimators.append((name, estimator))


def schedule_variance_estimate(
    project_: Project, history: list[ProgressSnapshot]
) -> DelayEstimate:
    """Until a model is trained: the forecast's slip, or the pace's if worse."""
    latest = history[-1] if history else None
    slip = float(latest.schedule_variance_days) if latest else 0.0
    reasons = [{"factor": "schedule_variance_days", "value": slip}]
    pace = 0.0
    # Early in a project the pace says little; a very low SPI is capped so one
    # slow first week does not project a delay of months.
    if (
        latest
        and latest.spi
        and 0 < latest.spi < 1
        and latest.percent_complete >= 10
        and latest.critical_path_days
    ):
        remaining = latest.critical_path_days * (1 - latest.percent_complete / 100)
        pace = remaining * (1 / max(latest.spi, 0.5) - 1)
        reasons.append({"factor": "spi", "value": latest.spi})
    return DelayEstimate(
        days=max(slip, pace), estimator="schedule_variance", reasons=reasons
    )


def estimate_delay(project_: Project, history: list[ProgressSnapshot]) -> DelayEstimate:
    """The expected delay from the newest estimator that answers."""
    for _name, estimator in reversed(delay_estimators):
        found = estimator(project_, history)
        if found is not None:
            return found
    return schedule_variance_estimate(project_, history)


def risk_suggestion(project_: Project, on: date | None = None) -> dict[str, Any]:
    """Add a named person with the skill and free time to named critical tasks.

    When nobody with the skill has time in the weeks of those tasks, raise
    the critical tasks' priority instead.
    """
    from rapport.projects import workload

    today = on or timezone.localdate()
    unfinished = (
        Task.objects.filter(project=project_, is_critical=True, duration_days__gt=0)
        .exclude(status=Task.Status.DONE)
        .select_related("required_skill")
        .order_by("start", "id")
    )
    critical = list(unfinished.filter(finish__gte=today)[:3])
    if not critical:
        # Every critical task should be over by now: the late project is waiting
        # on the overdue ones, so they are the ones to staff or push.
        critical = list(
            unfinished.filter(finish__lt=today, percent_complete__lt=100)[:3]
        )
    if not critical:
        return {}
    named = [{"id": t.pk, "name": t.name} for t in critical]
    first = critical[0]
    skill = first.required_skill
    if skill is not None and first.start and first.finish:
        start = max(first.start, today)
        data = workload.build(start, max(first.finish, start))
        load = data.load()
        on_task = set(first.assignments.values_list("user_id", flat=True))
        best = None
        for person, codes in data.skills.items():
            if skill.code not in codes or person in on_task:
                continue
            weeks = load.get(person, {})
            spare = sum(max(cap - booked, 0.0) for booked, cap in weeks.values())
            if spare >= 8 and (best is None or spare > best[0]):
                best = (spare, person)
        if best is not None:
            return {
                "kind": "add_person",
                "person_id": best[1],
                "person": data.names.get(best[1], ""),
                "skill": skill.code,
                "free_hours": round(best[0], 1),
                "tasks": [t for t in named if t["id"] == first.pk]
                + [t for t in named if t["id"] != first.pk][:2],
            }
    return {"kind": "raise_priority", "tasks": named}


def history(record: models.Model, limit: int = 50) -> Any:
    """The audit entries of one record, newest first."""
    from rapport.core.models import AuditEntry

    return (
        AuditEntry.objects.filter(
            kind=record._meta.label_lower, object_id=str(record.pk)
        )
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def suggestion_text(suggestion: dict[str, Any]) -> str:
    """A risk's suggestion in words, in the active language."""
    from django.utils.translation import gettext as _

    tasks = ", ".join(f"“{t['name']}”" for t in suggestion.get("tasks", []))
    if suggestion.get("kind") == "add_person":
        return _(
            "Add %(person)s (%(hours)s free hours) to the critical tasks %(tasks)s."
        ) % {
            "person": suggestion.get("person", ""),
            "hours": suggestion.get("free_hours", 0),
            "tasks": tasks,
        }
    if suggestion.get("kind") == "raise_priority":
        return _("Nobody with the skill is free: raise the priority of %(tasks)s.") % {
            "tasks": tasks
        }
    return ""


# --- Histories for the delay model ---------------------------------------------------

_HISTORY_FIELDS = (
    "date",
    "planned_value",
    "earned_value",
    "percent_complete",
    "slipped_tasks",
    "resource_load",
    "critical_path_days",
    "forecast_finish",
)


def actual_finish(project_: Project) -> date | None:
    """A completed project's finish: its schedule's finish once all is done, else
    the day it was closed; None while it is not completed."""
    if project_.status != Project.Status.COMPLETED:
        return None
    if project_.forecast_finish is not None:
        return project_.forecast_finish
    return timezone.localdate(project_.closed_at) if project_.closed_at else None


def delay_histories(
    finished: bool, ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Projects with a planned finish and their daily snapshots (two queries).

    `finished`: completed projects that have an actual finish; otherwise the
    open ones. Each item has the project's id, start, planned and actual
    finish, contract value, delay cause, working calendar and snapshot rows
    (dicts, oldest first). The system reads these for training and nightly
    forecasts; they are not a user's view.
    """
    from rapport.projects.calendars import project_calendar

    statuses = [Project.Status.COMPLETED] if finished else list(Project.OPEN_STATUSES)
    qs = Project.objects.filter(
        status__in=statuses, planned_finish__isnull=False
    ).select_related("calendar")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    found = [p for p in qs.order_by("pk") if not finished or actual_finish(p)]
    calendars: dict[int | None, Any] = {}
    for p in found:
        if p.calendar_id not in calendars:
            calendars[p.calendar_id] = project_calendar(p)
    rows: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in found}
    for row in (
        ProgressSnapshot.objects.filter(project_id__in=list(rows))
        .order_by("project_id", "date")
        .values("project_id", *_HISTORY_FIELDS)
    ):
        rows[row["project_id"]].append(row)
    return [
        {
            "id": p.pk,
            "start": p.start_date,
            "planned_finish": p.planned_finish,
            "actual_finish": actual_finish(p),
            "budget": float(p.contract_value),
            "delay_cause": p.delay_cause,
            "calendar": calendars[p.calendar_id],
            "snapshots": rows[p.pk],
        }
        for p in found
    ]


def projects_by_id(ids: Sequence[int]) -> list[Project]:
    """Projects by id for system work (the worker), with their calendar."""
    return list(
        Project.objects.filter(pk__in=list(ids))
        .select_related("calendar")
        .order_by("pk")
    )
