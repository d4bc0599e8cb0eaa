"""Insight's reactions to domain events, run by the worker after the change committed.

Each is idempotent: a message analysed before is skipped, so a redelivered
`message.received` changes no profile twice.
"""

from __future__ import annotations

from rapport.core.events import consumer
from rapport.core.models import OutboxEvent
from rapport.intelligence.insight import selectors, services

# An import stores messages faster than one-by-one analysis reads them; each
# delivery also takes the messages of up to this many other pending events, so
# the NLP and the profile updates run in batches. Their own deliveries later
# find them analysed and cost one query.
BATCH_PENDING = 199


def _pending_message_ids(event: OutboxEvent) -> list[int]:
    payloads = (
        OutboxEvent.objects.filter(
            name=event.name, status=OutboxEvent.Status.PENDING, pk__gt=event.pk
        )
        .order_by("pk")
        .values_list("payload", flat=True)[:BATCH_PENDING]
    )
    return [p["id"] for p in payloads if isinstance(p.get("id"), int)]


@consumer("message.received", name="insight.analyse_message")
def analyse_received_message(event: OutboxEvent) -> None:
    """Analyse a new message, fold it into its profiles and run the risk rules."""
    message_id = event.payload.get("id")
    if not isinstance(message_id, int) or selectors.is_analysed(message_id):
        return  # a batch taken by an earlier delivery already read it
    services.analyse_messages([message_id, *_pending_message_ids(event)])


@consumer("message.relinked", name="insight.follow_relinked_message")
def follow_relinked_message(event: OutboxEvent) -> None:
    """Move a message's analysis and profile counts to the company it now belongs to."""
    message_id = event.payload.get("id")
    if isinstance(message_id, int):
        services.relink_analysis(message_id)


@consumer("product.*", name="insight.forget_dictionary_on_product")
@consumer("company.*", name="insight.forget_dictionary_on_company")
def forget_dictionary(event: OutboxEvent) -> None:
    """New or renamed products and customers reach the NLP dictionary at once."""
    from rapport.intelligence.insight import sources

    sources.forget_dictionary()
