"""The living profile's arithmetic: bounded running aggregates updated per message.

Plain Python, no Django. A profile's state is a JSON-friendly dict; `add_message`
folds one analysed message into it in constant time (every collection in it has
a fixed upper size), and `figures` reads the 30- and 90-day figures and the
health score out of it as of a given moment. `docs/insight.md` documents the
formula; the tests hold the code to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

# Decayed sentiment: a message's weight halves every HALF_LIFE_DAYS.
HALF_LIFE_DAYS = 30.0
# Day buckets are kept for this many days behind the newest message (>= 90).
DAY_BUCKET_DAYS = 120
# Month buckets feed the trend chart.
MONTH_BUCKETS = 24
# The most needs (keywords) a profile counts; the rarest is dropped for a new one.
MAX_NEEDS = 100
EVIDENCE_PER_NEED = 3
EVIDENCE_PER_LIST = 10
# A reply later than this is a new conversation, not a response.
MAX_REPLY_HOURS = 24.0 * 30

# Health score weights (sum to 1); see docs/insight.md.
WEIGHTS = {
    "sentiment": 0.40,
    "trend": 0.15,
    "engagement": 0.15,
    "responsiveness": 0.10,
    "complaints": 0.20,
}


@dataclass(frozen=True)
class MessageFacts:
    """What the profile needs to know of one analysed message."""

    message_id: int
    at: datetime
    inbound: bool
    sentiment: float
    label: str
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # Hours since the previous message of the thread, when that one went the other
    # way (this message answers it), and that message's id.
    reply_hours: float | None = None
    replied_to: int | None = None


def empty_state() -> dict[str, Any]:
    """The state of a profile that has seen no message."""
    return {
        "count": 0,
        "inbound": 0,
        "outbound": 0,
        "first_at": None,
        "last_at": None,
        "ewm": {"weight": 0.0, "sum": 0.0, "at": None},
        "days": {},
        "months": {},
        "needs": {},
        "topics": {},
        "evidence": {"recent": [], "negative": [], "positive": [], "needs": {}},
        "replies": {
            "ours": {"n": 0, "hours": 0.0, "evidence": []},
            "theirs": {"n": 0, "hours": 0.0, "evidence": []},
        },
    }


def _stamp(moment: datetime) -> float:
    return moment.timestamp()


def _push(items: list[Any], item: Any, limit: int = EVIDENCE_PER_LIST) -> None:
    """Keep the newest `limit` items, newest first, without repeats."""
    if item in items:
        return
    items.insert(0, item)
    del items[limit:]


def _push_dated(
    items: list[list[Any]], message_id: int, stamp: str, limit: int = EVIDENCE_PER_LIST
) -> None:
    """Keep the `limit` latest [message id, time] pairs, latest first.

    A message that arrives late (an import of old mail) takes its place by time,
    so "the latest messages" stay the latest whatever the order of arrival.
    """
    if any(entry[0] == message_id for entry in items):
        return
    if len(items) >= limit and stamp <= items[-1][1]:
        return
    items.append([message_id, stamp])
    items.sort(key=lambda entry: (entry[1], entry[0]), reverse=True)
    del items[limit:]


def ids(items: list[list[Any]]) -> list[int]:
    """The message ids of a dated evidence list."""
    return [entry[0] for entry in items]


def _decay(days: float) -> float:
    return math.pow(0.5, days / HALF_LIFE_DAYS)


def _add_decayed(ewm: dict[str, Any], at: datetime, value: float) -> None:
    """Fold a value into the decayed sum, newest time as the reference."""
    moment = _stamp(at)
    if ewm["at"] is None:
        ewm.update(weight=1.0, sum=value, at=moment)
        return
    gap_days = (moment - ewm["at"]) / 86400
    if gap_days >= 0:
        factor = _decay(gap_days)
        ewm["weight"] = ewm["weight"] * factor + 1.0
        ewm["sum"] = ewm["sum"] * factor + value
        ewm["at"] = moment
    else:  # an older message arriving late counts with its age's weight
        factor = _decay(-gap_days)
        ewm["weight"] += factor
        ewm["sum"] += value * factor


def _bump_needs(state: dict[str, Any], facts: MessageFacts) -> None:
    needs: dict[str, int] = state["needs"]
    evidence: dict[str, list[list[Any]]] = state["evidence"]["needs"]
    stamp = facts.at.isoformat()
    for word in dict.fromkeys(k for k in facts.keywords if k):
        if word not in needs and len(needs) >= MAX_NEEDS:
            # Space-saving: the newcomer takes over the rarest need's count + 1,
            # which bounds the size and never under-counts a frequent need.
            rarest = min(needs, key=lambda k: (needs[k], k))
            floor = needs.pop(rarest)
            evidence.pop(rarest, None)
            needs[word] = floor
        needs[word] = needs.get(word, 0) + 1
        _push_dated(
            evidence.setdefault(word, []), facts.message_id, stamp, EVIDENCE_PER_NEED
        )


def _trim_days(days: dict[str, list[float]], newest: date) -> None:
    if len(days) <= DAY_BUCKET_DAYS:
        return
    oldest = (newest - timedelta(days=DAY_BUCKET_DAYS)).isoformat()
    for key in [k for k in days if k < oldest]:
        del days[key]


def _trim_months(months: dict[str, list[float]]) -> None:
    while len(months) > MONTH_BUCKETS:
        del months[min(months)]


def _record_reply(state: dict[str, Any], facts: MessageFacts) -> None:
    if facts.reply_hours is None or not 0 <= facts.reply_hours <= MAX_REPLY_HOURS:
        return
    # An outbound answer to an inbound message is our reply; the reverse is theirs.
    side = state["replies"]["theirs" if facts.inbound else "ours"]
    side["n"] += 1
    side["hours"] += facts.reply_hours
    _push(
        side["evidence"],
        [facts.replied_to, facts.message_id, round(facts.reply_hours, 2)],
        5,
    )


def add_message(state: dict[str, Any], facts: MessageFacts) -> dict[str, Any]:
    """Fold one message into the profile state (in place) and return the state.

    Constant time: each collection touched has a fixed maximum size.
    """
    state["count"] += 1
    stamp = facts.at.isoformat()
    if state["first_at"] is None or stamp < state["first_at"]:
        state["first_at"] = stamp
    if state["last_at"] is None or stamp > state["last_at"]:
        state["last_at"] = stamp
    _record_reply(state, facts)
    if not facts.inbound:
        state["outbound"] += 1
        return state

    state["inbound"] += 1
    negative = facts.label == "negative"
    day = facts.at.date()
    newest_day = datetime.fromisoformat(state["last_at"]).date()
    if (newest_day - day).days <= DAY_BUCKET_DAYS:
        bucket = state["days"].setdefault(day.isoformat(), [0, 0.0, 0])
        bucket[0] += 1
        bucket[1] += facts.sentiment
        bucket[2] += int(negative)
        _trim_days(state["days"], newest_day)
    month = state["months"].setdefault(day.strftime("%Y-%m"), [0, 0.0])
    month[0] += 1
    month[1] += facts.sentiment
    _trim_months(state["months"])
    _add_decayed(state["ewm"], facts.at, facts.sentiment)

    _bump_needs(state, facts)
    for topic in dict.fromkeys(facts.topics):
        state["topics"][topic] = state["topics"].get(topic, 0) + 1
    evidence = state["evidence"]
    _push_dated(evidence["recent"], facts.message_id, stamp)
    if negative:
        _push_dated(evidence["negative"], facts.message_id, stamp)
    elif facts.label == "positive":
        _push_dated(evidence["positive"], facts.message_id, stamp)
    return state


@dataclass
class Window:
    """Inbound messages of the last `days` days: count, mean sentiment, negatives."""

    days: int
    count: int = 0
    sentiment_sum: float = 0.0
    negative: int = 0

    @property
    def sentiment(self) -> float | None:
        return self.sentiment_sum / self.count if self.count else None

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.count if self.count else None


def window(state: Mapping[str, Any], now: datetime, days: int) -> Window:
    """Sum the day buckets of the `days` days up to `now` (at most 120 buckets)."""
    since = (now.date() - timedelta(days=days - 1)).isoformat()
    until = now.date().isoformat()
    found = Window(days)
    for key, (count, total, negative) in state["days"].items():
        if since <= key <= until:
            found.count += int(count)
            found.sentiment_sum += total
            found.negative += int(negative)
    return found


@dataclass
class Figures:
    """A profile's figures as of one moment, each with the messages behind it."""

    message_count: int
    inbound_count: int
    outbound_count: int
    sentiment: float | None
    sentiment_30: float | None
    sentiment_90: float | None
    negative_share_90: float | None
    messages_per_week_90: float
    messages_per_week_lifetime: float
    our_reply_hours: float | None
    their_reply_hours: float | None
    health: int
    components: dict[str, float]
    needs: list[tuple[str, int]]
    topics: list[tuple[str, int]]
    evidence: dict[str, Any] = field(default_factory=dict)
    last_at: str | None = None


