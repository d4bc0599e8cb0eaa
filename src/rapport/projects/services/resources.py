"""Calendars, skills, people's resource profiles and leave; each change reschedules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.core import permissions
from rapport.core.errors import NotFound, ValidationFailed
from rapport.projects.models import (
    Assignment,
    Calendar,
    CalendarDay,
    Leave,
    Project,
    ResourceProfile,
    Skill,
)
from rapport.projects.services import base
from rapport.projects.services.schedule import request_reschedule

if TYPE_CHECKING:
    from rapport.accounts.models import User


def person_in_scope(actor: User, person: Any) -> bool:
    """Whether a person's leave and profile lie inside the actor's data scope."""
    if actor.data_scope == permissions.Scope.ALL:
        return True
    if actor.data_scope == permissions.Scope.TEAM and actor.team_id is not None:
        return bool(person.team_id == actor.team_id)
    return bool(person.pk == actor.pk)


def _check_person(actor: User, action: str, model: type, person: Any) -> None:
    kind = base.kind(model)
    if not permissions.may(actor, permissions.VIEW, kind) or not person_in_scope(
        actor, person
    ):
        raise NotFound()
    permissions.require(actor, action, kind)


def _reschedule_projects_of(user_ids: Iterable[int], trigger: str, actor: Any) -> None:
    """Queue a reschedule of every open project the people work on."""
    projects = (
        Assignment.objects.filter(
            user_id__in=list(user_ids),
            task__project__status__in=Project.OPEN_STATUSES,
        )
        .values_list("task__project_id", flat=True)
        .distinct()
    )
    for project_id in projects:
        request_reschedule(project_id, trigger, actor)


# --- Calendars -----------------------------------------------------------------------

_CALENDAR_FIELDS = {"name", "weekend", "china_holidays", "is_default"}


def _check_weekend(values: Mapping[str, Any]) -> None:
    weekend = values.get("weekend")
    if weekend is None:
        return
    if (
        not isinstance(weekend, list)
        or any(not isinstance(d, int) or not 0 <= d <= 6 for d in weekend)
        or len(set(weekend)) == 7
    ):
        raise ValidationFailed.single(
            "weekend",
            _("List the days off as numbers 0 (Monday) to 6 (Sunday), not all seven."),
        )


def _one_default(calendar: Calendar) -> None:
    if calendar.is_default:
        Calendar.objects.exclude(pk=calendar.pk).filter(is_default=True).update(
            is_default=False
        )


def _reschedule_calendar_projects(calendar: Calendar, trigger: str, actor: Any) -> None:
    projects = Project.objects.filter(status__in=Project.OPEN_STATUSES)
    if calendar.is_default:
        projects = projects.filter(calendar__isnull=True) | projects.filter(
            calendar=calendar
        )
    else:
        projects = projects.filter(calendar=calendar)
    for project_id in projects.values_list("id", flat=True):
        request_reschedule(project_id, trigger, actor)


@transaction.atomic
def create_calendar(actor: User, data: Mapping[str, Any]) -> Calendar:
    """Create a working calendar."""
    permissions.require(actor, permissions.ADD, base.kind(Calendar))
    values = base.clean_data(Calendar, data, _CALENDAR_FIELDS)
    _check_weekend(values)
    calendar = base.create(actor, Calendar(**values))
    _one_default(calendar)
    return calendar  # type: ignore[no-any-return]


@transaction.atomic
def update_calendar(
    actor: User, calendar: Calendar, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a calendar's week or holidays; its projects are rescheduled."""
    permissions.require(actor, permissions.CHANGE, base.kind(Calendar))
    values = base.clean_data(Calendar, data, _CALENDAR_FIELDS)
    _check_weekend(values)
    diff = base.update(actor, calendar, values, version)
    if diff:
        _one_default(calendar)
        _reschedule_calendar_projects(calendar, "calendar.updated", actor)
    return diff


@transaction.atomic
def delete_calendar(
    actor: User, calendar: Calendar, version: int | None = None
) -> None:
    """Delete a calendar no project uses."""
    permissions.require(actor, permissions.DELETE, base.kind(Calendar))
    base.delete(actor, calendar, version)


