"""Projects and phases: created by hand, from a template or from a won deal."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from rapport.accounts import selectors as account_selectors
from rapport.core import permissions
from rapport.core.errors import ValidationFailed
from rapport.core.search import index_record, unindex_record
from rapport.core.services import notify
from rapport.crm import selectors as crm_selectors
from rapport.projects import defaults
from rapport.projects.models import (
    Calendar,
    Dependency,
    Phase,
    Project,
    ProjectTemplate,
    Task,
    TemplateDependency,
    TemplateTask,
)
from rapport.projects.services import base
from rapport.projects.services.schedule import (
    project_calendar,
    request_reschedule,
    reschedule,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User

logger = logging.getLogger(__name__)

# Fields a caller never sets: the reschedule and the service compute them.
_COMPUTED = {
    "team_id",
    "planned_finish",
    "forecast_finish",
    "critical_path_days",
    "last_scheduled_at",
    "schedule_error",
    "schedule_warnings",
    "closed_at",
}
_SCHEDULE_INPUTS = {"start_date", "calendar_id"}


def ensure_default_templates() -> dict[str, int]:
    """Install the shipped skills, calendar and templates that are missing."""
    from django.apps import apps

    return defaults.install(lambda name: apps.get_model("projects", name))


def _owner(actor: User, owner_id: Any) -> User:
    if owner_id in (None, "", actor.pk):
        return actor
    owner = account_selectors.assignable_users(actor).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationFailed.single(
            "owner", _("You cannot assign records to this person.")
        )
    return owner


def _next_code() -> str:
    last = Project.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"P{timezone.localdate():%y}-{last + 1:05d}"


def _check_links(actor: User, values: Mapping[str, Any]) -> None:
    """The company and deal must exist and lie inside the actor's scope."""
    errors: dict[str, list[str]] = {}
    if (
        values.get("company_id") is not None
        and not crm_selectors.companies(actor).filter(pk=values["company_id"]).exists()
    ):
        errors["company"] = [_("No such record.")]
    deal_id = values.get("deal_id")
    if deal_id is not None:
        deal = crm_selectors.deals(actor).filter(pk=deal_id).first()
        if deal is None:
            errors["deal"] = [_("No such record.")]
        elif deal.company_id != values.get("company_id"):
            errors["deal"] = [_("This deal belongs to another company.")]
    for name, model in (("calendar_id", Calendar), ("template_id", ProjectTemplate)):
        if values.get(name) is not None:
            base.related(model, values[name], name.removesuffix("_id"))
    if errors:
        raise ValidationFailed(errors)


