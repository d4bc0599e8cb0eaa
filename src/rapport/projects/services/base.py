"""Helpers every projects service shares: permission through the project, clean data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _

from rapport.core import permissions
from rapport.core.errors import NotFound, ValidationFailed
from rapport.core.services import (
    create_record,
    delete_record,
    full_clean,
    update_record,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User
    from rapport.projects.models import Project
    from rapport.scheduling import WorkCalendar


def kind(model: type[models.Model] | models.Model) -> str:
    return permissions.kind_of(model)


def check_project(actor: User, action: str, project: Project) -> None:
    """404 if the project is outside the actor's scope, 403 if the role may not."""
    permissions.check(actor, action, project)


def check_part(
    actor: User, action: str, model: type[models.Model], project: Project
) -> None:
    """Permission on a record that lives inside a project (task, phase, baseline ...).

    The project's scope decides whether it exists for the actor; the role's
    grant on the record's own kind decides the action.
    """
    permissions.check(actor, permissions.VIEW, project)
    permissions.require(actor, action, kind(model))


def editable_fields(
    model: type[models.Model], *, without: Iterable[str] = ()
) -> set[str]:
    names = set()
    for field in model._meta.concrete_fields:
        if field.editable and not field.primary_key:
            names.add(field.attname if field.is_relation else field.name)
    return names - set(without)


def clean_data(
    model: type[models.Model], data: Mapping[str, Any], allowed: set[str]
) -> dict[str, Any]:
    """The caller's values, refusing any field the caller may not set."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in unknown})
    return dict(data)


def related(model: type[models.Model], pk: Any, field: str) -> Any:
    """A related record by id, or a field error naming `field`."""
    if pk in (None, ""):
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.single(field, _("No such record."))
    return found


def require_workday(
    calendar: WorkCalendar, errors: dict[str, list[str]], field: str, day: date | None
) -> None:
    """Add a field error when `day` is not a working day of the project's calendar."""
    if day is not None and not calendar.is_workday(day):
        errors.setdefault(field, []).append(
            _("%(date)s is not a working day in this project's calendar.")
            % {"date": day.isoformat()}
        )


def create(actor: User | None, instance: models.Model, event: str | None = None) -> Any:
    name = instance._meta.model_name
    return create_record(actor, instance, event=event or f"{name}.created")


def update(
    actor: User,
    instance: models.Model,
    changes: Mapping[str, Any],
    version: int | None,
    event: str | None = None,
) -> dict[str, list[Any]]:
    name = instance._meta.model_name
    return update_record(
        actor, instance, changes, version, event=event or f"{name}.updated"
    )


def delete(actor: User, instance: models.Model, version: int | None) -> None:
    delete_record(
        actor, instance, version, event=f"{instance._meta.model_name}.deleted"
    )


def get_or_404(queryset: models.QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def full_clean_or_fail(instance: models.Model) -> None:
    """Model validation as field errors (422) before any other check."""
    full_clean(instance)


def record_change(actor: Any, instance: models.Model) -> None:
    """Audit an upsert of a record that has no version (a calendar day)."""
    from rapport.core.services import field_values, record_audit

    record_audit(
        actor,
        "update",
        instance,
        {name: [None, value] for name, value in field_values(instance).items()},
    )


def delete_plain(actor: Any, instance: models.Model) -> None:
    """Delete a record that has no version, keeping its values in the audit log."""
    from rapport.core.services import field_values, record_audit

    record_audit(
        actor,
        "delete",
        instance,
        {name: [value, None] for name, value in field_values(instance).items()},
    )
    instance.delete()
