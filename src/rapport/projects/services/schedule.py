"""Running the scheduling engine over a project: reschedule, drag, what-if, baselines.

Every change to a project's tasks, dependencies, calendar, leave or
assignments calls `request_reschedule`, which queues one worker run per
project once the transaction commits. The run reads the plan, asks the engine
for the schedule, writes the computed dates in bulk and records what moved. If
the engine refuses the plan, the last good schedule stays and the error is
stored on the project.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core import permissions
from rapport.core.errors import ValidationFailed
from rapport.core.services import record_audit
from rapport.projects.calendars import project_calendar
from rapport.projects.models import (
    Baseline,
    BaselineTask,
    Dependency,
    Project,
    RescheduleRun,
    Task,
    TaskMove,
)
from rapport.projects.services.base import check_part, check_project, require_workday

if TYPE_CHECKING:
    from rapport.accounts.models import User
    from rapport.scheduling import ScheduleResult, WorkCalendar

logger = logging.getLogger(__name__)

# --- Inputs -------------------------------------------------------------------------


@dataclass
class Plan:
    """A project's tasks and dependencies as the engine takes them."""

    tasks: list[Any]
    dependencies: list[Any]
    calendar: WorkCalendar
    start: date


def engine_task(task: Task | Mapping[str, Any]) -> Any:
    from rapport.scheduling import Task as EngineTask

    get = task.get if isinstance(task, Mapping) else lambda n: getattr(task, n)
    constraint = get("constraint")
    return EngineTask(
        id=get("id"),
        duration=int(get("duration_days") or 0),
        manual=get("scheduling") == Task.Scheduling.MANUAL,
        start=get("pinned_start"),
        snet=get("constraint_date") if constraint == Task.Constraint.SNET else None,
        fnlt=get("constraint_date") if constraint == Task.Constraint.FNLT else None,
        percent_complete=float(get("percent_complete") or 0),
    )


PLAN_FIELDS = (
    "id",
    "duration_days",
    "scheduling",
    "pinned_start",
    "constraint",
    "constraint_date",
    "percent_complete",
)


def load_plan(project: Project, calendar: WorkCalendar | None = None) -> Plan:
    """Two queries: the project's tasks and dependencies, as engine inputs."""
    from rapport.scheduling import Dependency as EngineDependency
    from rapport.scheduling import DepType

    rows = Task.objects.filter(project=project).order_by("id").values(*PLAN_FIELDS)
    links = Dependency.objects.filter(project=project).values_list(
        "predecessor_id", "successor_id", "type", "lag"
    )
    return Plan(
        tasks=[engine_task(row) for row in rows],
        dependencies=[
            EngineDependency(p, s, DepType(t), lag) for p, s, t, lag in links
        ],
        calendar=calendar or project_calendar(project),
        start=project.start_date,
    )


def run_engine(plan: Plan) -> ScheduleResult:
    from rapport.scheduling import schedule

    return schedule(plan.tasks, plan.dependencies, plan.calendar, plan.start)


# --- Requesting a reschedule ---------------------------------------------------------


def request_reschedule(project: Project | int, trigger: str, actor: Any = None) -> None:
    """Queue one reschedule of the project after the transaction commits.

    Many changes in one transaction queue a single run; the worker also skips a
    run that an earlier one already covered (see `reschedule_requested`).
    """
    project_id = project if isinstance(project, int) else project.pk
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if getattr(callback, "reschedules", None) == project_id:
            return
    actor_id = getattr(actor, "pk", None)

    def enqueue() -> None:
        from rapport.projects.tasks import reschedule_project_task

        requested_at = timezone.now().isoformat()
        try:
            reschedule_project_task(project_id, trigger, actor_id, requested_at)
        except Exception:  # the nightly snapshot reschedules every open project
            logger.warning("could not queue the reschedule of project %s", project_id)

    enqueue.reschedules = project_id  # type: ignore[attr-defined]
    transaction.on_commit(enqueue)


def reschedule_requested(
    project_id: int, trigger: str, actor_id: int | None, requested_at: str | None
) -> RescheduleRun | None:
    """The worker's side of `request_reschedule`: run unless already covered.

    A run that began reading the plan after the request was made (after its
    change committed) saw that change, so a later run is not needed.
    """
    project = Project.objects.select_related("calendar").filter(pk=project_id).first()
    if project is None:
        return None
    if requested_at and project.last_scheduled_at:
        asked = datetime.fromisoformat(requested_at)
        if project.last_scheduled_at > asked:
            logger.info("reschedule of project %s already covered", project_id)
            return None
    return reschedule(project, trigger, actor_id=actor_id)


# --- Running it ----------------------------------------------------------------------


