"""Shapes of the ml API: versions, predictions, review items, alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from rapport.core.api import ListQuery, UserRefOut, omitted, sorted_by


class ModelVersionOut(Schema):
    """One trained version in the registry."""

    id: int
    kind: str
    number: int
    method: str
    status: str
    window_start: date | None
    window_end: date | None
    features: list[str]
    params: dict[str, Any]
    metrics: dict[str, Any]
    fairness: dict[str, Any]
    checksum: str
    format_version: int
    trained_by: UserRefOut | None
    activated_at: datetime | None
    retired_at: datetime | None
    created_at: datetime
    note: str


class VersionFilter(ListQuery):
    """Filters of the version list."""

    sort: str = sorted_by("id", "number", "created_at", default="-id")
    kind: str | None = omitted(description="Model kind (churn, lead_conversion, ...).")
    status: str | None = omitted(description="candidate, active or retired.")


class FactorOut(Schema):
    """One reason behind a score: the input, its value, its effect and a sentence."""

    feature: str
    value: Any = None
    effect: float | None = None
    text: str


class PredictionOut(Schema):
    """The newest score of a record by one kind of model."""

    model_kind: str
    model_version: int
    score: float
    factors: list[FactorOut]
    created_at: datetime


class ReviewItemOut(Schema):
    """A proposed automated action waiting for (or given) a human decision."""

    id: int
    subject_kind: str
    subject_id: int
    subject_repr: str
    action: str
    reason: str
    model_version_id: int
    score: float
    status: str
    reviewer: UserRefOut | None
    decision_reason: str
    decided_at: datetime | None
    owner: UserRefOut
    team_id: int | None
    version: int
    created_at: datetime


class ReviewFilter(ListQuery):
    """Filters of the review queue."""

    sort: str = sorted_by("id", "created_at", "score", default="-id")
    status: str | None = omitted(description="pending, approved or rejected.")


class DecisionIn(Schema):
    """Approve or reject, with the reason (required)."""

    approve: bool
    reason: str = Field(..., max_length=2000)


class ReasonIn(Schema):
    """A reason for an activation or a rollback (required with an open alert)."""

    reason: str = Field("", max_length=2000)


class ResolutionIn(Schema):
    """How a fairness alert was dealt with (required)."""

    resolution: str = Field(..., max_length=2000)


class JobOut(Schema):
    """The training job that was queued."""

    job_id: int
    kind: str


class AlertOut(Schema):
    """A fairness alert on one model version and attribute."""

    id: int
    model_version_id: int
    attribute: str
    breaches: list[str]
    status: str
    created_at: datetime
