"""Roles, data scopes and the permission matrix, enforced by every service and selector.

A user has one role and one data scope. The scope decides which records the user
can see at all (own, team, all); the role decides which actions the user may take
on what they can see. A record outside the scope is reported as not found, so its
existence is not revealed; an action the role may not take is forbidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rapport.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from django.db.models import Model


class Role(models.TextChoices):
    SALES_REP = "sales_rep", _("Sales rep")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    EXECUTIVE = "executive", _("Executive")
    FINANCE = "finance", _("Finance")
    SUPPORT = "support", _("Support")
    ADMIN = "admin", _("Administrator")


class Scope(models.TextChoices):
    OWN = "own", _("Own records")
    TEAM = "team", _("Team records")
    ALL = "all", _("All records")


DEFAULT_SCOPE = {
    Role.SALES_REP: Scope.OWN,
    Role.SALES_MANAGER: Scope.TEAM,
    Role.PROJECT_MANAGER: Scope.TEAM,
    Role.EXECUTIVE: Scope.ALL,
    Role.FINANCE: Scope.ALL,
    Role.SUPPORT: Scope.TEAM,
    Role.ADMIN: Scope.ALL,
}

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_ACTIONS = frozenset({VIEW, ADD, CHANGE, DELETE})
READ_ONLY = frozenset({VIEW})
NO_DELETE = frozenset({VIEW, ADD, CHANGE})

# What each role may do to each kind of record, inside its data scope.
# Kinds are model labels in lower case ("crm.deal"). A kind not listed is denied.
_SALES = {
    "crm.company": NO_DELETE,
    "crm.contact": NO_DELETE,
    "crm.lead": ALL_ACTIONS,
    "crm.deal": NO_DELETE,
    "crm.activity": ALL_ACTIONS,
    "crm.quote": ALL_ACTIONS,
    "crm.product": READ_ONLY,
    "crm.pipeline": READ_ONLY,
}
_MANAGER = {kind: ALL_ACTIONS for kind in _SALES} | {
    "crm.product": ALL_ACTIONS,
    "crm.pipeline": READ_ONLY,
}
PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    Role.SALES_REP: _SALES,
    Role.SALES_MANAGER: _MANAGER,
    Role.PROJECT_MANAGER: {kind: READ_ONLY for kind in _SALES}
    | {"crm.activity": ALL_ACTIONS},
    Role.EXECUTIVE: {kind: READ_ONLY for kind in _SALES},
    Role.FINANCE: {kind: READ_ONLY for kind in _SALES}
    | {"crm.quote": NO_DELETE, "crm.product": NO_DELETE},
    Role.SUPPORT: {kind: READ_ONLY for kind in _SALES}
    | {"crm.activity": ALL_ACTIONS, "crm.contact": NO_DELETE},
    Role.ADMIN: {kind: ALL_ACTIONS for kind in _SALES},
}


class Actor(Protocol):
    """What permission checks need of a user."""

    pk: Any
    role: str
    data_scope: str
    team_id: int | None
    is_active: bool


def kind_of(model: type[Model] | Model) -> str:
    return model._meta.label_lower


def may(user: Actor, action: str, kind: str) -> bool:
    """Whether the user's role allows `action` on records of `kind`."""
    if not getattr(user, "is_active", False):
        return False
    return action in PERMISSIONS.get(user.role, {}).get(kind, frozenset())


def require(user: Actor, action: str, kind: str) -> None:
    """Raise Forbidden unless the user's role allows `action` on `kind`."""
    if not may(user, action, kind):
        raise Forbidden(
            str(_("Your role may not %(action)s %(kind)s records."))
            % {"action": action, "kind": kind.split(".")[-1]}
        )


def scope_filter(
    user: Actor, owner_field: str = "owner", team_field: str = "team"
) -> Q:
    """The condition that keeps only records inside the user's data scope."""
    if user.data_scope == Scope.ALL:
        return Q()
    if user.data_scope == Scope.TEAM and user.team_id is not None:
        return Q(**{f"{team_field}_id": user.team_id})
    return Q(**{f"{owner_field}_id": user.pk})


def visible(user: Actor, queryset: QuerySet, **fields: str) -> QuerySet:
    """The records of `queryset` the user may see; none if the role may not view."""
    if not may(user, VIEW, kind_of(queryset.model)):
        return queryset.none()
    if not getattr(queryset.model, "scoped", False):
        return queryset
    return queryset.filter(scope_filter(user, **fields))


def in_scope(user: Actor, obj: Model) -> bool:
    """Whether one record lies inside the user's data scope."""
    if not getattr(obj, "scoped", False) or user.data_scope == Scope.ALL:
        return True
    if user.data_scope == Scope.TEAM and user.team_id is not None:
        return getattr(obj, "team_id", None) == user.team_id
    return getattr(obj, "owner_id", None) == user.pk


def check(user: Actor, action: str, obj: Model) -> None:
    """Raise NotFound if `obj` lies outside the scope, Forbidden if the role may not."""
    kind = kind_of(obj)
    if not may(user, VIEW, kind) or not in_scope(user, obj):
        raise NotFound()
    require(user, action, kind)
