"""Reading messages: analyse each once, store it, fold it into profiles, run rules."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from rapport.comms import selectors as comms
from rapport.intelligence.insight import sources
from rapport.intelligence.insight.services import profiles, risks
from rapport.intelligence.models import MessageAnalysis

logger = logging.getLogger(__name__)

BATCH = 500
INBOUND = "inbound"


def model_version() -> str:
    """The version of the sentiment model in use, as its metadata names it."""
    from rapport.intelligence.nlp.sentiment import default_model

    metadata = getattr(default_model(), "metadata", None) or {}
    if metadata.get("version"):
        return str(metadata["version"])[:60]
    digest = str(metadata.get("model_sha256") or "")[:12]
    return f"sentiment-{digest}" if digest else ""


def _read(messages: Sequence[Any]) -> list[Any]:
    """Run the NLP over a batch of messages (outside any transaction: it is slow)."""
    from rapport.intelligence.nlp import analyze_many

    return analyze_many(
        [m.text for m in messages],
        subjects=[m.subject for m in messages],
        dictionary=sources.dictionary(),
    )


def _row(message: Any, result: Any, version: str) -> MessageAnalysis:
    return MessageAnalysis(
        message_id=message.pk,
        company_id=message.company_id,
        owner_id=message.owner_id,
        team_id=message.team_id,
        contact_ids=sorted(c.pk for c in message.contacts.all()),
        sent_at=message.sent_at,
        inbound=message.direction == INBOUND,
        channel=message.channel,
        thread_key=message.thread_key[:255],
        language=result.language[:8],
        sentiment=max(-1.0, min(1.0, float(result.sentiment))),
        label=result.label,
        confidence=float(getattr(result, "confidence", 0.0)),
        keywords=list(result.keywords),
        needs=list(getattr(result, "needs", [])),
        topics=list(result.topics),
        products=list(result.products),
        competitors=list(result.competitors),
        model_version=version,
    )


def _insert(rows: list[MessageAnalysis]) -> list[MessageAnalysis]:
    """Insert the rows; when another worker got to some first, keep only ours."""
    try:
        with transaction.atomic():
            MessageAnalysis.objects.bulk_create(rows)
        return rows
    except IntegrityError:
        pass
    inserted = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            inserted.append(row)
        except IntegrityError:
            logger.info("message %s was analysed by another worker", row.message_id)
    return inserted


def _analyse_batch(ids: Sequence[int]) -> int:
    done = set(
        MessageAnalysis.objects.filter(message_id__in=ids).values_list(
            "message_id", flat=True
        )
    )
    messages = sources.messages(i for i in ids if i not in done)
    if not messages:
        return 0
    results = _read(messages)
    version = model_version()

    with transaction.atomic():
        rows = _insert(
            [_row(m, r, version) for m, r in zip(messages, results, strict=True)]
        )
        if not rows:
            return 0
        profiles.fold(rows)
        by_id = {m.pk: m for m in messages}
        risks.run_rules([(row, by_id[row.message_id]) for row in rows])

    for row in rows:
        comms.set_language(row.message_id, row.language)
    return len(rows)


def analyse_messages(message_ids: Iterable[int]) -> int:
    """Analyse every message not analysed yet; fold each into its profiles; run rules.

    Idempotent: a message analysed before (or by another worker meanwhile) is
    skipped, so its profile never counts it twice. Returns how many were new.
    """
    ids = sorted(set(message_ids))
    analysed = 0
    for start in range(0, len(ids), BATCH):
        analysed += _analyse_batch(ids[start : start + BATCH])
    if analysed:
        logger.info("analysed %s messages", analysed)
    return analysed


def analyse_pending(limit: int | None = None, progress: Any = None) -> int:
    """Analyse every stored message without an analysis yet (imports, repairs)."""
    analysed, after = 0, 0
    while limit is None or analysed < limit:
        chunk = [
            row["id"] for row in comms.messages_between(after_id=after, limit=BATCH)
        ]
        if not chunk:
            break
        after = chunk[-1]
        analysed += analyse_messages(chunk)
        if progress is not None:
            progress(analysed)
    return analysed
