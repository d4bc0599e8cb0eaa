"""Demo insight: every demo message analysed, profiles built, default risk rules run.

The NLP reads about 250 messages a second per core, so the full demo (20,000+
messages) would take minutes. The step therefore analyses the last
RECENT_DAYS inline, which is all the 30/90-day figures and the risk rules look
at, so the demo shows true profiles and risks as soon as it is loaded; the older
history is queued as an `insight.analyse` job that the worker runs after
start-up (profiles fold late arrivals in correctly, see insight.aggregates).
A demo with at most INLINE_ALL messages is analysed completely inline.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from rapport.comms import selectors as comms
from rapport.core.services import start_job
from rapport.intelligence.insight import services
from rapport.intelligence.insight.sources import SYSTEM

logger = logging.getLogger(__name__)

RECENT_DAYS = 95
INLINE_ALL = 4000
CHUNK = 2000


def _ids(**filters: Any) -> list[int]:
    rows = comms.messages(SYSTEM).filter(source="demo", **filters)
    return list(rows.order_by("sent_at", "id").values_list("id", flat=True))


def load(builder: Any) -> dict[str, int]:
    """Install the default rules, analyse the demo messages, raise current risks."""
    rules = services.install_default_rules()
    everything = _ids()
    if len(everything) <= INLINE_ALL:
        recent, older = everything, []
    else:
        since = builder.now - timedelta(days=RECENT_DAYS)
        recent = _ids(sent_at__gte=since)
        older = sorted(set(everything) - set(recent))
    analysed = 0
    for start in range(0, len(recent), CHUNK):
        analysed += services.analyse_messages(recent[start : start + CHUNK])
    if older:
        start_job(
            None,
            "insight.analyse",
            f"Analyse {len(older)} older demo messages",
        )
    logger.info(
        "demo insight: %s messages analysed, %s queued for the worker",
        analysed,
        len(older),
    )
    return {
        "risk_rules": rules,
        "messages_analysed": analysed,
        "messages_queued_for_analysis": len(older),
    }


def clear() -> None:
    """Delete the analyses, profiles, alerts and risks (the rules stay).

    Raising an alert went through the real services, so it also left outbox
    events and audit entries (the alert's, and its follow-up tasks'); they go
    too. The tasks themselves go with the CRM's activities.
    """
    from rapport.core.models import AuditEntry, OutboxEvent
    from rapport.intelligence.models import (
        CustomerProfile,
        CustomerRisk,
        MessageAnalysis,
        RiskAlert,
        RiskMatch,
    )

    alerts = [str(pk) for pk in RiskAlert.objects.values_list("pk", flat=True)]
    tasks = [
        str(task)
        for ids in RiskAlert.objects.values_list("task_ids", flat=True)
        for task in ids
    ]
    for kind, ids in (("intelligence.riskalert", alerts), ("crm.activity", tasks)):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            OutboxEvent.objects.filter(aggregate=kind, aggregate_id__in=chunk).delete()
            AuditEntry.objects.filter(kind=kind, object_id__in=chunk).delete()
    for model in (RiskMatch, RiskAlert, CustomerRisk, CustomerProfile, MessageAnalysis):
        model._default_manager.all().delete()