def _mean_hours(side: Mapping[str, Any]) -> float | None:
    return side["hours"] / side["n"] if side["n"] else None


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def health_components(
    *,
    sentiment: float | None,
    sentiment_30: float | None,
    sentiment_90: float | None,
    per_week_90: float,
    per_week_lifetime: float,
    our_reply_hours: float | None,
    negative_share_90: float | None,
) -> dict[str, float]:
    """Each component of the health score in [0, 1]; 0.5 where nothing is known."""
    if sentiment_30 is not None and sentiment_90 is not None:
        trend = _clamp(0.5 + (sentiment_30 - sentiment_90))
    else:
        trend = 0.5
    if per_week_lifetime > 0:
        engagement = _clamp(per_week_90 / per_week_lifetime)
    else:
        engagement = 0.5
    return {
        "sentiment": 0.5 if sentiment is None else _clamp((sentiment + 1) / 2),
        "trend": trend,
        "engagement": engagement,
        "responsiveness": 0.5
        if our_reply_hours is None
        else 1 / (1 + our_reply_hours / 24),
        "complaints": 0.5 if negative_share_90 is None else 1 - negative_share_90,
    }


def health_score(components: Mapping[str, float]) -> int:
    """The weighted sum of the components, as a whole number from 0 to 100."""
    return round(100 * sum(WEIGHTS[name] * components[name] for name in WEIGHTS))


