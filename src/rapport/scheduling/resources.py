"""People's load by week, over-allocation, and concrete fixes for it.

A booking puts `share × hours_per_day` hours on a person for every working day
of the task (working days of the project calendar, between the task's start and
finish). A person's capacity in a week is their daily capacity times the days
their own calendar (with leave) has working in that week. Weeks are named by
their Monday.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rapport.scheduling.calendar import WorkCalendar
from rapport.scheduling.model import ScheduleResult

DEFAULT_DAILY_HOURS = 8.0
# Bookings within this many hours of capacity are not flagged (rounding).
TOLERANCE = 1e-6

Load = dict[Any, dict[date, tuple[float, float]]]


@dataclass(frozen=True, slots=True)
class Booking:
    """A person assigned to a task for a share of their day."""

    task_id: Any
    person_id: Any
    share: float = 1.0
    hours_per_day: float = DEFAULT_DAILY_HOURS

    def __post_init__(self) -> None:
        if not 0 < self.share <= 1:
            raise ValueError(f"A booking's share must be in (0, 1], not {self.share}.")
        if self.hours_per_day < 0:
            raise ValueError("A booking's hours per day cannot be negative.")

    @property
    def daily_hours(self) -> float:
        """Hours this booking takes from the person on each working day."""
        return self.share * self.hours_per_day


@dataclass(frozen=True, slots=True)
class Overallocation:
    """A person booked beyond their capacity in one week."""

    person_id: Any
    week: date
    booked: float
    capacity: float
    task_ids: list[Any] = field(default_factory=list)

    @property
    def excess(self) -> float:
        """Hours booked beyond capacity."""
        return self.booked - self.capacity


@dataclass(frozen=True, slots=True)
class Fix:
    """A concrete change that relieves an over-allocation."""

    kind: str  # "move_within_slack" or "reassign"
    task_id: Any
    new_start: date | None = None
    days: int | None = None  # working days the task moves
    from_person: Any = None
    to_person: Any = None
    hours: float = 0.0  # hours it takes out of the overloaded week
    moves_successors: bool = False  # uses total slack beyond free slack


def monday(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def _task_hours_by_week(
    result: ScheduleResult, task_id: Any, daily_hours: float
) -> dict[date, float]:
    planned = result.tasks.get(task_id)
    calendar = result.calendar
    if planned is None or calendar is None or planned.duration == 0:
        return {}
    hours: dict[date, float] = defaultdict(float)
    first = calendar.index_of(planned.start)
    last = calendar.index_on_or_before(planned.finish)
    for index in range(first, last + 1):
        hours[monday(calendar.date_of(index))] += daily_hours
    return hours


def weekly_load(
    bookings: Iterable[Booking],
    result: ScheduleResult,
    calendars_by_person: Mapping[Any, WorkCalendar],
    capacity_hours_by_person: Mapping[Any, float],
) -> Load:
    """Booked and available hours per person and week, over the project's weeks."""
    booked, _tasks = _booked(bookings, result)
    return _load(booked, result, calendars_by_person, capacity_hours_by_person)


def overallocations(
    bookings: Iterable[Booking],
    result: ScheduleResult,
    calendars_by_person: Mapping[Any, WorkCalendar],
    capacity_hours_by_person: Mapping[Any, float],
) -> list[Overallocation]:
    """Every (person, week) booked beyond capacity, worst first."""
    booked, tasks = _booked(bookings, result)
    load = _load(booked, result, calendars_by_person, capacity_hours_by_person)
    found = [
        Overallocation(person, week, hours, capacity, list(tasks[(person, week)]))
        for person, weeks in load.items()
        for week, (hours, capacity) in weeks.items()
        if hours > capacity + TOLERANCE
    ]
    found.sort(key=lambda o: (-(o.booked - o.capacity), o.week, str(o.person_id)))
    return found


