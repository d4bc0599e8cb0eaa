"""Re-scoring on CRM events: a changed lead or deal gets a fresh score."""

from __future__ import annotations

import logging

from rapport.core.events import consumer
from rapport.core.models import OutboxEvent
from rapport.intelligence.models import ModelKind

logger = logging.getLogger(__name__)


def _rescore(kind: str, event: OutboxEvent) -> None:
    from rapport.intelligence.ml import scoring

    record_id = event.payload.get("id") or event.aggregate_id
    if not record_id or scoring.active_version(kind) is None:
        return
    scoring.score(kind, ids=[int(record_id)])


@consumer("deal.*", name="ml.rescore_deal")
def rescore_deal(event: OutboxEvent) -> None:
    """Score a created or changed open deal with the active win-probability model."""
    if event.name != "deal.deleted":
        _rescore(ModelKind.DEAL_CONVERSION, event)


@consumer("lead.*", name="ml.rescore_lead")
def rescore_lead(event: OutboxEvent) -> None:
    """Score a created or changed open lead with the active conversion model."""
    if event.name != "lead.deleted":
        _rescore(ModelKind.LEAD_CONVERSION, event)
