"""Reads of the ml part: versions, latest predictions, review queue, churn list."""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, JSONField, OuterRef, QuerySet, Subquery

from rapport.core import permissions
from rapport.crm import selectors as crm
from rapport.intelligence.models import (
    FairnessAlert,
    ModelVersion,
    Prediction,
    ReviewItem,
)


def versions(user: Any, kind: str | None = None) -> QuerySet[ModelVersion]:
    qs = permissions.visible(user, ModelVersion.objects.select_related("trained_by"))
    return qs.filter(kind=kind) if kind else qs


def latest_prediction(
    user: Any, subject_kind: str, subject_id: int, model_kind: str
) -> Prediction | None:
    """The newest score of one record by one kind of model (the record is visible)."""
    if not permissions.may(user, "view", "intelligence.prediction"):
        return None
    return (
        Prediction.objects.filter(
            subject_kind=subject_kind,
            subject_id=subject_id,
            model_version__kind=model_kind,
        )
        .select_related("model_version")
        .order_by("-created_at", "-id")
        .first()
    )


def review_queue(user: Any, status: str | None = "pending") -> QuerySet[ReviewItem]:
    qs = permissions.visible(
        user, ReviewItem.objects.select_related("model_version", "reviewer", "owner")
    )
    return qs.filter(status=status) if status else qs


def alerts(user: Any, version: ModelVersion | None = None) -> QuerySet[FairnessAlert]:
    qs = permissions.visible(
        user, FairnessAlert.objects.select_related("model_version")
    )
    return qs.filter(model_version=version) if version else qs


def churn_list(user: Any, limit: int = 50) -> list[Any]:
    """The user's visible customers with their latest churn risk, riskiest first."""
    if not permissions.may(user, "view", "intelligence.prediction"):
        return []
    latest = Prediction.objects.filter(
        subject_kind="crm.company",
        subject_id=OuterRef("pk"),
        model_version__kind="churn",
    ).order_by("-created_at", "-id")
    rows = (
        crm.companies(user)
        .annotate(
            churn=Subquery(latest.values("score")[:1], output_field=FloatField()),
            churn_factors=Subquery(
                latest.values("factors")[:1], output_field=JSONField()
            ),
        )
        .filter(churn__isnull=False)
        .order_by("-churn", "pk")
    )
    return list(rows[:limit])