def _check_start(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    if project.start_date:
        base.require_workday(
            project_calendar(project), errors, "start_date", project.start_date
        )
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def create_project(actor: User, data: Mapping[str, Any]) -> Project:
    """Create a project; with a template, its phases, tasks and dependencies too."""
    permissions.require(actor, permissions.ADD, base.kind(Project))
    allowed = base.editable_fields(Project, without=_COMPUTED)
    values = base.clean_data(Project, data, allowed)
    _check_links(actor, values)
    owner = _owner(actor, values.pop("owner_id", None))
    values["code"] = values.get("code") or _next_code()
    project = Project(**values, owner_id=owner.pk, team_id=owner.team_id)
    _check_start(project)
    base.create(actor, project)
    index_record(project)
    if project.template_id and project.template is not None:
        copy_template(project, project.template)
    request_reschedule(project, "project.created", actor)
    return project


def copy_template(project: Project, template: ProjectTemplate) -> list[Task]:
    """Give the project the template's phases, tasks and dependencies (bulk)."""
    phases = {
        row.pk: Phase.objects.create(
            project=project, name=row.label, position=row.position
        )
        for row in template.phases.order_by("position")
    }
    rows = list(TemplateTask.objects.filter(template=template).order_by("position"))
    tasks = [
        Task(
            project=project,
            phase=phases[row.phase_id],
            name=row.label,
            position=row.position,
            duration_days=row.duration_days,
            estimated_hours=row.estimated_hours,
            required_skill_id=row.skill_id,
            is_milestone=row.is_milestone,
        )
        for row in rows
    ]
    created = Task.objects.bulk_create(tasks)
    if any(t.pk is None for t in created):  # MariaDB returns no ids
        created = list(Task.objects.filter(project=project).order_by("position"))
    by_template = {row.pk: task for row, task in zip(rows, created, strict=True)}
    Dependency.objects.bulk_create(
        [
            Dependency(
                project=project,
                predecessor=by_template[link.predecessor_id],
                successor=by_template[link.successor_id],
                type=link.type,
                lag=link.lag,
            )
            for link in TemplateDependency.objects.filter(template=template)
        ]
    )
    return created


@transaction.atomic
def update_project(
    actor: User, project: Project, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a project's fields; a new start or calendar reschedules it."""
    base.check_project(actor, permissions.CHANGE, project)
    allowed = base.editable_fields(Project, without=_COMPUTED | {"code"}) | {"code"}
    values = base.clean_data(Project, data, allowed)
    _check_links(actor, {"company_id": project.company_id, **values})
    if "owner_id" in values:
        owner = _owner(actor, values["owner_id"])
        values.update(owner_id=owner.pk, team_id=owner.team_id)
    status = values.get("status")
    if status and status != project.status:
        closing = status in (Project.Status.COMPLETED, Project.Status.CANCELLED)
        values["closed_at"] = timezone.now() if closing else None
    for name, value in values.items():
        setattr(project, name, value)
    _check_start(project)
    diff = base.update(actor, project, values, version)
    if diff:
        index_record(project)
    if _SCHEDULE_INPUTS & {f"{k}_id" if k == "calendar" else k for k in diff}:
        request_reschedule(project, "project.updated", actor)
    return diff


@transaction.atomic
def delete_project(actor: User, project: Project, version: int | None = None) -> None:
    """Delete a project with its plan, time entries and history."""
    base.check_project(actor, permissions.DELETE, project)
    unindex_record(project)
    base.delete(actor, project, version)


@transaction.atomic
def set_customer_risk(company_id: int, level: str) -> int:
    """Mark the customer's open projects with its risk level (from the messages app)."""
    if level not in Project.Risk.values:
        raise ValidationFailed.single("customer_risk", _("Unknown risk level."))
    return Project.objects.filter(
        company_id=company_id, status__in=Project.OPEN_STATUSES
    ).update(customer_risk=level)


# --- Phases --------------------------------------------------------------------------


@transaction.atomic
def create_phase(actor: User, project: Project, data: Mapping[str, Any]) -> Phase:
    """Add a phase to a project."""
    base.check_part(actor, permissions.ADD, Phase, project)
    values = base.clean_data(Phase, data, {"name", "position"})
    return base.create(actor, Phase(project=project, **values))  # type: ignore[no-any-return]


@transaction.atomic
def update_phase(
    actor: User, phase: Phase, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Rename or reorder a phase."""
    base.check_part(actor, permissions.CHANGE, Phase, phase.project)
    values = base.clean_data(Phase, data, {"name", "position"})
    return base.update(actor, phase, values, version)


@transaction.atomic
def delete_phase(actor: User, phase: Phase, version: int | None = None) -> None:
    """Delete a phase; its tasks stay, without a phase."""
    base.check_part(actor, permissions.DELETE, Phase, phase.project)
    base.delete(actor, phase, version)


# --- From a won deal -----------------------------------------------------------------


def project_manager_for(team_id: int | None) -> Any:
    """Who runs a new project of the team: its project manager, else its manager."""
    users = get_user_model().objects.filter(is_active=True)
    if team_id is not None:
        pm = (
            users.filter(team_id=team_id, role="project_manager").order_by("id").first()
        )
        if pm is not None:
            return pm
        team = account_selectors.teams().filter(pk=team_id).first()
        if team is not None and team.manager_id:
            return users.filter(pk=team.manager_id).first()
    return users.filter(role="project_manager").order_by("id").first()


def template_for(project_type: str) -> ProjectTemplate | None:
    found = ProjectTemplate.objects.filter(project_type=project_type, is_active=True)
    return found.order_by("id").first() or (
        ProjectTemplate.objects.filter(is_active=True).order_by("id").first()
    )


@transaction.atomic
def create_project_from_deal(deal_id: int, start: date | None = None) -> Project | None:
    """Turn a won deal into a scheduled project, once; tell its project manager.

    Called by the `deal.won` consumer, so it acts as the system: the project
    belongs to the deal's team and its project manager. A deal that already
    has a project gets no second one.
    """
    deal = crm_selectors.won_deal(deal_id)
    if deal is None:
        return None
    existing = Project.objects.filter(deal_id=deal.pk).first()
    if existing is not None:
        return existing
    manager = project_manager_for(deal.team_id) or deal.owner
    template = template_for(deal.project_type)
    calendar = Calendar.objects.filter(is_default=True).order_by("id").first()
    project = Project(
        name=deal.title[:200],
        code=_next_code(),
        company_id=deal.company_id,
        deal_id=deal.pk,
        template=template,
        contract_value=deal.amount or Decimal("0"),
        currency=deal.currency,
        owner=manager,
        team_id=deal.team_id,
        calendar=calendar,
        start_date=start or timezone.localdate(),
    )
    project.start_date = project_calendar(project).add_workdays(project.start_date, 0)
    base.create(None, project)
    index_record(project)
    if template is not None:
        copy_template(project, template)
    reschedule(project, "deal.won")
    _tell_project_manager(manager, project)
    logger.info("project %s opened from deal %s", project.pk, deal.pk)
    return project


def _tell_project_manager(manager: Any, project: Project) -> None:
    with override(getattr(manager, "language", "") or "en"):
        title = _("New project: %(name)s") % {"name": project.name}
        body = _("A won deal became project %(code)s, finishing %(finish)s.") % {
            "code": project.code,
            "finish": project.forecast_finish.isoformat()
            if project.forecast_finish
            else "–",
        }
    notify(
        [manager],
        title,
        body,
        url=f"/projects/{project.pk}/",
        kind="project.created",
        dedupe_key=f"project:{project.pk}:opened",
    )
