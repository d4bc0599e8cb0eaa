"""API shapes of projects records: `…In` creates, `…Patch` changes, `…Out` reads.

A `…Patch` lists every field a caller may change, all optional: only the fields
sent change. Schedule fields (start, finish, slack, critical) are computed and
only ever read.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from ninja import Schema
from pydantic import Field

from rapport.core.api import (
    Day,
    Id,
    InputSchema,
    ListQuery,
    UserRefOut,
    omitted,
    sorted_by,
)
from rapport.crm.selectors import ProjectType
from rapport.projects.models import (
    DependencyType,
    Project,
    RescheduleRun,
    ScheduleRisk,
    Task,
)


def choice(values: type[models.Choices], description: str = "") -> Any:
    """An optional field that the OpenAPI document shows as an enum."""
    return omitted(
        description=description, json_schema_extra={"enum": list(values.values)}
    )


def money(description: str = "") -> Any:
    return omitted(ge=0, max_digits=14, decimal_places=2, description=description)


def hours(description: str = "", le: int = 100000) -> Any:
    return omitted(ge=0, le=le, max_digits=8, decimal_places=2, description=description)


class RefOut(Schema):
    """Another record, by id and name."""

    id: int
    name: str


class RecordOut(Schema):
    """What every versioned record answer carries: id, version and timestamps."""

    id: int
    version: int
    created_at: datetime
    updated_at: datetime


# --- Projects ------------------------------------------------------------------------


class ProjectPatch(InputSchema):
    """Fields of a project to change; a new start or calendar reschedules it."""

    name: str = omitted(min_length=1, max_length=200)
    code: str = omitted(min_length=1, max_length=30)
    description: str = omitted()
    company_id: Id = omitted()
    deal_id: Id | None = None
    contract_value: Decimal = money()
    currency: str = omitted(min_length=3, max_length=3)
    status: str = choice(Project.Status)
    start_date: Day = omitted(description="Must be a working day of the calendar.")
    calendar_id: Id | None = None
    customer_risk: str = choice(Project.Risk)
    delay_cause: str = choice(Project.DelayCause)
    owner_id: Id = omitted(description="The project manager.")


class ProjectIn(ProjectPatch):
    """A new project; with a template, its phases, tasks and dependencies are copied."""

    name: str = Field(min_length=1, max_length=200)
    company_id: Id
    start_date: Day
    template_id: Id | None = None


class RiskOut(Schema):
    """A project's schedule risk: score, expected delay, what is at stake, a remedy."""

    score: float
    level: str
    delay_days: float
    at_stake: Decimal
    estimator: str
    reasons: list[dict[str, Any]]
    suggestion: dict[str, Any]
    computed_at: datetime


class ProjectOut(RecordOut):
    """Work sold to a company, with its schedule's state."""

    name: str
    code: str
    description: str
    company: RefOut
    deal_id: Id | None
    template_id: Id | None
    contract_value: Decimal
    currency: str
    status: str
    start_date: date
    calendar_id: Id | None
    customer_risk: str
    delay_cause: str
    planned_finish: date | None
    forecast_finish: date | None
    critical_path_days: int | None
    last_scheduled_at: datetime | None
    schedule_error: str
    schedule_warnings: list[dict[str, Any]]
    owner: UserRefOut
    team_id: Id | None


class ProjectFilter(ListQuery):
    """Filters and sort of the project list."""

    sort: str = sorted_by(
        "id", "created_at", "updated_at", "name", "start_date", "contract_value"
    )
    status: str = choice(Project.Status)
    company: Id | None = omitted(description="Company id.")
    owner: Id | None = omitted(description="Project manager's user id.")
    open: bool | None = omitted(description="true: planning, active or on hold.")
    q: str | None = omitted(
        max_length=100, description="Text the name or code contains."
    )


class PhaseIn(InputSchema):
    """A phase of a project."""

    name: str = Field(min_length=1, max_length=200)
    position: int = omitted(ge=0, le=32767)


class PhasePatch(InputSchema):
    """Fields of a phase to change."""

    name: str = omitted(min_length=1, max_length=200)
    position: int = omitted(ge=0, le=32767)


class PhaseOut(RecordOut):
    """A stage of a project that groups its tasks."""

    project_id: Id
    name: str
    position: int


# --- Tasks ---------------------------------------------------------------------------


