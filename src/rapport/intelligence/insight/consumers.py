"""Insight's reactions to domain events, run by the worker after the change committed.

Each is idempotent: a message analysed before is skipped, so a redelivered
`message.received` changes no profile twice.
"""

from __future__ import annotations

from rapport.core.events import consumer
from rapport.core.models import OutboxEvent
from rapport.intelligence.insight import services


@consumer("message.received", name="insight.analyse_message")
def analyse_received_message(event: OutboxEvent) -> None:
    """Analyse a new message, fold it into its profiles and run the risk rules."""
    message_id = event.payload.get("id")
    if isinstance(message_id, int):
        services.analyse_messages([message_id])


@consumer("product.*", name="insight.forget_dictionary_on_product")
@consumer("company.*", name="insight.forget_dictionary_on_company")
def forget_dictionary(event: OutboxEvent) -> None:
    """New or renamed products and customers reach the NLP dictionary at once."""
    from rapport.intelligence.insight import sources

    sources.forget_dictionary()
