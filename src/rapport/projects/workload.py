"""People's booked hours by week across every open project, from the stored schedule.

The engine's `weekly_load` works on one schedule; here the stored dates of all
the tasks people are assigned to in a window are put into one schedule (task
ids are unique across projects), so a person's load counts every project.
A booking takes the assignment's share of the person's daily capacity on each
working day of the task, as a resource's "units" do in project tools.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rapport.projects.calendars import default_calendar, work_calendar
from rapport.projects.models import Assignment, Leave, Project, ResourceProfile

if TYPE_CHECKING:
    from rapport.scheduling import Booking, ScheduleResult, WorkCalendar

DEFAULT_CAPACITY = 8.0


@dataclass
class Workload:
    """Everything the load questions need, loaded once for a window of weeks."""

    start: date
    end: date
    result: ScheduleResult
    bookings: list[Booking]
    calendars: dict[int, WorkCalendar]
    capacity: dict[int, float]
    skills: dict[int, set[str]]
    names: dict[int, str]
    task_names: dict[int, str] = field(default_factory=dict)
    task_skill: dict[int, str | None] = field(default_factory=dict)
    task_project: dict[int, int] = field(default_factory=dict)

    def load(self) -> dict[int, dict[date, tuple[float, float]]]:
        """Booked and available hours per person and week, inside the window."""
        from rapport.scheduling import weekly_load

        found = weekly_load(self.bookings, self.result, self.calendars, self.capacity)
        first = monday(self.start)
        return {
            person: {w: v for w, v in weeks.items() if first <= w <= self.end}
            for person, weeks in found.items()
        }


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build(
    start: date,
    end: date,
    people: list[int] | None = None,
    project_ids: list[int] | None = None,
) -> Workload:
    """Load the assignments, people and calendars of a window (a few queries)."""
    from rapport.scheduling import Booking, ScheduleResult, TaskSchedule

    assignments = Assignment.objects.filter(
        task__project__status__in=Project.OPEN_STATUSES,
        task__start__lte=end,
        task__finish__gte=start,
    ).select_related("task", "task__required_skill", "user")
    if people is not None:
        assignments = assignments.filter(user_id__in=people)
    if project_ids is not None:
        assignments = assignments.filter(task__project_id__in=project_ids)
    rows = list(assignments)

    profiles = {
        p.user_id: p
        for p in ResourceProfile.objects.prefetch_related("skills").select_related(
            "user"
        )
    }
    person_ids = set(people or []) | {a.user_id for a in rows}
    if people is None:
        person_ids |= set(profiles)
    base_calendar = work_calendar(default_calendar())
    leave: dict[int, list[date]] = defaultdict(list)
    for user_id, first, last in Leave.objects.filter(
        user_id__in=person_ids, end_date__gte=start - timedelta(days=7)
    ).values_list("user_id", "start_date", "end_date"):
        leave[user_id].extend(
            first + timedelta(days=k) for k in range((last - first).days + 1)
        )

    capacity = {
        pid: float(profiles[pid].daily_capacity_hours)
        if pid in profiles
        else DEFAULT_CAPACITY
        for pid in person_ids
    }
    tasks: dict[int, Any] = {}
    bookings = []
    workload_names = {a.user_id: str(a.user) for a in rows}
    workload_names.update({pid: str(p.user) for pid, p in profiles.items()})
    task_names, task_skill, task_project = {}, {}, {}
    for a in rows:
        task = a.task
        if task.start is None or task.finish is None:
            continue  # never scheduled yet
        tasks[task.pk] = TaskSchedule(
            early_start=task.early_start or task.start,
            early_finish=task.early_finish or task.finish,
            late_start=task.late_start or task.start,
            late_finish=task.late_finish or task.finish,
            total_slack=task.total_slack or 0,
            free_slack=task.free_slack or 0,
            critical=task.is_critical,
            start=task.start,
            finish=task.finish,
            manual=task.scheduling == "manual",
            duration=task.duration_days,
        )
        task_names[task.pk] = task.name
        task_skill[task.pk] = task.required_skill.code if task.required_skill else None
        task_project[task.pk] = task.project_id
        bookings.append(
            Booking(a.task_id, a.user_id, a.share / 100, capacity[a.user_id])
        )
    result = ScheduleResult(
        tasks=tasks,
        project_start=start,
        project_finish=end,
        critical_path=[],
        warnings=[],
        duration_days=0,
        calendar=base_calendar,
    )
    return Workload(
        start=start,
        end=end,
        result=result,
        bookings=bookings,
        calendars={
            pid: base_calendar.with_leave(leave[pid])
            if leave.get(pid)
            else base_calendar
            for pid in person_ids
        },
        capacity=capacity,
        skills={pid: {s.code for s in p.skills.all()} for pid, p in profiles.items()},
        names=workload_names,
        task_names=task_names,
        task_skill=task_skill,
        task_project=task_project,
    )