class TaskPatch(InputSchema):
    """Fields of a task to change; the project is rescheduled in the worker."""

    name: str = omitted(min_length=1, max_length=200)
    description: str = omitted()
    phase_id: Id | None = None
    position: int = omitted(ge=0, le=2**31 - 1)
    duration_days: int = omitted(
        le=2000, description="Working days; 0 for a milestone. Negative is refused."
    )
    estimated_hours: Decimal = hours()
    percent_complete: int = omitted(ge=0, le=100)
    status: str = choice(Task.Status)
    priority: int = omitted(ge=1, le=4, description="1 low … 4 urgent.")
    scheduling: str = choice(Task.Scheduling)
    pinned_start: Day | None = None
    constraint: str = choice(Task.Constraint, "snet, fnlt or empty.")
    constraint_date: Day | None = None
    required_skill_id: Id | None = None
    is_milestone: bool = omitted()
    actual_start: Day | None = None
    actual_finish: Day | None = None


class TaskIn(TaskPatch):
    """A new task of the project."""

    name: str = Field(min_length=1, max_length=200)


class AssigneeOut(Schema):
    """A person on a task, with the share of their time."""

    id: int
    user: UserRefOut
    share: int


class TaskOut(RecordOut):
    """A task with its computed schedule."""

    project_id: Id
    phase_id: Id | None
    name: str
    description: str
    position: int
    duration_days: int
    estimated_hours: Decimal
    percent_complete: int
    status: str
    priority: int
    scheduling: str
    pinned_start: date | None
    constraint: str
    constraint_date: date | None
    required_skill_id: Id | None
    is_milestone: bool
    actual_start: date | None
    actual_finish: date | None
    start: date | None
    finish: date | None
    early_start: date | None
    early_finish: date | None
    late_start: date | None
    late_finish: date | None
    total_slack: int | None
    free_slack: int | None
    is_critical: bool


class TaskFilter(ListQuery):
    """Filters and sort of the task list."""

    sort: str = sorted_by("id", "position", "start", "finish", "updated_at")
    project: Id | None = omitted(description="Project id.")
    phase: Id | None = omitted(description="Phase id.")
    status: str = choice(Task.Status)
    critical: bool | None = omitted(description="true: only critical tasks.")
    assignee: Id | None = omitted(description="User id of a person on the task.")
    q: str | None = omitted(max_length=100, description="Text the name contains.")


class MoveIn(InputSchema):
    """A Gantt drag: a new start (a working day), a new duration, or both."""

    start: Day | None = None
    duration: int | None = Field(None, le=2000)


class MoveOut(Schema):
    """A task whose dates a reschedule changed."""

    task_id: int
    old_start: date | None
    new_start: date | None
    old_finish: date | None
    new_finish: date | None


class RescheduleOut(Schema):
    """One run of the engine over a project, and what it moved."""

    id: int
    project_id: int
    trigger: str
    status: str
    error: str
    warnings: list[dict[str, Any]]
    duration_ms: float
    task_count: int
    moved_count: int
    finish_before: date | None
    finish_after: date | None
    created_at: datetime
    moves: list[MoveOut]

    @staticmethod
    def resolve_moves(obj: RescheduleRun) -> Any:
        return obj.moves.all()


class WhatIfChange(InputSchema):
    """One change to try: a task's new start (as a drag) or duration."""

    task_id: Id
    start: Day | None = None
    duration: int | None = Field(None, le=2000)


class WhatIfIn(InputSchema):
    """The changes to try together."""

    changes: list[WhatIfChange] = Field(min_length=1, max_length=500)


class PlannedTaskOut(Schema):
    """Where one task would land."""

    task_id: int
    start: date
    finish: date
    total_slack: int
    free_slack: int
    critical: bool


class WhatIfOut(Schema):
    """The schedule the changes would produce (nothing saved) and what would move."""

    project_finish: date
    duration_days: int
    critical_path: list[int]
    tasks: list[PlannedTaskOut]
    moves: list[MoveOut]
    warnings: list[dict[str, Any]]


# --- Dependencies --------------------------------------------------------------------


class DependencyPatch(InputSchema):
    """Fields of a dependency to change."""

    predecessor_id: Id = omitted()
    successor_id: Id = omitted()
    type: str = choice(DependencyType)
    lag: int = omitted(description="Working days, between -2000 and 2000.")


class DependencyIn(DependencyPatch):
    """A new dependency: the successor waits on the predecessor."""

    predecessor_id: Id
    successor_id: Id


class DependencyOut(RecordOut):
    """A task waiting on another."""

    project_id: Id
    predecessor_id: Id
    successor_id: Id
    type: str
    lag: int


