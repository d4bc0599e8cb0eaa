"""Writes of the ml part: training, activation, rollback, review decisions.

Every function checks the actor's permission, then writes the change, its audit
entry and its event in one transaction. Training runs as a job in the worker
(`start_training`); scheduled retraining promotes a candidate only when it is
better on the metrics and not worse on fairness.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core import permissions
from rapport.core.errors import Conflict, ValidationFailed
from rapport.core.services import emit, record_audit, start_job
from rapport.intelligence.models import (
    FairnessAlert,
    ModelKind,
    ModelVersion,
    ReviewItem,
)

logger = logging.getLogger(__name__)

MODEL_KIND = "intelligence.modelversion"
REVIEW_KIND = "intelligence.reviewitem"
TRAINABLE = (
    ModelKind.CHURN,
    ModelKind.LEAD_CONVERSION,
    ModelKind.DEAL_CONVERSION,
    ModelKind.CLV,
    ModelKind.DELAY,
)


def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def start_training(actor: Any, kind: str, auto_activate: bool = False) -> Any:
    """Queue a training job for one kind of model (administrators only)."""
    permissions.require(actor, "add", MODEL_KIND)
    if kind not in TRAINABLE:
        raise ValidationFailed({"kind": [_("Unknown model kind.")]})
    title = _("Train model: %(kind)s") % {"kind": ModelKind(kind).label}
    user = actor if getattr(actor, "pk", None) else None
    return start_job(
        user, "ml.train", title, model_kind=kind, auto_activate=auto_activate
    )


def _next_number(kind: str) -> int:
    top = ModelVersion.objects.filter(kind=kind).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


@transaction.atomic
def register_version(
    actor: Any,
    kind: str,
    method: str,
    model: Any,
    *,
    window: tuple[Any, Any],
    features: list[str],
    params: dict[str, Any],
    metrics: dict[str, Any],
    fairness: dict[str, Any],
    note: str = "",
) -> ModelVersion:
    """Store a trained model's file and registry row, and raise fairness alerts."""
    from rapport.intelligence.ml.lib import storage

    number = _next_number(kind)
    path = None
    checksum = ""
    if model is not None:
        name = f"{kind}-v{number}-{uuid.uuid4().hex[:8]}.zip"
        path = models_dir() / name
        checksum = storage.save(model, path, {"kind": kind, "number": number})
    version = ModelVersion.objects.create(
        kind=kind,
        number=number,
        method=method,
        window_start=window[0],
        window_end=window[1],
        features=features,
        params=params,
        metrics=metrics,
        fairness=fairness,
        file_path=path.name if path else "",
        checksum=checksum,
        format_version=storage.FORMAT_VERSION,
        trained_by=actor if getattr(actor, "pk", None) else None,
        note=note,
    )
    for report in fairness.get("attributes", []):
        if report["breaches"]:
            FairnessAlert.objects.create(
                model_version=version,
                attribute=report["attribute"],
                breaches=report["breaches"],
                details=report,
            )
    record_audit(
        actor, "create", version, {"method": method, "metrics": _brief(metrics)}
    )
    emit("model.trained", version, {"id": version.pk, "kind": kind}, actor=actor)
    return version


def _brief(metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        k: metrics.get(k) for k in ("auc", "log_loss", "brier", "mae") if k in metrics
    }


def open_alerts(version: ModelVersion) -> bool:
    return version.fairness_alerts.filter(status=FairnessAlert.Status.OPEN).exists()


@transaction.atomic
def activate(actor: Any, version: ModelVersion, reason: str = "") -> ModelVersion:
    """Make `version` the active model of its kind; the previous one retires."""
    permissions.require(actor, "change", MODEL_KIND)
    version = ModelVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == ModelVersion.Status.ACTIVE:
        raise Conflict(_("This version is already active."), code="ml_already_active")
    if version.kind != ModelKind.CLV and not version.checksum:
        raise Conflict(_("This version has no model file."), code="ml_no_file")
    if open_alerts(version) and not reason.strip():
        raise ValidationFailed(
            {
                "reason": [
                    _(
                        "This version has an open fairness alert: say why it may "
                        "be activated anyway."
                    )
                ]
            }
        )
    now = timezone.now()
    previous = list(
        ModelVersion.objects.select_for_update().filter(
            kind=version.kind, status=ModelVersion.Status.ACTIVE
        )
    )
    for old in previous:
        old.status = ModelVersion.Status.RETIRED
        old.retired_at = now
        old.save(update_fields=["status", "retired_at", "updated_at"])
        record_audit(actor, "update", old, {"status": ["active", "retired"]})
    version.status = ModelVersion.Status.ACTIVE
    version.activated_at = now
    version.retired_at = None
    version.version += 1
    version.save(
        update_fields=["status", "activated_at", "retired_at", "version", "updated_at"]
    )
    changes: dict[str, Any] = {"status": ["candidate", "active"]}
    if reason:
        changes["reason"] = reason
    record_audit(actor, "update", version, changes)
    emit(
        "model.activated",
        version,
        {"id": version.pk, "kind": version.kind},
        actor=actor,
    )
    return version


