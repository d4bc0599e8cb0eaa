"""A hook for other apps to add small badges to each message on comms pages.

`rapport.comms` does not import the analysis; instead `rapport.intelligence`
registers a function at start-up:

    from rapport.comms.badges import register_badges

    def sentiment_badges(messages):          # list of Message, one page of them
        return {m.pk: [Badge("negative", "bad")] for m in messages}

    register_badges("insight.sentiment", sentiment_badges)

Each function gets the messages about to be shown (one list, so it can read
its data for all of them in one query) and returns `{message_id: [Badge]}`.
Badges render as `<span class="badge badge-{tone}">{label}</span>`, escaped.
A function that raises is logged and skipped: badges never break a page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Badge:
    """A short label shown beside a message; tone is info, success, warning, danger."""

    label: str
    tone: str = "info"
    title: str = ""


BadgeFunction = Callable[[Sequence[Any]], dict[int, list[Badge]]]
_BADGES: dict[str, BadgeFunction] = {}


def register_badges(name: str, fn: BadgeFunction) -> None:
    """Add (or replace, by name) a function that gives badges for messages."""
    _BADGES[name] = fn


def unregister_badges(name: str) -> None:
    _BADGES.pop(name, None)


def badges_for(messages: Sequence[Any]) -> dict[int, list[Badge]]:
    """Every registered function's badges for these messages, merged by id."""
    merged: dict[int, list[Badge]] = {}
    if not messages:
        return merged
    for name, fn in sorted(_BADGES.items()):
        try:
            found = fn(messages)
        except Exception:
            logger.warning("message badges %s failed", name, exc_info=True)
            continue
        for message_id, badges in found.items():
            merged.setdefault(message_id, []).extend(badges)
    return merged


def attach(messages: Sequence[Any]) -> None:
    """Set `.badges` on each message for the templates."""
    found = badges_for(messages)
    for message in messages:
        message.badges = found.get(message.pk, [])
