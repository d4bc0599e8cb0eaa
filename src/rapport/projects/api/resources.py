"""Calendars, skills, templates, people's resource profiles and leave."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from ninja import Query

from rapport.core import permissions
from rapport.core.api import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Id,
    ListQuery,
    Page,
    expected_version,
    paginate,
)
from rapport.core.errors import NotFound
from rapport.projects import selectors, services
from rapport.projects.api.common import (
    DELETED,
    actor,
    created,
    deleted,
    exact,
    fields,
    one,
    router,
)
from rapport.projects.schemas import (
    CalendarDayIn,
    CalendarDayOut,
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    LeaveIn,
    LeaveOut,
    LeavePatch,
    PersonFilter,
    ResourceIn,
    ResourceOut,
    SkillIn,
    SkillOut,
    SkillPatch,
    TemplateFilter,
    TemplateOut,
)
from rapport.projects.services.resources import person_in_scope

CALENDARS = ["calendars"]
RESOURCES = ["resources"]


def _calendar(request: HttpRequest, pk: int) -> Any:
    return selectors.get(selectors.calendars(actor(request)), pk)


@router.get(
    "/calendars", response={200: Page[CalendarOut], **COMMON_ERRORS}, tags=CALENDARS
)
def list_calendars(
    request: HttpRequest, response: HttpResponse, query: Query[ListQuery]
) -> Any:
    """Working calendars with their exception days."""
    return paginate(request, response, selectors.calendars(actor(request)), query)


@router.post("/calendars", response={201: CalendarOut, **WRITE_ERRORS}, tags=CALENDARS)
def create_calendar(
    request: HttpRequest, response: HttpResponse, payload: CalendarIn
) -> Any:
    """Create a working calendar."""
    calendar = services.create_calendar(actor(request), fields(payload))
    return created(request, response, _calendar(request, calendar.pk), "/calendars")


@router.get(
    "/calendars/{calendar_id}",
    response={200: CalendarOut, **COMMON_ERRORS},
    tags=CALENDARS,
)
def get_calendar(request: HttpRequest, response: HttpResponse, calendar_id: Id) -> Any:
    """One calendar."""
    return one(response, _calendar(request, calendar_id))


@router.patch(
    "/calendars/{calendar_id}",
    response={200: CalendarOut, **WRITE_ERRORS},
    tags=CALENDARS,
)
def update_calendar(
    request: HttpRequest,
    response: HttpResponse,
    calendar_id: Id,
    payload: CalendarPatch,
) -> Any:
    """Change the week or the holiday rule; the calendar's projects are rescheduled."""
    calendar = _calendar(request, calendar_id)
    services.update_calendar(
        actor(request), calendar, fields(payload), expected_version(request, calendar)
    )
    return one(response, _calendar(request, calendar_id))


@router.delete("/calendars/{calendar_id}", response=DELETED, tags=CALENDARS)
def delete_calendar(request: HttpRequest, calendar_id: Id) -> HttpResponse:
    """Delete a calendar no project uses."""
    calendar = _calendar(request, calendar_id)
    services.delete_calendar(
        actor(request), calendar, expected_version(request, calendar)
    )
    return deleted()


@router.put(
    "/calendars/{calendar_id}/days",
    response={200: CalendarDayOut, **WRITE_ERRORS},
    tags=CALENDARS,
)
def set_calendar_day(
    request: HttpRequest, calendar_id: Id, payload: CalendarDayIn
) -> Any:
    """Make a date a company holiday or an extra working day."""
    return services.set_calendar_day(
        actor(request), _calendar(request, calendar_id), fields(payload)
    )


@router.delete("/calendars/{calendar_id}/days/{day}", response=DELETED, tags=CALENDARS)
def delete_calendar_day(
    request: HttpRequest, calendar_id: Id, day: date
) -> HttpResponse:
    """Let a date follow the week and China's holidays again."""
    calendar = _calendar(request, calendar_id)
    found = calendar.days.filter(date=day).first()
    if found is None:
        raise NotFound()
    services.delete_calendar_day(actor(request), found)
    return deleted()


# --- Skills and templates ------------------------------------------------------------


@router.get("/skills", response={200: Page[SkillOut], **COMMON_ERRORS}, tags=RESOURCES)
def list_skills(
    request: HttpRequest, response: HttpResponse, query: Query[ListQuery]
) -> Any:
    """Skills people can have and tasks can require."""
    return paginate(request, response, selectors.skills(actor(request)), query)


