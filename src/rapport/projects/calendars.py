"""The engine's working calendar for a stored calendar, a project or a person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from rapport.projects.models import Calendar, Project

if TYPE_CHECKING:
    from rapport.scheduling import WorkCalendar


def project_calendar(project: Project) -> WorkCalendar:
    """The engine's calendar for a project: its own, else the default one."""
    calendar = project.calendar if project.calendar_id else default_calendar()
    return work_calendar(calendar)


def default_calendar() -> Calendar | None:
    return Calendar.objects.filter(is_default=True).order_by("id").first()


def work_calendar(
    calendar: Calendar | None, leave: Iterable[date] = ()
) -> WorkCalendar:
    """The engine's view of a stored calendar (China's plain week if none)."""
    from rapport.scheduling import WorkCalendar

    if calendar is None:
        return WorkCalendar(leave=leave)
    days = list(calendar.days.values_list("date", "is_working"))
    return WorkCalendar(
        weekend=frozenset(calendar.weekend),
        holidays=[d for d, working in days if not working],
        extra_workdays=[d for d, working in days if working],
        china=calendar.china_holidays,
        leave=leave,
    )
