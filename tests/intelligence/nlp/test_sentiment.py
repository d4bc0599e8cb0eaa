"""The trained sentiment model: business complaints, politeness, negation, range."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.intelligence.nlp import analyze
from rapport.intelligence.nlp.sentiment import LABELS, SentimentModel, normalize


def test_a_delay_with_strong_displeasure_is_negative() -> None:
    # given the message SnowNLP's own model scores as positive
    text = "交付延期了两周，非常不满意"

    # when
    result = analyze(text)

    # then
    assert result.label == "negative"
    assert result.sentiment < -0.5


@pytest.mark.parametrize(
    "text",
    [
        "感谢您的耐心，不过交付已经延期两周了",
        "非常感谢各位，但是系统还是经常崩溃",
        "Thanks for the update, however we are still waiting on the delivery "
        "we were promised last month",
        "Thank you for your help, but the invoice is still wrong",
    ],
)
def test_politeness_does_not_hide_a_complaint(text: str) -> None:
    # given a complaint wrapped in thanks / when analysed / then negative
    assert analyze(text).label == "negative"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("这个 delivery 又 delay 了", "negative"),
        ("新版本的 performance 很好，用户很 happy", "positive"),
        ("上线很顺利，非常满意", "positive"),
        ("The go-live was smooth and we are very happy", "positive"),
        ("请把合同的最新版本发给我们", "neutral"),
        ("Please send us the signed contract by Friday", "neutral"),
    ],
)
def test_mixed_and_plain_messages(text: str, label: str) -> None:
    # given messages not in any data set / when analysed / then the right label
    assert analyze(text).label == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("We are not unhappy with the result", "positive"),
        ("The support team was not helpful at all", "negative"),
        ("并非不满意，整体还是认可的", "positive"),
        ("没有任何不满，合作很愉快", "positive"),
    ],
)
def test_negation(text: str, label: str) -> None:
    # given a negated or doubly negated judgement / then its actual sense
    assert analyze(text).label == label


def test_double_negation_is_rewritten_before_scoring() -> None:
    # given / when / then
    assert normalize("我们并非不满意") == "我们满意"
    assert normalize("We are NOT unhappy") == "we are happy"
    assert normalize("not until Friday") == "not until friday"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=5))
def test_any_text_scores_within_range(model: SentimentModel, texts: list[str]) -> None:
    # given any texts at all / when scored
    results = model.predict(texts)

    # then one score per text, in [-1, 1], with the label of the likeliest class
    assert len(results) == len(texts)
    for result in results:
        assert -1.0 <= result.score <= 1.0
        assert result.label in LABELS
        assert 1 / 3 <= result.confidence <= 1.0


def test_an_empty_message_is_neutral() -> None:
    # given / when
    result = analyze("   ")

    # then
    assert (result.language, result.label, result.sentiment) == ("und", "neutral", 0)
