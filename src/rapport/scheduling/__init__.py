"""The scheduling engine: working calendars, the critical path, resource load.

Plain Python with no Django imports: the projects app feeds it tasks and
dependencies and stores what it computes; the benchmarks and property tests call
it directly. The semantics are described in docs/scheduling.md.
"""

from rapport.scheduling.calendar import WorkCalendar, china_known_years
from rapport.scheduling.engine import diff_schedules, schedule
from rapport.scheduling.graph import find_cycle
from rapport.scheduling.model import (
    MAX_LAG,
    CycleError,
    Dependency,
    DepType,
    Move,
    ScheduleInputError,
    ScheduleResult,
    ScheduleWarning,
    Task,
    TaskSchedule,
)
from rapport.scheduling.resources import (
    Booking,
    Fix,
    Overallocation,
    overallocations,
    spare_capacity,
    suggest_fixes,
    weekly_load,
)

__all__ = [
    "MAX_LAG",
    "Booking",
    "CycleError",
    "DepType",
    "Dependency",
    "Fix",
    "Move",
    "Overallocation",
    "ScheduleInputError",
    "ScheduleResult",
    "ScheduleWarning",
    "Task",
    "TaskSchedule",
    "WorkCalendar",
    "china_known_years",
    "diff_schedules",
    "find_cycle",
    "overallocations",
    "schedule",
    "spare_capacity",
    "suggest_fixes",
    "weekly_load",
]
