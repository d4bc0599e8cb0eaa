"""Projects reactions to domain events, run by the worker after the change committed."""

from __future__ import annotations

from rapport.core.events import consumer
from rapport.core.models import OutboxEvent
from rapport.projects import services


@consumer("deal.won", name="projects.open_project_for_won_deal")
def open_project_for_won_deal(event: OutboxEvent) -> None:
    """Turn a won deal into a project from its type's template (once per deal)."""
    services.create_project_from_deal(int(event.payload["id"]))
