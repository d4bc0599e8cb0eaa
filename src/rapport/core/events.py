"""The consumer registry for domain events delivered from the outbox.

Apps register consumers at start-up:

    @consumer("deal.won")
    def open_project(event: OutboxEvent) -> None: ...

A consumer may be called more than once for the same event (delivery is at least
once), so it must be idempotent; the dispatcher also records each (event,
consumer) pair it completed and skips it on redelivery.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rapport.core.models import OutboxEvent

Consumer = Callable[["OutboxEvent"], None]
_consumers: dict[str, tuple[str, Consumer]] = {}


def consumer(pattern: str, name: str | None = None) -> Callable[[Consumer], Consumer]:
    """Register `fn` for events whose name matches `pattern` ("deal.*" works)."""

    def register(fn: Consumer) -> Consumer:
        key = name or f"{fn.__module__}.{fn.__qualname__}"
        _consumers[key] = (pattern, fn)
        return fn

    return register


def consumers_for(event_name: str) -> list[tuple[str, Consumer]]:
    return [
        (key, fn)
        for key, (pattern, fn) in sorted(_consumers.items())
        if fnmatch.fnmatchcase(event_name, pattern)
    ]


def unregister(name: str) -> None:
    _consumers.pop(name, None)
