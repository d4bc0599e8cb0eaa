"""Account reads other apps may use."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.accounts.models import Team, User
from rapport.core.permissions import Scope


def assignable_users(actor: User) -> QuerySet[User]:
    """The people `actor` may make owner of a record: self, the team, or everyone."""
    users = (
        User.objects.filter(is_active=True).select_related("team").order_by("username")
    )
    if actor.data_scope == Scope.ALL:
        return users
    if actor.data_scope == Scope.TEAM and actor.team_id:
        return users.filter(team_id=actor.team_id)
    return users.filter(pk=actor.pk)


def teams() -> QuerySet[Team]:
    return Team.objects.order_by("name")


def get_user(user_id: int) -> User | None:
    return (
        User.objects.filter(pk=user_id, is_active=True).select_related("team").first()
    )