class DependencyFilter(ListQuery):
    """Filters of the dependency list."""

    project: Id | None = omitted(description="Project id.")
    task: Id | None = omitted(description="Task id, as predecessor or successor.")


# --- Assignments and time ------------------------------------------------------------


class AssignmentIn(InputSchema):
    """A person to put on the task, and the share of their time."""

    user_id: Id
    share: int = omitted(ge=1, le=100)


class AssignmentPatch(InputSchema):
    """A new share of time."""

    share: int = Field(ge=1, le=100)


class AssignmentOut(RecordOut):
    """A person working a share of their time on a task."""

    task_id: Id
    user: UserRefOut
    share: int


class AssignmentFilter(ListQuery):
    """Filters of the assignment list."""

    project: Id | None = omitted(description="Project id.")
    task: Id | None = omitted(description="Task id.")
    user: Id | None = omitted(description="User id.")


class TimeEntryPatch(InputSchema):
    """Fields of a time entry to change."""

    date: Day = omitted()
    hours: Decimal = hours(le=24)
    note: str = omitted(max_length=200)


class TimeEntryIn(TimeEntryPatch):
    """Hours spent on the task on one day; by default by the caller."""

    date: Day
    hours: Decimal = Field(gt=0, le=24, max_digits=5, decimal_places=2)
    user_id: Id | None = None


class TimeEntryOut(RecordOut):
    """Hours a person spent on a task, with the cost rate at the time."""

    task_id: Id
    user: UserRefOut
    date: date
    hours: Decimal
    cost_rate: Decimal
    note: str


class TimeEntryFilter(ListQuery):
    """Filters and sort of the time entry list."""

    sort: str = sorted_by("id", "date")
    project: Id | None = omitted(description="Project id.")
    task: Id | None = omitted(description="Task id.")
    user: Id | None = omitted(description="User id.")
    date_from: Day | None = None
    date_to: Day | None = None


# --- Calendars, skills, people -------------------------------------------------------


class CalendarPatch(InputSchema):
    """Fields of a calendar to change; its projects are rescheduled."""

    name: str = omitted(min_length=1, max_length=100)
    weekend: list[int] = omitted(description="Days off, Monday = 0 … Sunday = 6.")
    china_holidays: bool = omitted()
    is_default: bool = omitted()


class CalendarIn(CalendarPatch):
    """A new working calendar."""

    name: str = Field(min_length=1, max_length=100)


class CalendarDayIn(InputSchema):
    """A date the calendar treats differently."""

    date: Day
    is_working: bool = False
    note: str = omitted(max_length=100)


class CalendarDayOut(Schema):
    """A company holiday or an extra working day."""

    id: int
    date: date
    is_working: bool
    note: str


class CalendarOut(RecordOut):
    """A working week, China's holidays if wanted, and exception days."""

    name: str
    weekend: list[int]
    china_holidays: bool
    is_default: bool
    days: list[CalendarDayOut]

    @staticmethod
    def resolve_days(obj: Any) -> Any:
        return obj.days.all()


class SkillIn(InputSchema):
    """A skill people can have and tasks can require."""

    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=100)
    name_zh: str = omitted(max_length=100)


class SkillPatch(InputSchema):
    """Fields of a skill to change."""

    name: str = omitted(min_length=1, max_length=100)
    name_zh: str = omitted(max_length=100)


class SkillOut(RecordOut):
    """A skill."""

    code: str
    name: str
    name_zh: str


class TemplateTaskOut(Schema):
    """A task of a template."""

    key: str
    name: str
    name_zh: str
    duration_days: int
    estimated_hours: Decimal
    role: str
    is_milestone: bool


class TemplateOut(Schema):
    """A plan that won deals of one project type become."""

    id: int
    code: str
    name: str
    name_zh: str
    project_type: str
    description: str
    tasks: list[TemplateTaskOut]

    @staticmethod
    def resolve_tasks(obj: Any) -> Any:
        return obj.tasks.all()


class TemplateFilter(ListQuery):
    """Filters of the template list."""

    project_type: str = choice(ProjectType)


class ResourceIn(InputSchema):
    """A person's capacity, cost, calendar and skills (by code)."""

    daily_capacity_hours: Decimal = hours(le=24)
    cost_rate: Decimal = money()
    currency: str = omitted(min_length=3, max_length=3)
    calendar_id: Id | None = None
    skills: list[str] = omitted(max_length=50)


