"""The living profile's arithmetic: running aggregates, windows, health score."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.intelligence.insight.aggregates import (
    DAY_BUCKET_DAYS,
    MAX_NEEDS,
    WEIGHTS,
    MessageFacts,
    add_message,
    empty_state,
    figures,
    health_components,
    health_score,
    monthly_trend,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def facts(n: int, days_ago: float, sentiment: float, **extra) -> MessageFacts:
    label = (
        "negative" if sentiment < -0.2 else "positive" if sentiment > 0.2 else "neutral"
    )
    values = {
        "message_id": n,
        "at": NOW - timedelta(days=days_ago),
        "inbound": True,
        "sentiment": sentiment,
        "label": label,
    } | extra
    return MessageFacts(**values)


def test_windows_count_only_the_last_30_and_90_days():
    state = empty_state()
    add_message(state, facts(1, 100, 0.9))
    add_message(state, facts(2, 60, 0.5))
    add_message(state, facts(3, 10, -0.8))
    add_message(state, facts(4, 5, -0.6))

    got = figures(state, NOW)

    assert got.sentiment_30 == -0.7
    assert round(got.sentiment_90, 4) == round((0.5 - 0.8 - 0.6) / 3, 4)
    assert got.negative_share_90 == 2 / 3
    assert got.message_count == 4
    assert got.evidence["negative"] == [4, 3]


def test_decayed_sentiment_weighs_recent_messages_more():
    state = empty_state()
    add_message(state, facts(1, 90, 1.0))
    add_message(state, facts(2, 0, -1.0))

    got = figures(state, NOW).sentiment

    # The older message is three half-lives old: weight 1/8 against 1.
    assert abs(got - (1 / 8 - 1) / (1 / 8 + 1)) < 1e-9


def test_late_arrivals_give_the_same_decayed_sentiment_as_in_order():
    items = [
        facts(i, d, s) for i, (d, s) in enumerate([(50, 0.4), (20, -0.3), (3, 0.9)])
    ]
    in_order, shuffled = empty_state(), empty_state()
    for item in items:
        add_message(in_order, item)
    for item in reversed(items):
        add_message(shuffled, item)

    assert (
        abs(figures(in_order, NOW).sentiment - figures(shuffled, NOW).sentiment) < 1e-9
    )
    assert figures(in_order, NOW).sentiment_90 == figures(shuffled, NOW).sentiment_90


def test_needs_and_topics_count_inbound_messages_with_evidence():
    state = empty_state()
    add_message(
        state, facts(1, 3, -0.5, keywords=("交付", "延期"), topics=("delivery",))
    )
    add_message(state, facts(2, 2, -0.5, keywords=("交付",), topics=("delivery",)))
    add_message(state, facts(3, 1, 0.5, keywords=("交付",), inbound=False))

    got = figures(state, NOW)

    assert got.needs[0] == ("交付", 2)
    assert got.topics == [("delivery", 2)]
    assert got.evidence["needs"]["交付"] == [2, 1]
    assert got.outbound_count == 1


def test_reply_times_are_kept_for_both_directions():
    state = empty_state()
    add_message(state, facts(1, 3, -0.5))
    add_message(
        state, facts(2, 2.5, 0.0, inbound=False, reply_hours=12.0, replied_to=1)
    )
    add_message(state, facts(3, 2, 0.3, reply_hours=6.0, replied_to=2))
    add_message(state, facts(4, 1, 0.3, inbound=False, reply_hours=36.0, replied_to=3))

    got = figures(state, NOW)

    assert got.our_reply_hours == 24.0
    assert got.their_reply_hours == 6.0
    assert got.evidence["replies_ours"][0] == [3, 4, 36.0]


def test_state_stays_bounded_however_long_the_history():
    state = empty_state()
    rng = random.Random(4)
    for n in range(5000):
        words = tuple(f"w{rng.randrange(10_000)}" for _ in range(3))
        add_message(state, facts(n, 700 - n * 0.14, rng.uniform(-1, 1), keywords=words))

    assert len(state["needs"]) <= MAX_NEEDS
    assert len(state["days"]) <= DAY_BUCKET_DAYS + 1
    assert len(state["months"]) <= 24
    assert len(json.dumps(state)) < 40_000


def test_a_frequent_need_survives_eviction_of_rare_ones():
    state = empty_state()
    for n in range(1000):
        add_message(state, facts(n, 1, 0.0, keywords=("delivery", f"rare{n}")))

    assert figures(state, NOW).needs[0] == ("delivery", 1000)


def test_health_formula_matches_the_documented_weights():
    parts = health_components(
        sentiment=0.2,
        sentiment_30=-0.1,
        sentiment_90=0.1,
        per_week_90=1.0,
        per_week_lifetime=2.0,
        our_reply_hours=24.0,
        negative_share_90=0.25,
    )

    assert parts == {
        "sentiment": 0.6,
        "trend": 0.3,
        "engagement": 0.5,
        "responsiveness": 0.5,
        "complaints": 0.75,
    }
    assert health_score(parts) == round(
        100 * (0.4 * 0.6 + 0.15 * 0.3 + 0.15 * 0.5 + 0.1 * 0.5 + 0.2 * 0.75)
    )
    assert abs(sum(WEIGHTS.values()) - 1) < 1e-9


def test_unhappy_customer_scores_below_happy_one():
    happy, unhappy = empty_state(), empty_state()
    for n in range(30):
        add_message(happy, facts(n, 80 - n * 2.5, 0.7))
        add_message(unhappy, facts(n, 80 - n * 2.5, -0.2 - n * 0.02))

    assert figures(unhappy, NOW).health < figures(happy, NOW).health - 20


def test_monthly_trend_lists_months_in_order():
    state = empty_state()
    add_message(state, facts(1, 40, 0.5))
    add_message(state, facts(2, 5, -0.5))
    add_message(state, facts(3, 4, -0.25))

    trend = monthly_trend(state)

    assert trend["x"] == ["2026-04", "2026-05"]
    assert trend["count"] == [1, 2]
    assert trend["sentiment"] == [0.5, -0.375]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 400), st.floats(-1, 1), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
def test_health_is_always_between_0_and_100_and_state_is_json(rows):
    state = empty_state()
    for n, (days, sentiment, inbound) in enumerate(rows):
        add_message(state, facts(n, days, sentiment, inbound=inbound))

    got = figures(state, NOW)

    assert 0 <= got.health <= 100
    assert json.loads(json.dumps(state)) == copy.deepcopy(state)


def test_latest_evidence_stays_latest_when_old_mail_arrives_late():
    state = empty_state()
    for n in range(12):
        add_message(state, facts(100 + n, 12 - n, -0.5))
    add_message(state, facts(1, 300, -0.9))

    got = figures(state, NOW)

    assert got.evidence["recent"] == list(range(111, 101, -1))
    assert 1 not in got.evidence["negative"]
