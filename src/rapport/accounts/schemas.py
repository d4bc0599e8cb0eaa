"""API shapes of the signed-in user and personal API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from rapport.core.api import Id, InputSchema, ListQuery, Moment, sorted_by


class TeamRefOut(Schema):
    """A team, by id and name."""

    id: int
    name: str


class MeOut(Schema):
    """The signed-in user: role, data scope, team and language."""

    id: int
    username: str
    display_name: str
    email: str
    role: str
    data_scope: str
    team: TeamRefOut | None
    language: str
    token_access: Literal["read", "write"] | None = Field(
        None, description="The access of the token used, or null for a session."
    )


class TokenIn(InputSchema):
    """A new personal API token."""

    name: str = Field(min_length=1, max_length=100)
    access: Literal["read", "write"] = "write"
    expires_at: Moment | None = None


class TokenOut(Schema):
    """A personal API token; the secret itself is never shown again."""

    id: int
    name: str
    prefix: str
    access: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    """A token just created, with its secret value: store it now, it is shown once."""

    token: str


class NotificationOut(Schema):
    """An in-app message to the caller."""

    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(InputSchema):
    """Which notifications to mark read: the listed ids, or all when `ids` is null."""

    ids: list[Id] | None = None


class MarkedOut(Schema):
    """How many notifications changed."""

    marked: int


class JobOut(Schema):
    """A background job the caller started, with its progress and log."""

    id: int
    kind: str
    title: str
    status: str
    progress: int
    log: str
    error: str
    result: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class NotificationFilter(ListQuery):
    """Filters of the notification list."""

    unread: bool | None = Field(
        None, description="true: unread only; false: read only."
    )


class JobFilter(ListQuery):
    """Filters of the job list."""

    sort: str = sorted_by("id", "created_at")
    status: str | None = Field(
        None, json_schema_extra={"enum": ["queued", "running", "succeeded", "failed"]}
    )
    kind: str | None = None
