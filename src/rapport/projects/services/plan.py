"""Tasks, dependencies, assignments and time entries: each change reschedules."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.accounts import selectors as account_selectors
from rapport.core import permissions
from rapport.core.errors import ValidationFailed
from rapport.core.search import index_record, unindex_record
from rapport.projects.models import (
    Assignment,
    Dependency,
    Phase,
    Project,
    ResourceProfile,
    Skill,
    Task,
    TimeEntry,
)
from rapport.projects.services import base
from rapport.projects.services.schedule import (
    project_calendar,
    request_reschedule,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User

_TASK_COMPUTED = set(Task.SCHEDULE_FIELDS) | {"project_id"}


def _check_task(project: Project, task: Task) -> None:
    """Refuse a phase or skill that does not exist and dates on days off."""
    errors: dict[str, list[str]] = {}
    if task.phase_id is not None:
        phase = Phase.objects.filter(pk=task.phase_id).first()
        if phase is None or phase.project_id != project.pk:
            errors["phase"] = [_("This phase belongs to another project.")]
    if (
        task.required_skill_id is not None
        and not Skill.objects.filter(pk=task.required_skill_id).exists()
    ):
        errors["required_skill"] = [_("No such record.")]
    if task.duration_days is not None and task.duration_days < 0:
        errors["duration_days"] = [_("A duration cannot be negative.")]
    calendar = project_calendar(project)
    base.require_workday(calendar, errors, "pinned_start", task.pinned_start)
    base.require_workday(calendar, errors, "constraint_date", task.constraint_date)
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def create_task(actor: User, project: Project, data: Mapping[str, Any]) -> Task:
    """Add a task to a project and reschedule it."""
    base.check_part(actor, permissions.ADD, Task, project)
    allowed = base.editable_fields(Task, without=_TASK_COMPUTED)
    values = base.clean_data(Task, data, allowed)
    if "position" not in values:
        last = project.tasks.order_by("-position").values_list("position", flat=True)
        values["position"] = (last.first() or 0) + 1
    task = Task(project=project, **values)
    _check_task(project, task)
    base.create(actor, task)
    index_record(task)
    request_reschedule(project, "task.created", actor)
    return task


@transaction.atomic
def update_task(
    actor: User,
    task: Task,
    data: Mapping[str, Any],
    version: int | None = None,
    reschedule_now: bool = True,
) -> dict[str, list[Any]]:
    """Change a task; the project is rescheduled in the worker."""
    project = task.project
    base.check_part(actor, permissions.CHANGE, Task, project)
    allowed = base.editable_fields(Task, without=_TASK_COMPUTED)
    values = base.clean_data(Task, data, allowed)
    if values.get("status") == Task.Status.DONE and "percent_complete" not in values:
        values["percent_complete"] = 100
    candidate = Task(**{**_task_values(task), **values})
    _check_task(project, candidate)
    diff = base.update(actor, task, values, version)
    if diff:
        index_record(task)
        if reschedule_now:
            request_reschedule(project, "task.updated", actor)
    return diff


def _task_values(task: Task) -> dict[str, Any]:
    return {f.attname: getattr(task, f.attname) for f in Task._meta.concrete_fields}


@transaction.atomic
def delete_task(actor: User, task: Task, version: int | None = None) -> None:
    """Delete a task with its dependencies, assignments and time entries."""
    project = task.project
    base.check_part(actor, permissions.DELETE, Task, project)
    unindex_record(task)
    base.delete(actor, task, version)
    request_reschedule(project, "task.deleted", actor)


# --- Dependencies --------------------------------------------------------------------


def _refuse_cycle(
    project: Project, link: Dependency, ignore: int | None = None
) -> None:
    """Refuse a dependency that would close a loop, naming the loop's tasks."""
    from rapport.scheduling import Dependency as EngineDependency
    from rapport.scheduling import find_cycle

    links = [
        EngineDependency(p, s)
        for pk, p, s in Dependency.objects.filter(project=project).values_list(
            "id", "predecessor_id", "successor_id"
        )
        if pk != ignore
    ]
    links.append(EngineDependency(link.predecessor_id, link.successor_id))
    task_ids = {x for dep in links for x in (dep.predecessor, dep.successor)}
    cycle = find_cycle(sorted(task_ids), links)
    if cycle:
        names = dict(Task.objects.filter(pk__in=cycle).values_list("id", "name"))
        loop = " → ".join(
            names.get(task_id, str(task_id)) for task_id in [*cycle, cycle[0]]
        )
        raise ValidationFailed.single(
            "predecessor",
            _("Dependencies would form a loop: %(loop)s") % {"loop": loop},
        )