@router.post("/skills", response={201: SkillOut, **WRITE_ERRORS}, tags=RESOURCES)
def create_skill(request: HttpRequest, response: HttpResponse, payload: SkillIn) -> Any:
    """Add a skill."""
    skill = services.create_skill(actor(request), fields(payload))
    return created(request, response, skill, "/skills")


@router.patch(
    "/skills/{skill_id}", response={200: SkillOut, **WRITE_ERRORS}, tags=RESOURCES
)
def update_skill(
    request: HttpRequest, response: HttpResponse, skill_id: Id, payload: SkillPatch
) -> Any:
    """Rename a skill."""
    skill = selectors.get(selectors.skills(actor(request)), skill_id)
    services.update_skill(
        actor(request), skill, fields(payload), expected_version(request, skill)
    )
    return one(response, skill)


@router.get(
    "/project-templates",
    response={200: Page[TemplateOut], **COMMON_ERRORS},
    tags=["projects"],
)
def list_templates(
    request: HttpRequest, response: HttpResponse, query: Query[TemplateFilter]
) -> Any:
    """The templates won deals become projects from, by project type."""
    rows = exact(
        selectors.templates(actor(request)).prefetch_related("tasks"),
        project_type=query.project_type,
    )
    return paginate(request, response, rows, query)


# --- People: resource profiles and leave ---------------------------------------------


def _person(request: HttpRequest, user_id: int) -> Any:
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None or not person_in_scope(actor(request), person):
        raise NotFound()
    return person


@router.get(
    "/resources", response={200: Page[ResourceOut], **COMMON_ERRORS}, tags=RESOURCES
)
def list_resources(
    request: HttpRequest, response: HttpResponse, query: Query[PersonFilter]
) -> Any:
    """Capacity, cost rates and skills of the people in the caller's scope."""
    rows = exact(selectors.resource_profiles(actor(request)), user_id=query.user)
    return paginate(request, response, rows, query)


@router.put(
    "/resources/{user_id}", response={200: ResourceOut, **WRITE_ERRORS}, tags=RESOURCES
)
def save_resource(
    request: HttpRequest, response: HttpResponse, user_id: Id, payload: ResourceIn
) -> Any:
    """Set a person's capacity, cost rate, calendar and skills (creates the profile)."""
    person = _person(request, user_id)
    current = selectors.resource_profiles(actor(request)).filter(user=person).first()
    version = expected_version(request, current) if current is not None else None
    profile = services.save_resource_profile(
        actor(request), person, fields(payload), version
    )
    found = selectors.get(selectors.resource_profiles(actor(request)), profile.pk)
    return one(response, found)


@router.get("/leave", response={200: Page[LeaveOut], **COMMON_ERRORS}, tags=RESOURCES)
def list_leave(
    request: HttpRequest, response: HttpResponse, query: Query[PersonFilter]
) -> Any:
    """Leave of the people in the caller's scope."""
    rows = exact(selectors.leaves(actor(request)), user_id=query.user)
    return paginate(request, response, rows, query)


@router.post(
    "/resources/{user_id}/leave",
    response={201: LeaveOut, **WRITE_ERRORS},
    tags=RESOURCES,
)
def create_leave(
    request: HttpRequest, response: HttpResponse, user_id: Id, payload: LeaveIn
) -> Any:
    """Record days the person is away."""
    leave = services.create_leave(
        actor(request), _person(request, user_id), fields(payload)
    )
    return created(request, response, leave, "/leave")


def _leave(request: HttpRequest, pk: int) -> Any:
    return selectors.get(selectors.leaves(actor(request)), pk)


@router.patch(
    "/leave/{leave_id}", response={200: LeaveOut, **WRITE_ERRORS}, tags=RESOURCES
)
def update_leave(
    request: HttpRequest, response: HttpResponse, leave_id: Id, payload: LeavePatch
) -> Any:
    """Change the dates or reason."""
    leave = _leave(request, leave_id)
    services.update_leave(
        actor(request), leave, fields(payload), expected_version(request, leave)
    )
    return one(response, leave)


@router.delete("/leave/{leave_id}", response=DELETED, tags=RESOURCES)
def delete_leave(request: HttpRequest, leave_id: Id) -> HttpResponse:
    """Cancel a leave."""
    leave = _leave(request, leave_id)
    services.delete_leave(actor(request), leave, expected_version(request, leave))
    return deleted()


_ = permissions  # the scope rules live in the selectors and services