@transaction.atomic
def set_calendar_day(
    actor: User, calendar: Calendar, data: Mapping[str, Any]
) -> CalendarDay:
    """Make one date a holiday or an extra working day of the calendar."""
    permissions.require(actor, permissions.CHANGE, base.kind(Calendar))
    values = base.clean_data(CalendarDay, data, {"date", "is_working", "note"})
    if values.get("date") is None:
        raise ValidationFailed.single("date", _("This field is required."))
    day, _created = CalendarDay.objects.update_or_create(
        calendar=calendar,
        date=values["date"],
        defaults={
            "is_working": values.get("is_working", False),
            "note": values.get("note", ""),
        },
    )
    base.record_change(actor, day)
    _reschedule_calendar_projects(calendar, "calendar.updated", actor)
    return day


@transaction.atomic
def delete_calendar_day(actor: User, day: CalendarDay) -> None:
    """Let a date follow the calendar's week and China's holidays again."""
    permissions.require(actor, permissions.CHANGE, base.kind(Calendar))
    calendar = day.calendar
    base.delete_plain(actor, day)
    _reschedule_calendar_projects(calendar, "calendar.updated", actor)


# --- Skills --------------------------------------------------------------------------


@transaction.atomic
def create_skill(actor: User, data: Mapping[str, Any]) -> Skill:
    """Add a skill people can have and tasks can require."""
    permissions.require(actor, permissions.ADD, base.kind(Skill))
    values = base.clean_data(Skill, data, {"code", "name", "name_zh"})
    return base.create(actor, Skill(**values))  # type: ignore[no-any-return]


@transaction.atomic
def update_skill(
    actor: User, skill: Skill, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Rename a skill."""
    permissions.require(actor, permissions.CHANGE, base.kind(Skill))
    values = base.clean_data(Skill, data, {"code", "name", "name_zh"})
    return base.update(actor, skill, values, version)


# --- Resource profiles ---------------------------------------------------------------


def _skills(values: dict[str, Any]) -> list[Skill] | None:
    codes = values.pop("skills", None)
    if codes is None:
        return None
    found = list(Skill.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {s.code for s in found})
    if missing:
        raise ValidationFailed.single(
            "skills", _("Unknown skills: %(codes)s") % {"codes": ", ".join(missing)}
        )
    return found


_PROFILE_FIELDS = {
    "daily_capacity_hours",
    "cost_rate",
    "currency",
    "calendar_id",
    "skills",
}


@transaction.atomic
def save_resource_profile(
    actor: User, person: Any, data: Mapping[str, Any], version: int | None = None
) -> ResourceProfile:
    """Set a person's daily capacity, cost rate, calendar and skills (by code)."""
    _check_person(actor, permissions.CHANGE, ResourceProfile, person)
    values = base.clean_data(ResourceProfile, data, _PROFILE_FIELDS)
    skills = _skills(values)
    if values.get("calendar_id") is not None:
        base.related(Calendar, values["calendar_id"], "calendar")
    profile = ResourceProfile.objects.filter(user=person).first()
    if profile is None:
        profile = base.create(actor, ResourceProfile(user=person, **values))
    else:
        base.update(actor, profile, values, version)
    if skills is not None:
        profile.skills.set(skills)
    _reschedule_projects_of([person.pk], "resource.updated", actor)
    return profile


# --- Leave ---------------------------------------------------------------------------


@transaction.atomic
def create_leave(actor: User, person: Any, data: Mapping[str, Any]) -> Leave:
    """Record days a person is away; their projects' load is recomputed."""
    _check_person(actor, permissions.ADD, Leave, person)
    values = base.clean_data(Leave, data, {"start_date", "end_date", "reason"})
    leave = base.create(actor, Leave(user=person, **values))
    _reschedule_projects_of([person.pk], "leave.created", actor)
    return leave  # type: ignore[no-any-return]


@transaction.atomic
def update_leave(
    actor: User, leave: Leave, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change the dates or reason of a leave."""
    _check_person(actor, permissions.CHANGE, Leave, leave.user)
    values = base.clean_data(Leave, data, {"start_date", "end_date", "reason"})
    diff = base.update(actor, leave, values, version)
    if diff:
        _reschedule_projects_of([leave.user_id], "leave.updated", actor)
    return diff


@transaction.atomic
def delete_leave(actor: User, leave: Leave, version: int | None = None) -> None:
    """Cancel a leave."""
    _check_person(actor, permissions.DELETE, Leave, leave.user)
    user_id = leave.user_id
    base.delete(actor, leave, version)
    _reschedule_projects_of([user_id], "leave.deleted", actor)
