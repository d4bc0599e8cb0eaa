"""Scoring with the active model: batch (nightly) and per record (on events).

Predictions are stored with the model version that made them and the top three
factors behind each score. A churn-risk customer proposes a retention outreach;
it goes to the human review queue when the model is unsure (score within 0.15
of the threshold) or the version has an open fairness alert.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.intelligence.ml import datasets, services
from rapport.intelligence.ml.features import History, load_history
from rapport.intelligence.models import (
    ModelKind,
    ModelVersion,
    Prediction,
    ReviewItem,
)

logger = logging.getLogger(__name__)

SUBJECT: dict[str, str] = {
    ModelKind.CHURN: "crm.company",
    ModelKind.LEAD_CONVERSION: "crm.lead",
    ModelKind.DEAL_CONVERSION: "crm.deal",
    ModelKind.CLV: "crm.company",
    ModelKind.DELAY: "projects.project",
}
KEEP_DAYS = 90  # older predictions are deleted by the nightly run
THRESHOLD = 0.5
UNSURE = 0.15
_cache: dict[str, Any] = {}


def active_version(kind: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(
        kind=kind, status=ModelVersion.Status.ACTIVE
    ).first()


def load_model(version: ModelVersion) -> Any:
    """The version's model, read from its checked file once per process."""
    from rapport.intelligence.ml.lib import storage

    if version.checksum not in _cache:
        path = services.models_dir() / Path(version.file_path).name
        model, _meta = storage.load(path, version.checksum)
        _cache.clear()  # keep one model per process at most in memory per kind
        _cache[version.checksum] = model
    return _cache[version.checksum]


def score(
    kind: str, ids: list[int] | None = None, history: History | None = None
) -> int:
    """Score the open records of `kind` (or only `ids`); return how many."""
    version = active_version(kind)
    if version is None:
        return 0
    if kind == ModelKind.CLV:
        from rapport.intelligence.ml.clv_model import score_clv

        return score_clv(version, history or load_history())
    if kind == ModelKind.DELAY:
        from rapport.intelligence.ml.delay_model import score_delay

        return score_delay(version, ids)
    history = history or load_history()
    if kind == ModelKind.CHURN:
        found, frame = datasets.churn_scoring(history)
        if ids is not None:
            keep = [i for i, v in enumerate(found) if v in set(ids)]
            found, frame = found[keep], frame.iloc[keep]
    elif kind == ModelKind.LEAD_CONVERSION:
        found, frame = datasets.lead_scoring(history, ids)
    else:
        found, frame = datasets.deal_scoring(history, ids)
    if not len(found):
        return 0
    from rapport.intelligence.ml.lib.training import top_factors

    model = load_model(version)
    frame = frame.reindex(columns=model.columns.all)
    scores, contributions = model.explain(frame)
    factors = top_factors(model, frame, 3, contributions)
    store(version, SUBJECT[kind], found, scores, factors)
    if kind == ModelKind.CHURN:
        propose_outreach(version, found, scores)
    return len(found)


def store(
    version: ModelVersion, subject: str, ids: Any, scores: Any, factors: Any
) -> None:
    """Write one Prediction per record, in batches."""
    now = timezone.now()
    rows = [
        Prediction(
            subject_kind=subject,
            subject_id=int(i),
            model_version=version,
            score=float(s),
            factors=f,
            created_at=now,
        )
        for i, s, f in zip(ids, scores, factors, strict=True)
    ]
    Prediction.objects.bulk_create(rows, batch_size=2000)


def propose_outreach(version: ModelVersion, ids: Any, scores: Any) -> int:
    """Queue retention outreach for review where the model is unsure or unfair."""
    from rapport.crm import selectors as crm

    alert = services.open_alerts(version)
    wanted = {
        int(i): float(s)
        for i, s in zip(ids, scores, strict=True)
        if s >= THRESHOLD - UNSURE and (alert or abs(s - THRESHOLD) < UNSURE)
    }
    pending = set(
        ReviewItem.objects.filter(
            subject_kind="crm.company",
            subject_id__in=list(wanted),
            action=ReviewItem.Action.OUTREACH,
            status=ReviewItem.Status.PENDING,
        ).values_list("subject_id", flat=True)
    )
    owners = {
        row[0]: row[1:]
        for row in crm.history_rows("company", ["id", "owner_id", "team_id", "name"])
        if row[0] in wanted
    }
    items = []
    for company_id, value in wanted.items():
        if company_id in pending or company_id not in owners:
            continue
        owner_id, team_id, name = owners[company_id]
        reason = (
            _("The churn model has an open fairness alert.")
            if alert
            else _("The model is unsure: churn risk %(score)d %%.")
            % {"score": round(value * 100)}
        )
        items.append(
            ReviewItem(
                subject_kind="crm.company",
                subject_id=company_id,
                subject_repr=name[:200],
                action=ReviewItem.Action.OUTREACH,
                reason=reason,
                model_version=version,
                score=value,
                owner_id=owner_id,
                team_id=team_id,
            )
        )
    with transaction.atomic():
        ReviewItem.objects.bulk_create(items)
    return len(items)


def prune(days: int = KEEP_DAYS) -> int:
    """Delete predictions older than `days`; the newest of each record stays."""
    from datetime import timedelta

    from django.db.models import Max

    cutoff = timezone.now() - timedelta(days=days)
    newest = (
        Prediction.objects.values("subject_kind", "subject_id", "model_version__kind")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    old = Prediction.objects.filter(created_at__lt=cutoff).exclude(pk__in=list(newest))
    deleted, _ = old.delete()
    return deleted


def score_all() -> dict[str, int]:
    """Nightly: every kind with an active model, on one read of the history."""
    prune()
    history = load_history()
    counts: dict[str, int] = {}
    for kind in SUBJECT:
        try:
            counts[kind] = score(kind, history=history)
        except Exception:
            logger.exception("scoring %s failed", kind)
            counts[kind] = -1
    return counts
