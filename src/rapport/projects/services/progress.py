"""Daily progress snapshots and the ranked schedule-risk alerts, kept by the worker."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from rapport.projects import selectors
from rapport.projects.calendars import project_calendar
from rapport.projects.models import (
    BaselineTask,
    ProgressSnapshot,
    Project,
    ScheduleRisk,
    Task,
    TimeEntry,
)

if TYPE_CHECKING:
    from rapport.scheduling import WorkCalendar

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskProgress:
    """What earned value needs of one task: weight, plan and progress."""

    weight: float
    planned_start: date | None
    planned_finish: date | None
    duration: int
    percent_complete: float
    finish: date | None
    done: bool


def planned_fraction(task: TaskProgress, on: date, calendar: WorkCalendar) -> float:
    """The share of the task the plan says is done by the end of `on`."""
    if task.planned_start is None or task.planned_finish is None:
        return 0.0
    if on >= task.planned_finish:
        return 1.0
    if on < task.planned_start or task.duration <= 0:
        return 0.0
    worked = calendar.workdays_between(task.planned_start, on)
    return min(1.0, worked / task.duration)


def earned_value(
    tasks: Iterable[TaskProgress], on: date, calendar: WorkCalendar, budget: float
) -> dict[str, float]:
    """Planned and earned value, as shares of `budget`, and the percents behind them."""
    tasks = list(tasks)
    total = sum(t.weight for t in tasks) or 1.0
    planned = sum(t.weight * planned_fraction(t, on, calendar) for t in tasks) / total
    earned = sum(t.weight * t.percent_complete / 100 for t in tasks) / total
    return {
        "planned_value": budget * planned,
        "earned_value": budget * earned,
        "planned_percent": 100 * planned,
        "percent_complete": 100 * earned,
    }


def _progress_rows(project: Project) -> list[TaskProgress]:
    baseline = project.baselines.order_by("-id").values_list("id", flat=True).first()
    planned = {}
    if baseline is not None:
        planned = {
            row["task_id"]: row
            for row in BaselineTask.objects.filter(baseline_id=baseline).values(
                "task_id", "start", "finish", "duration_days"
            )
        }
    rows = []
    for t in Task.objects.filter(project=project).values(
        "id",
        "duration_days",
        "estimated_hours",
        "percent_complete",
        "status",
        "start",
        "finish",
    ):
        plan = planned.get(t["id"], t)
        rows.append(
            TaskProgress(
                weight=float(t["estimated_hours"]) or float(t["duration_days"]) or 0.0,
                planned_start=plan["start"],
                planned_finish=plan["finish"],
                duration=plan["duration_days"],
                percent_complete=float(t["percent_complete"]),
                finish=t["finish"],
                done=t["status"] == Task.Status.DONE,
            )
        )
    return rows


def variance_days(
    calendar: WorkCalendar, planned: date | None, forecast: date | None
) -> int:
    """Working days the forecast finish lies after the planned one (negative: early)."""
    if planned is None or forecast is None or planned == forecast:
        return 0
    if forecast > planned:
        return calendar.workdays_between(planned + timedelta(days=1), forecast)
    return -calendar.workdays_between(forecast + timedelta(days=1), planned)


def measure(project: Project, on: date) -> dict[str, Any]:
    """A project's progress figures on one day, from its plan, baseline and time."""
    calendar = project_calendar(project)
    rows = _progress_rows(project)
    values = earned_value(rows, on, calendar, float(project.contract_value))
    cost = TimeEntry.objects.filter(task__project=project, date__lte=on).aggregate(
        total=Sum(F("hours") * F("cost_rate"))
    )["total"] or Decimal("0")
    slipped = sum(
        1
        for t in rows
        if not t.done
        and t.finish is not None
        and t.planned_finish is not None
        and t.finish > t.planned_finish
    )
    spi = (
        values["earned_value"] / values["planned_value"]
        if values["planned_value"] > 0
        else None
    )
    load = selectors.project_peak_load(project, on)
    return {
        "planned_value": Decimal(str(round(values["planned_value"], 2))),
        "earned_value": Decimal(str(round(values["earned_value"], 2))),
        "actual_cost": Decimal(cost).quantize(Decimal("0.01")),
        "percent_complete": round(values["percent_complete"], 2),
        "planned_percent": round(values["planned_percent"], 2),
        "spi": round(spi, 4) if spi is not None else None,
        "schedule_variance_days": variance_days(
            calendar, project.planned_finish, project.forecast_finish
        ),
        "slipped_tasks": slipped,
        "open_tasks": sum(1 for t in rows if not t.done),
        "resource_load": round(load, 3),
        "critical_path_days": project.critical_path_days or 0,
        "forecast_finish": project.forecast_finish,
        "planned_finish": project.planned_finish,
    }


@transaction.atomic
def take_snapshot(project: Project, on: date | None = None) -> ProgressSnapshot:
    """Record (or refresh) the project's progress snapshot of the day."""
    on = on or timezone.localdate()
    snapshot, _created = ProgressSnapshot.objects.update_or_create(
        project=project, date=on, defaults=measure(project, on)
    )
    return snapshot


def snapshot_open_projects(on: date | None = None) -> int:
    """Snapshot every open project and refresh its risk; return how many."""
    from rapport.projects.services.schedule import reschedule

    on = on or timezone.localdate()
    count = 0
    for project in Project.objects.filter(
        status__in=Project.OPEN_STATUSES
    ).select_related("calendar"):
        reschedule(project, "daily")
        take_snapshot(project, on)
        assess_risk(project, on)
        count += 1
    logger.info("%s open projects snapshotted for %s", count, on)
    return count


# --- Risk ----------------------------------------------------------------------------

_RISK_WEIGHT = {"low": 0.8, "normal": 1.0, "high": 1.5}
THIN_MARGIN = 0.10


def at_stake(project: Project, margin: Mapping[str, Any] | None = None) -> Decimal:
    """What a late finish puts at stake: the contract, by customer risk and margin."""
    stake = Decimal(project.contract_value) * Decimal(
        str(_RISK_WEIGHT.get(project.customer_risk, 1.0))
    )
    thin = (margin or {}).get("forecast_margin_pct")
    if thin is not None and thin < THIN_MARGIN * 100:
        stake *= Decimal("1.25")
    return stake.quantize(Decimal("0.01"))


def level_for(delay_days: float) -> str:
    if delay_days >= 10:
        return ScheduleRisk.Level.HIGH
    if delay_days >= 3:
        return ScheduleRisk.Level.MEDIUM
    return ScheduleRisk.Level.LOW


@transaction.atomic
def assess_risk(project: Project, on: date | None = None) -> ScheduleRisk:
    """Score the project's schedule risk with the best estimator, suggest a remedy."""
    on = on or timezone.localdate()
    history = list(project.snapshots.filter(date__lte=on).order_by("-date")[:60])[::-1]
    estimate = selectors.estimate_delay(project, history)
    margin = selectors.project_margin(project)
    stake = at_stake(project, margin)
    delay = max(estimate.days, 0.0)
    suggestion = selectors.risk_suggestion(project, on) if delay > 0 else {}
    risk, _created = ScheduleRisk.objects.update_or_create(
        project=project,
        defaults={
            "score": round(float(stake) / 10000 * delay, 4),
            "level": level_for(delay),
            "delay_days": round(delay, 2),
            "at_stake": stake,
            "estimator": estimate.estimator,
            "reasons": estimate.reasons,
            "suggestion": suggestion,
            "computed_at": timezone.now(),
        },
    )
    return risk