@transaction.atomic
def rollback(actor: Any, kind: str, reason: str = "") -> ModelVersion:
    """Reactivate the version that was active before the current one."""
    permissions.require(actor, "change", MODEL_KIND)
    current = ModelVersion.objects.filter(
        kind=kind, status=ModelVersion.Status.ACTIVE
    ).first()
    earlier = ModelVersion.objects.filter(
        kind=kind, status=ModelVersion.Status.RETIRED, activated_at__isnull=False
    )
    if current is not None:
        earlier = earlier.filter(number__lt=current.number)
    target = earlier.order_by("-retired_at", "-number").first()
    if target is None:
        raise Conflict(
            _("There is no earlier active version to roll back to."),
            code="ml_no_rollback",
        )
    return activate(actor, target, reason or _("Rolled back."))


def better(new: ModelVersion, old: ModelVersion) -> bool:
    """Whether a candidate beats the active version and is not less fair."""
    from rapport.intelligence.ml.lib.fairness import worse

    a, b = new.metrics, old.metrics
    if "log_loss" in a and "log_loss" in b:
        if (
            a["log_loss"] > b["log_loss"] - 1e-4
            or (a.get("auc") or 0) < (b.get("auc") or 0) - 0.005
        ):
            return False
    elif "mae" in a and "mae" in b and a["mae"] >= b["mae"]:
        return False
    return not worse(new.fairness, old.fairness)


def promote_if_better(version: ModelVersion) -> bool:
    """Scheduled retraining: activate the candidate when it wins, fairly."""
    if open_alerts(version):
        logger.info("%s not activated: open fairness alert", version)
        return False
    if version.metrics.get("use_baseline"):
        return False
    current = ModelVersion.objects.filter(
        kind=version.kind, status=ModelVersion.Status.ACTIVE
    ).first()
    if current is not None and not better(version, current):
        return False
    activate(_System(), version)
    return True


class _System:
    """The actor of scheduled work: may change models, audited without a user."""

    pk = None
    role = "admin"
    data_scope = "all"
    team_id = None
    is_active = True


SYSTEM = _System()


@transaction.atomic
def decide(
    actor: Any,
    item: ReviewItem,
    approve: bool,
    reason: str,
    expected_version: int | None = None,
) -> ReviewItem:
    """Approve or reject a proposed automated action, with the reviewer's reason."""
    permissions.check(actor, "change", item)
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if expected_version is not None and expected_version != item.version:
        from rapport.core.errors import PreconditionFailed

        raise PreconditionFailed()
    if item.status != ReviewItem.Status.PENDING:
        raise Conflict(_("This item was already decided."), code="ml_already_decided")
    if not reason.strip():
        raise ValidationFailed({"reason": [_("Say why you approve or reject it.")]})
    status = ReviewItem.Status.APPROVED if approve else ReviewItem.Status.REJECTED
    item.status = status
    item.reviewer = actor
    item.decision_reason = reason.strip()
    item.decided_at = timezone.now()
    item.version += 1
    item.save()
    record_audit(
        actor, "update", item, {"status": ["pending", status], "reason": reason.strip()}
    )
    emit(f"review.{status}", item, {"id": item.pk, "action": item.action}, actor=actor)
    return item


@transaction.atomic
def resolve_alert(actor: Any, alert: FairnessAlert, resolution: str) -> FairnessAlert:
    """Close a fairness alert with what was done about it (administrators)."""
    permissions.require(actor, "change", "intelligence.fairnessalert")
    if not resolution.strip():
        raise ValidationFailed({"resolution": [_("Say how the alert was resolved.")]})
    alert.status = FairnessAlert.Status.RESOLVED
    alert.resolved_by = actor
    alert.resolved_at = timezone.now()
    alert.resolution = resolution.strip()
    alert.save()
    record_audit(actor, "update", alert, {"status": ["open", "resolved"]})
    return alert