def _schedule_values(result: ScheduleResult, task_id: int) -> dict[str, Any]:
    found = result.tasks[task_id]
    return {
        "start": found.start,
        "finish": found.finish,
        "early_start": found.early_start,
        "early_finish": found.early_finish,
        "late_start": found.late_start,
        "late_finish": found.late_finish,
        "total_slack": found.total_slack,
        "free_slack": found.free_slack,
        "is_critical": found.critical,
    }


def write_schedule(changed: list[tuple[int, dict[str, Any]]]) -> None:
    """Write computed schedule fields: one UPDATE statement run for many rows.

    `bulk_update` builds a CASE expression per field and row, which costs far
    more than the database for a few hundred tasks; one parameterised UPDATE
    sent with executemany does not. Versions are left alone on purpose.
    """
    if not changed:
        return
    ops = connection.ops
    fields = [
        cast(models.Field, Task._meta.get_field(name)) for name in Task.SCHEDULE_FIELDS
    ]
    sets = ", ".join(f"{ops.quote_name(str(f.column))} = %s" for f in fields)
    table = ops.quote_name(Task._meta.db_table)
    # Only quoted table and column names are interpolated; values are parameters.
    sql = f"UPDATE {table} SET {sets} WHERE {ops.quote_name('id')} = %s"  # noqa: S608
    dates = {f.name for f in fields if isinstance(f, models.DateField)}
    params = [
        (
            *(
                ops.adapt_datefield_value(values[name])
                if name in dates
                else values[name]
                for name in Task.SCHEDULE_FIELDS
            ),
            pk,
        )
        for pk, values in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def warnings_of(result: ScheduleResult) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {
            "code": w.code,
            "task_id": w.task_id,
            "detail": w.detail,
            "predecessor_id": w.predecessor_id,
            "required": w.required.isoformat() if w.required else None,
        }
        for w in result.warnings
    ]
    if result.unknown_years:
        years = ", ".join(str(y) for y in result.unknown_years)
        found.append(
            {
                "code": "calendar_years_unknown",
                "task_id": None,
                "detail": f"No official holidays for {years}; the plain week "
                "is assumed.",
                "years": list(result.unknown_years),
            }
        )
    return found


@transaction.atomic
def reschedule(
    project: Project,
    trigger: str,
    actor_id: int | None = None,
    plan: Plan | None = None,
) -> RescheduleRun:
    """Schedule the project now: write the computed dates and record what moved."""
    began, began_at = time.perf_counter(), timezone.now()
    plan = plan or load_plan(project)
    before = {
        row["id"]: row
        for row in Task.objects.filter(project=project).values(
            "id", *Task.SCHEDULE_FIELDS
        )
    }
    finish_before = project.forecast_finish
    try:
        result = run_engine(plan)
    except Exception as exc:
        return _failed(project, trigger, actor_id, exc, began, len(plan.tasks))

    changed, moves = [], []
    for task_id, row in before.items():
        values = _schedule_values(result, task_id)
        if any(row[name] != value for name, value in values.items()):
            changed.append((task_id, values))
        if (row["start"], row["finish"]) != (values["start"], values["finish"]):
            moves.append((task_id, row, values))
    write_schedule(changed)

    warnings = warnings_of(result)
    now = began_at
    Project.objects.filter(pk=project.pk).update(
        forecast_finish=result.project_finish,
        planned_finish=project.planned_finish or result.project_finish,
        critical_path_days=result.duration_days,
        last_scheduled_at=now,
        schedule_error="",
        schedule_warnings=warnings,
    )
    project.forecast_finish = result.project_finish
    project.planned_finish = project.planned_finish or result.project_finish
    project.critical_path_days = result.duration_days
    project.last_scheduled_at, project.schedule_error = now, ""
    project.schedule_warnings = warnings

    run = RescheduleRun.objects.create(
        project=project,
        trigger=trigger[:80],
        requested_by_id=actor_id,
        status=RescheduleRun.Status.SUCCEEDED,
        warnings=warnings,
        duration_ms=(time.perf_counter() - began) * 1000,
        task_count=len(before),
        moved_count=len(moves),
        finish_before=finish_before,
        finish_after=result.project_finish,
    )
    TaskMove.objects.bulk_create(
        [
            TaskMove(
                run=run,
                task_id=task_id,
                old_start=row["start"],
                new_start=values["start"],
                old_finish=row["finish"],
                new_finish=values["finish"],
            )
            for task_id, row, values in moves
        ],
        batch_size=500,
    )
    logger.info(
        "project %s rescheduled: %s tasks moved, finish %s",
        project.pk,
        len(moves),
        result.project_finish,
    )
    return run