def _dependency_values(project: Project, data: Mapping[str, Any]) -> dict[str, Any]:
    values = base.clean_data(
        Dependency, data, {"predecessor_id", "successor_id", "type", "lag"}
    )
    errors: dict[str, list[str]] = {}
    for name in ("predecessor_id", "successor_id"):
        if name in values:
            task = Task.objects.filter(pk=values[name]).only("project_id").first()
            if task is None or task.project_id != project.pk:
                errors[name.removesuffix("_id")] = [
                    _("This task belongs to another project.")
                ]
    lag = values.get("lag")
    if lag is not None and not -2000 <= lag <= 2000:
        errors["lag"] = [_("A lag must lie within ±2,000 working days.")]
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def create_dependency(
    actor: User, project: Project, data: Mapping[str, Any]
) -> Dependency:
    """Make one task wait on another; a loop is refused, naming its tasks."""
    base.check_part(actor, permissions.ADD, Dependency, project)
    link = Dependency(project=project, **_dependency_values(project, data))
    base.full_clean_or_fail(link)
    _refuse_cycle(project, link)
    base.create(actor, link)
    request_reschedule(project, "dependency.created", actor)
    return link


@transaction.atomic
def update_dependency(
    actor: User, link: Dependency, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a dependency's tasks, type or lag."""
    project = link.project
    base.check_part(actor, permissions.CHANGE, Dependency, project)
    values = _dependency_values(project, data)
    candidate = Dependency(
        project=project,
        predecessor_id=values.get("predecessor_id", link.predecessor_id),
        successor_id=values.get("successor_id", link.successor_id),
    )
    _refuse_cycle(project, candidate, ignore=link.pk)
    diff = base.update(actor, link, values, version)
    if diff:
        request_reschedule(project, "dependency.updated", actor)
    return diff


@transaction.atomic
def delete_dependency(
    actor: User, link: Dependency, version: int | None = None
) -> None:
    """Remove a dependency."""
    project = link.project
    base.check_part(actor, permissions.DELETE, Dependency, project)
    base.delete(actor, link, version)
    request_reschedule(project, "dependency.deleted", actor)


# --- Assignments ---------------------------------------------------------------------


def _person(actor: User, user_id: Any, field: str = "user") -> Any:
    if user_id in (None, ""):
        raise ValidationFailed.single(field, _("This field is required."))
    person = account_selectors.assignable_users(actor).filter(pk=user_id).first()
    if person is None:
        raise ValidationFailed.single(field, _("You cannot assign this person."))
    return person


@transaction.atomic
def create_assignment(actor: User, task: Task, data: Mapping[str, Any]) -> Assignment:
    """Put a person on a task for a share of their time."""
    base.check_part(actor, permissions.ADD, Assignment, task.project)
    values = base.clean_data(Assignment, data, {"user_id", "share"})
    person = _person(actor, values.get("user_id"))
    if Assignment.objects.filter(task=task, user=person).exists():
        raise ValidationFailed.single("user", _("This person is already on the task."))
    assignment = Assignment(task=task, user=person, share=values.get("share", 100))
    base.create(actor, assignment)
    request_reschedule(task.project, "assignment.created", actor)
    return assignment


@transaction.atomic
def update_assignment(
    actor: User,
    assignment: Assignment,
    data: Mapping[str, Any],
    version: int | None = None,
) -> dict[str, list[Any]]:
    """Change the share of time a person gives a task."""
    project = assignment.task.project
    base.check_part(actor, permissions.CHANGE, Assignment, project)
    values = base.clean_data(Assignment, data, {"share"})
    diff = base.update(actor, assignment, values, version)
    if diff:
        request_reschedule(project, "assignment.updated", actor)
    return diff


@transaction.atomic
def delete_assignment(
    actor: User, assignment: Assignment, version: int | None = None
) -> None:
    """Take a person off a task."""
    project = assignment.task.project
    base.check_part(actor, permissions.DELETE, Assignment, project)
    base.delete(actor, assignment, version)
    request_reschedule(project, "assignment.deleted", actor)


# --- Time entries --------------------------------------------------------------------


def cost_rate_of(user_id: int) -> Decimal:
    rate = (
        ResourceProfile.objects.filter(user_id=user_id)
        .values_list("cost_rate", flat=True)
        .first()
    )
    return rate if rate is not None else Decimal("0")


@transaction.atomic
def create_time_entry(actor: User, task: Task, data: Mapping[str, Any]) -> TimeEntry:
    """Log hours on a task, at the person's current cost rate."""
    base.check_part(actor, permissions.ADD, TimeEntry, task.project)
    values = base.clean_data(TimeEntry, data, {"user_id", "date", "hours", "note"})
    user_id = values.pop("user_id", None) or actor.pk
    person = actor if user_id == actor.pk else _person(actor, user_id)
    entry = TimeEntry(
        task=task, user=person, cost_rate=cost_rate_of(person.pk), **values
    )
    return base.create(actor, entry)  # type: ignore[no-any-return]


@transaction.atomic
def update_time_entry(
    actor: User, entry: TimeEntry, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Correct the date, hours or note of a time entry."""
    base.check_part(actor, permissions.CHANGE, TimeEntry, entry.task.project)
    values = base.clean_data(TimeEntry, data, {"date", "hours", "note"})
    return base.update(actor, entry, values, version)


@transaction.atomic
def delete_time_entry(
    actor: User, entry: TimeEntry, version: int | None = None
) -> None:
    """Delete a time entry."""
    base.check_part(actor, permissions.DELETE, TimeEntry, entry.task.project)
    base.delete(actor, entry, version)