class ResourceOut(RecordOut):
    """How much a person can work on projects, at what cost, with which skills."""

    user: UserRefOut
    daily_capacity_hours: Decimal
    cost_rate: Decimal
    currency: str
    calendar_id: Id | None
    skills: list[str]

    @staticmethod
    def resolve_skills(obj: Any) -> list[str]:
        return [s.code for s in obj.skills.all()]


class LeavePatch(InputSchema):
    """Fields of a leave to change."""

    start_date: Day = omitted()
    end_date: Day = omitted()
    reason: str = omitted(max_length=200)


class LeaveIn(LeavePatch):
    """Days a person is away, both included."""

    start_date: Day
    end_date: Day


class LeaveOut(RecordOut):
    """Days a person is away."""

    user: UserRefOut
    start_date: date
    end_date: date
    reason: str


class PersonFilter(ListQuery):
    """Filters of the lists about people."""

    user: Id | None = omitted(description="User id.")


# --- Baselines, snapshots, risks, load, margin ----------------------------------------


class BaselineIn(InputSchema):
    """A name for the baseline (default: Baseline N)."""

    name: str = omitted(max_length=100)


class BaselineOut(RecordOut):
    """A saved copy of the plan."""

    project_id: Id
    name: str
    saved_by: UserRefOut | None
    start: date | None
    finish: date | None


class TaskVarianceOut(Schema):
    """One task's baseline against its schedule (calendar days; positive is late)."""

    task_id: int
    name: str
    baseline_start: date | None
    baseline_finish: date | None
    start: date | None
    finish: date | None
    start_variance: int | None
    finish_variance: int | None
    percent_complete: int
    is_critical: bool


class PlanVsActualOut(Schema):
    """The project and every task, baseline against the current schedule."""

    baseline: BaselineOut | None
    baseline_finish: date | None
    forecast_finish: date | None
    finish_variance: int | None
    tasks: list[TaskVarianceOut]


class SnapshotOut(Schema):
    """A project's progress on one day."""

    id: int
    date: date
    planned_value: Decimal
    earned_value: Decimal
    actual_cost: Decimal
    percent_complete: float
    planned_percent: float
    spi: float | None
    schedule_variance_days: int
    slipped_tasks: int
    open_tasks: int
    resource_load: float
    critical_path_days: int
    forecast_finish: dt.date | None
    planned_finish: dt.date | None


class SnapshotFilter(ListQuery):
    """Sort and range of a project's snapshots."""

    sort: str = sorted_by("id", "date", default="date")
    date_from: Day | None = None
    date_to: Day | None = None


class RiskListOut(RiskOut):
    """A project at risk, riskiest first."""

    id: int
    project: RefOut
    project_code: str
    company: RefOut
    contract_value: Decimal
    currency: str
    forecast_finish: date | None
    planned_finish: date | None
    suggestion_text: str


class RiskFilter(ListQuery):
    """Sort and filters of the risk list."""

    sort: str = sorted_by("id", "score", default="-score")
    level: str = choice(ScheduleRisk.Level)


class MarginOut(Schema):
    """Contract value, cost so far and the forecast at completion."""

    contract_value: Decimal
    currency: str
    cost_to_date: Decimal
    hours_to_date: Decimal
    remaining_hours: Decimal
    forecast_cost: Decimal
    forecast_margin: Decimal
    forecast_margin_pct: float | None


class UtilisationQuery(Schema):
    """The window of weeks to show, and whose."""

    start: Day | None = omitted(description="Any day of the first week (default: now).")
    weeks: int = Field(8, ge=1, le=26)
    team: Id | None = omitted(description="Team id.")


class WeekLoadOut(Schema):
    """A person's booked and available hours in one ISO week (named by its Monday)."""

    week: date
    booked: float
    capacity: float
    ratio: float | None


class PersonLoadOut(Schema):
    """One person's weeks."""

    person_id: int
    name: str
    weeks: list[WeekLoadOut]


class FixOut(Schema):
    """A concrete fix: move a task within its slack, or hand it to a named person."""

    kind: str
    task_id: int
    task: str
    new_start: date | None
    days: int | None
    to_person_id: int | None
    to_person: str
    hours: float


class OverallocationOut(Schema):
    """A person booked beyond capacity in a week, with fixes."""

    person_id: int
    person: str
    week: date
    booked: float
    capacity: float
    tasks: list[dict[str, Any]]
    fixes: list[FixOut]


class UtilisationOut(Schema):
    """Load by person and week, and the over-allocations."""

    weeks: list[date]
    people: list[PersonLoadOut]
    overallocations: list[OverallocationOut]