def _failed(
    project: Project,
    trigger: str,
    actor_id: int | None,
    exc: Exception,
    began: float,
    task_count: int,
) -> RescheduleRun:
    """Keep the last good schedule, and say why this one could not be made."""
    message = str(exc) or type(exc).__name__
    Project.objects.filter(pk=project.pk).update(
        schedule_error=message, last_scheduled_at=timezone.now()
    )
    project.schedule_error = message
    logger.warning("reschedule of project %s failed: %s", project.pk, message)
    return RescheduleRun.objects.create(
        project=project,
        trigger=trigger[:80],
        requested_by_id=actor_id,
        status=RescheduleRun.Status.FAILED,
        error=message,
        duration_ms=(time.perf_counter() - began) * 1000,
        task_count=task_count,
        finish_before=project.forecast_finish,
        finish_after=project.forecast_finish,
    )


@transaction.atomic
def reschedule_now(actor: User, project: Project) -> RescheduleRun:
    """Reschedule a project at once because a person asked (the worker does it too)."""
    check_project(actor, permissions.CHANGE, project)
    return reschedule(project, "manual", actor_id=actor.pk)


# --- Dragging a task on the Gantt, and asking "what if" ------------------------------


@transaction.atomic
def move_task(
    actor: User,
    task: Task,
    start: date | None = None,
    duration: int | None = None,
    expected_version: int | None = None,
) -> RescheduleRun:
    """Move or stretch a task as a Gantt drag does, reschedule now, return the moves.

    An automatic task dragged to a start gets "start no earlier than" that
    date (the engine still keeps it after its predecessors); a manual task is
    pinned there.
    """
    from rapport.projects.services.plan import update_task

    changes: dict[str, Any] = {}
    if start is not None:
        if task.scheduling == Task.Scheduling.MANUAL:
            changes["pinned_start"] = start
        else:
            changes.update(constraint=Task.Constraint.SNET, constraint_date=start)
    if duration is not None:
        changes["duration_days"] = duration
    if not changes:
        raise ValidationFailed.single("start", _("Give a new start or duration."))
    update_task(actor, task, changes, expected_version, reschedule_now=False)
    return reschedule(task.project, "task.moved", actor_id=actor.pk)


def what_if(
    actor: User, project: Project, changes: Iterable[Mapping[str, Any]]
) -> tuple[ScheduleResult, list[Any]]:
    """The schedule a set of task changes would produce, and what would move; unsaved.

    Each change names a task (`task_id`) and any of `start`, `duration`,
    `percent_complete`; `start` acts as a drag does.
    """
    from dataclasses import replace

    from rapport.scheduling import diff_schedules

    check_project(actor, permissions.VIEW, project)
    plan = load_plan(project)
    current = run_engine(plan)
    by_id = {t.id: i for i, t in enumerate(plan.tasks)}
    errors: dict[str, list[str]] = {}
    for index, change in enumerate(changes):
        position = by_id.get(change.get("task_id"))
        if position is None:
            errors[f"changes.{index}.task_id"] = [_("No such task in this project.")]
            continue
        task = plan.tasks[position]
        if change.get("start") is not None:
            require_workday(
                plan.calendar, errors, f"changes.{index}.start", change["start"]
            )
            task = (
                replace(task, start=change["start"])
                if task.manual
                else replace(task, snet=change["start"])
            )
        if change.get("duration") is not None:
            if change["duration"] < 0:
                errors[f"changes.{index}.duration"] = [
                    _("A duration cannot be negative.")
                ]
                continue
            task = replace(task, duration=change["duration"])
        plan.tasks[position] = task
    if errors:
        raise ValidationFailed(errors)
    try:
        proposed = run_engine(plan)
    except ValueError as exc:
        raise ValidationFailed.single("changes", str(exc)) from exc
    return proposed, diff_schedules(current, proposed)


# --- Baselines -----------------------------------------------------------------------


@transaction.atomic
def save_baseline(actor: User, project: Project, name: str = "") -> Baseline:
    """Save the project's current schedule as a baseline to measure against."""
    check_part(actor, permissions.ADD, Baseline, project)
    tasks = list(
        Task.objects.filter(project=project).values(
            "id", "start", "finish", "duration_days", "estimated_hours"
        )
    )
    number = Baseline.objects.filter(project=project).count() + 1
    starts = [t["start"] for t in tasks if t["start"]]
    finishes = [t["finish"] for t in tasks if t["finish"]]
    baseline = Baseline.objects.create(
        project=project,
        name=(name or _("Baseline %(number)s") % {"number": number})[:100],
        saved_by=actor,
        start=min(starts, default=None),
        finish=max(finishes, default=None),
    )
    BaselineTask.objects.bulk_create(
        [
            BaselineTask(
                baseline=baseline,
                task_id=t["id"],
                start=t["start"],
                finish=t["finish"],
                duration_days=t["duration_days"],
                estimated_hours=t["estimated_hours"],
            )
            for t in tasks
        ],
        batch_size=500,
    )
    if baseline.finish:
        Project.objects.filter(pk=project.pk).update(planned_finish=baseline.finish)
        project.planned_finish = baseline.finish
    record_audit(actor, "create", baseline, {"tasks": [None, len(tasks)]})
    return baseline
