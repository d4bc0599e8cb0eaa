"""Risk rules as plain data: phrase matching in both languages, windows, dedupe keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rapport.intelligence.insight.rules import (
    DEFAULT_RULES,
    RuleSpec,
    dedupe_key,
    fires,
    normalise,
)

DELAY = RuleSpec(
    key="delay",
    phrases=("交付延迟", "延期交付", "还没发货", "late delivery", "delayed shipment"),
    threshold=3,
    window_days=30,
)


def inbound(rule: RuleSpec, text: str, **extra) -> bool:
    values = {"text": normalise(text), "channel": "email", "inbound": True} | extra
    return rule.matches(**values)


@pytest.mark.parametrize(
    "text",
    [
        "你好，我们的设备交付延迟了两周",
        "项目又延期交付，请尽快处理",
        "已经一个月了还没发货？",
        "交付 延迟 太久了",
        "We are unhappy about the LATE  DELIVERY of the pumps.",
        "Another delayed shipment this week.",
        "ＬＡＴＥ ＤＥＬＩＶＥＲＹ again",
        "这个 late delivery 让我们很被动",
    ],
)
def test_synonyms_match_in_chinese_english_and_mixed_text(text):
    assert inbound(DELAY, text)


@pytest.mark.parametrize(
    "text",
    [
        "交付很顺利，谢谢",
        "Thanks, the delivery arrived on time.",
        "translated delivery notes",
    ],
)
def test_unrelated_text_does_not_match(text):
    assert not inbound(DELAY, text)


def test_whole_words_only_for_english_phrases():
    rule = RuleSpec(key="k", phrases=("defect",))

    assert inbound(rule, "one defect found")
    assert not inbound(rule, "they defected to a rival")


def test_channels_direction_topic_and_sentiment_conditions():
    rule = RuleSpec(
        key="k",
        phrases=("late delivery",),
        channels=("email", "call"),
        topic="delivery",
        max_sentiment=-0.1,
    )
    text = "late delivery"

    assert inbound(rule, text, topics=["delivery"], sentiment=-0.5)
    assert not inbound(rule, text, channel="chat", topics=["delivery"], sentiment=-0.5)
    assert not inbound(rule, text, topics=["price"], sentiment=-0.5)
    assert not inbound(rule, text, topics=["delivery"], sentiment=0.4)
    assert not inbound(rule, text, inbound=False, topics=["delivery"], sentiment=-0.5)


def test_a_rule_of_a_topic_alone_matches_on_the_topic():
    rule = RuleSpec(key="k", phrases=(), topic="cancellation")

    assert inbound(rule, "anything", topics=["cancellation"])
    assert not inbound(rule, "anything", topics=["price"])


def test_fires_only_when_the_threshold_is_reached_inside_the_window():
    now = datetime(2026, 5, 1, tzinfo=UTC)
    spread = [now - timedelta(days=d) for d in (70, 40, 1)]
    close = [now - timedelta(days=d) for d in (20, 10, 1)]

    assert not fires(spread, now, DELAY)
    assert fires(close, now, DELAY)
    assert not fires(close[:2], now, DELAY)


def test_dedupe_key_names_rule_customer_and_window_start():
    first = datetime(2026, 5, 3, 8, tzinfo=UTC)

    assert dedupe_key(1, 2, first, 30) == dedupe_key(1, 2, first, 30)
    assert dedupe_key(1, 2, first, 30) != dedupe_key(1, 3, first, 30)
    assert dedupe_key(1, 2, first, 30) != dedupe_key(2, 2, first, 30)
    assert dedupe_key(1, 2, first, 30) != dedupe_key(
        1, 2, first + timedelta(days=3), 30
    )
    assert len(dedupe_key(10**9, 10**9, first, 730)) <= 120


def test_default_rules_are_bilingual_and_valid():
    codes = {rule["code"] for rule in DEFAULT_RULES}

    assert codes == {
        "delivery_delay",
        "quality_complaint",
        "price_objection",
        "competitor_mention",
        "intent_to_cancel",
    }
    for rule in DEFAULT_RULES:
        phrases = rule["phrases"]
        assert any(not p.isascii() for p in phrases), rule["code"]
        assert any(p.isascii() for p in phrases), rule["code"]
        assert int(rule["threshold"]) >= 1 and int(rule["window_days"]) >= 1