def _booked(
    bookings: Iterable[Booking], result: ScheduleResult
) -> tuple[dict[Any, dict[date, float]], dict[tuple[Any, date], dict[Any, None]]]:
    """Hours per person and week, and the tasks behind each (person, week)."""
    booked: dict[Any, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    tasks: dict[tuple[Any, date], dict[Any, None]] = defaultdict(dict)
    for booking in bookings:
        by_week = _task_hours_by_week(result, booking.task_id, booking.daily_hours)
        for week, hours in by_week.items():
            booked[booking.person_id][week] += hours
            tasks[(booking.person_id, week)][booking.task_id] = None
    return booked, tasks


def _load(
    booked: Mapping[Any, Mapping[date, float]],
    result: ScheduleResult,
    calendars_by_person: Mapping[Any, WorkCalendar],
    capacity_hours_by_person: Mapping[Any, float],
) -> Load:
    people = list(dict.fromkeys([*calendars_by_person, *booked]))
    weeks = _weeks(result.project_start, result.project_finish)
    load: Load = {}
    for person in people:
        calendar = calendars_by_person.get(person) or result.calendar or WorkCalendar()
        daily = capacity_hours_by_person.get(person, DEFAULT_DAILY_HOURS)
        hours = booked.get(person, {})
        load[person] = {
            week: (hours.get(week, 0.0), daily * _workdays_in_week(calendar, week))
            for week in sorted(set(weeks) | set(hours))
        }
    return load


def spare_capacity(load: Load) -> dict[Any, dict[date, float]]:
    """Free hours per person and week (never negative), from `weekly_load`."""
    return {
        person: {week: max(cap - hours, 0.0) for week, (hours, cap) in weeks.items()}
        for person, weeks in load.items()
    }


def suggest_fixes(
    overallocation: Overallocation,
    result: ScheduleResult,
    bookings: Iterable[Booking],
    skills_by_person: Mapping[Any, Iterable[str]],
    task_skill: Mapping[Any, str | None],
    free_capacity: Mapping[Any, Mapping[date, float]],
) -> list[Fix]:
    """Concrete fixes: move a non-critical task within its slack, or reassign it.

    A task moves to the first working day after the overloaded week when its
    total slack allows it; it is handed to the person with the most free hours
    that week among those with the task's skill (anyone, if it needs none).
    Moves that leave the successors alone come first, then the smallest moves,
    then hand-overs.
    """
    person, week = overallocation.person_id, overallocation.week
    moves: list[Fix] = []
    handovers: list[Fix] = []
    for booking in bookings:
        if (
            booking.person_id != person
            or booking.task_id not in overallocation.task_ids
        ):
            continue
        by_week = _task_hours_by_week(result, booking.task_id, booking.daily_hours)
        hours = by_week.get(week, 0.0)
        if hours <= 0:
            continue
        move = _move_out_of_week(result, booking.task_id, person, week, hours)
        if move is not None:
            moves.append(move)
        to_person = _best_stand_in(
            person,
            week,
            hours,
            task_skill.get(booking.task_id),
            skills_by_person,
            free_capacity,
        )
        if to_person is not None:
            handovers.append(
                Fix(
                    "reassign",
                    booking.task_id,
                    from_person=person,
                    to_person=to_person,
                    hours=hours,
                )
            )
    moves.sort(key=lambda f: (f.moves_successors, f.days or 0, -f.hours))
    return moves + handovers


def _move_out_of_week(
    result: ScheduleResult, task_id: Any, person: Any, week: date, hours: float
) -> Fix | None:
    """Start the task after the week, if it is movable and its slack allows."""
    planned, calendar = result.tasks[task_id], result.calendar
    if calendar is None or planned.critical or planned.manual:
        return None
    next_week = calendar.index_of(week + timedelta(days=7))
    days = next_week - calendar.index_of(planned.start)
    if not 0 < days <= planned.total_slack:
        return None
    return Fix(
        kind="move_within_slack",
        task_id=task_id,
        new_start=calendar.date_of(next_week),
        days=days,
        from_person=person,
        hours=hours,
        moves_successors=days > planned.free_slack,
    )


def _best_stand_in(
    person: Any,
    week: date,
    hours: float,
    skill: str | None,
    skills_by_person: Mapping[Any, Iterable[str]],
    free_capacity: Mapping[Any, Mapping[date, float]],
) -> Any:
    """The skilled person with the most free hours that week, if enough; or None."""
    candidates = [
        (free_capacity.get(other, {}).get(week, 0.0), str(other), other)
        for other, skills in skills_by_person.items()
        if other != person and (skill is None or skill in set(skills))
    ]
    if not candidates:
        return None
    spare, _name, other = min(candidates, key=lambda c: (-c[0], c[1]))
    return other if spare + TOLERANCE >= hours else None


def _weeks(start: date, finish: date) -> list[date]:
    first, last = monday(start), monday(finish)
    count = (last - first).days // 7 + 1
    return [first + timedelta(days=7 * k) for k in range(max(count, 0))]


def _workdays_in_week(calendar: WorkCalendar, week: date) -> int:
    return calendar.workdays_between(week, week + timedelta(days=6))