def _weeks_between(first: str | None, last: str | None) -> float:
    if not first or not last:
        return 1.0
    span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
    return max(1.0, span.total_seconds() / (7 * 86400))


def figures(state: Mapping[str, Any], now: datetime, top: int = 10) -> Figures:
    """Read the profile's figures out of its state as of `now`."""
    last30 = window(state, now, 30)
    last90 = window(state, now, 90)
    ewm = state["ewm"]
    sentiment = ewm["sum"] / ewm["weight"] if ewm["weight"] else None
    per_week_90 = last90.count / (90 / 7)
    per_week_lifetime = state["inbound"] / _weeks_between(
        state["first_at"], state["last_at"]
    )
    ours = _mean_hours(state["replies"]["ours"])
    components = health_components(
        sentiment=sentiment,
        sentiment_30=last30.sentiment,
        sentiment_90=last90.sentiment,
        per_week_90=per_week_90,
        per_week_lifetime=per_week_lifetime,
        our_reply_hours=ours,
        negative_share_90=last90.negative_share,
    )
    needs = sorted(state["needs"].items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    topics = sorted(state["topics"].items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    dated = state["evidence"]
    evidence: dict[str, Any] = {
        name: ids(dated[name]) for name in ("recent", "negative", "positive")
    }
    evidence["needs"] = {word: ids(items) for word, items in dated["needs"].items()}
    evidence["replies_ours"] = state["replies"]["ours"]["evidence"]
    evidence["replies_theirs"] = state["replies"]["theirs"]["evidence"]
    return Figures(
        message_count=state["count"],
        inbound_count=state["inbound"],
        outbound_count=state["outbound"],
        sentiment=sentiment,
        sentiment_30=last30.sentiment,
        sentiment_90=last90.sentiment,
        negative_share_90=last90.negative_share,
        messages_per_week_90=per_week_90,
        messages_per_week_lifetime=per_week_lifetime,
        our_reply_hours=ours,
        their_reply_hours=_mean_hours(state["replies"]["theirs"]),
        health=health_score(components),
        components=components,
        needs=needs,
        topics=topics,
        evidence=evidence,
        last_at=state["last_at"],
    )


def monthly_trend(state: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Months with their message count and mean sentiment, oldest first."""
    months = sorted(state["months"].items())
    return {
        "x": [month for month, _ in months],
        "count": [int(count) for _, (count, _total) in months],
        "sentiment": [
            round(total / count, 3) if count else None for _, (count, total) in months
        ],
    }
