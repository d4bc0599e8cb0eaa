"""What goes into the engine and what comes out: tasks, dependencies, results."""

from __future__ import annotations

import enum
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rapport.scheduling.calendar import WorkCalendar

TaskId = Hashable

# Lags beyond this many working days (about eight years) are refused.
MAX_LAG = 2000


class DepType(enum.StrEnum):
    """How a successor is tied to its predecessor."""

    FS = "FS"  # finish-to-start: the successor starts after the predecessor ends
    SS = "SS"  # start-to-start: the successor starts once the predecessor starts
    FF = "FF"  # finish-to-finish: the successor finishes once the predecessor does
    SF = "SF"  # start-to-finish: the successor finishes once the predecessor starts


class ScheduleInputError(ValueError):
    """Input the engine cannot schedule; `code` is stable, `task_id` names a task."""

    def __init__(self, message: str, code: str, task_id: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.task_id = task_id


class CycleError(ScheduleInputError):
    """Dependencies that form a loop; `cycle` lists it in order, first id repeated."""

    def __init__(self, cycle: Sequence[Any]) -> None:
        self.cycle = list(cycle)
        loop = " → ".join(str(task_id) for task_id in [*self.cycle, *self.cycle[:1]])
        super().__init__(
            f"Dependencies form a loop: {loop}",
            code="dependency_cycle",
            task_id=self.cycle[0] if self.cycle else None,
        )


@dataclass(frozen=True, slots=True)
class Task:
    """A task to schedule; duration in working days, 0 for a milestone."""

    id: Any
    duration: int
    manual: bool = False
    start: date | None = None
    snet: date | None = None
    fnlt: date | None = None
    percent_complete: float = 0.0


@dataclass(frozen=True, slots=True)
class Dependency:
    """A link from predecessor to successor, with a lag in working days."""

    predecessor: Any
    successor: Any
    type: DepType = DepType.FS
    lag: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.type, DepType):
            try:
                object.__setattr__(self, "type", DepType(self.type))
            except ValueError:
                raise ScheduleInputError(
                    f"Unknown dependency type {self.type!r}: use FS, SS, FF or SF.",
                    code="dependency_type",
                    task_id=self.successor,
                ) from None
        if isinstance(self.lag, bool) or not isinstance(self.lag, int):
            raise ScheduleInputError(
                f"The lag must be a whole number of working days, not {self.lag!r}.",
                code="lag_invalid",
                task_id=self.successor,
            )
        if abs(self.lag) > MAX_LAG:
            raise ScheduleInputError(
                f"A lag of {self.lag} working days is beyond ±{MAX_LAG}.",
                code="lag_out_of_range",
                task_id=self.successor,
            )


# Not frozen: a frozen dataclass costs three times as much to build, and a large
# project builds ten thousand of these per reschedule.
@dataclass(slots=True)
class TaskSchedule:
    """Where one task lands: its dates, its slack, whether it is critical."""

    early_start: date
    early_finish: date
    late_start: date
    late_finish: date
    total_slack: int
    free_slack: int
    critical: bool
    start: date
    finish: date
    manual: bool = False
    duration: int = 0


@dataclass(frozen=True, slots=True)
class ScheduleWarning:
    """Something the schedule cannot honour, said per task (never hidden)."""

    code: str  # "dependency_violated" or "constraint_violated"
    task_id: Any
    detail: str
    predecessor_id: Any = None
    required: date | None = None  # the date the dependency or constraint wants
    slack: int | None = None  # negative slack of a missed constraint


@dataclass(slots=True)
class ScheduleResult:
    """The whole schedule of a project, as computed by `schedule`."""

    tasks: dict[Any, TaskSchedule]
    project_start: date
    project_finish: date
    critical_path: list[Any]
    warnings: list[ScheduleWarning]
    duration_days: int
    calendar: WorkCalendar | None = field(default=None, repr=False)
    unknown_years: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Move:
    """A task whose dates differ between two schedules."""

    task_id: Any
    old_start: date
    new_start: date
    old_finish: date
    new_finish: date

    @property
    def days(self) -> int:
        """Calendar days the start moved (positive: later)."""
        return (self.new_start - self.old_start).days
