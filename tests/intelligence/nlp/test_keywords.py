"""Keywords, key phrases, needs, topics and the names a message mentions."""

from __future__ import annotations

import pytest

from rapport.intelligence.nlp import (
    DomainDictionary,
    Taxonomy,
    analyze,
    analyze_many,
)


def test_chinese_keywords_and_needs() -> None:
    # given
    text = "感谢您的耐心，不过交付已经延期两周了。我们需要一个明确的上线时间表。"

    # when
    result = analyze(text)

    # then
    assert {"交付", "延期"} <= set(result.keywords)
    assert any("上线时间表" in need for need in result.needs)
    assert "感谢您" not in result.keywords


def test_english_key_phrases_and_needs() -> None:
    # given
    text = (
        "The shipment is late again. We need a firm shipping date and a revised "
        "project plan by Friday."
    )

    # when
    result = analyze(text)

    # then
    assert "firm shipping date" in result.phrases
    assert result.needs[0].startswith("firm shipping date")
    assert "the" not in [k.lower() for k in result.keywords]


def test_default_topics_in_both_languages() -> None:
    # given / when
    chinese = analyze("交付延期了两周，价格还涨了，我们考虑不再续约")
    english = analyze("The shipment is delayed, the invoices are wrong; we will cancel")

    # then
    assert {"delivery", "price", "cancellation"} <= set(chinese.topics)
    assert {"delivery", "payment", "cancellation"} <= set(english.topics)


def test_english_cues_match_whole_words_with_inflections() -> None:
    # given the cue "delay" and the cue "ship"
    taxonomy = Taxonomy.default()

    # when / then
    assert taxonomy.find("Delays, delays and more delays") == ["delivery"]
    assert taxonomy.find("relationship") == []


def test_a_custom_taxonomy() -> None:
    # given a taxonomy of one's own, with a plain label and per-language cues
    taxonomy = Taxonomy.from_dict(
        {
            "security": {"label": "Security", "cues": {"zh": ["漏洞", "安全"]}},
            "onboarding": {"cues": ["onboarding", "kick-off", "入职"]},
        }
    )

    # when
    result = analyze("The kick-off found a 安全 hole", taxonomy=taxonomy)

    # then
    assert set(result.topics) == {"security", "onboarding"}
    assert taxonomy.topics["security"].label("zh") == "Security"


def test_a_topic_without_cues_is_refused() -> None:
    # given / when / then
    with pytest.raises(ValueError, match="has no cues"):
        Taxonomy.from_dict({"empty": {"cues": []}})


def test_products_competitors_and_customers(dictionary: DomainDictionary) -> None:
    # given a message naming a product by alias, two competitors and a customer
    text = "华光科技在比较云枢和金蝶，SAP 也在看。Kingdee is cheaper, sapient no."

    # when
    result = analyze(text, dictionary=dictionary)

    # then
    assert result.products == ["云枢 ERP"]
    assert result.competitors == ["金蝶", "SAP"]
    assert result.customers == ["华光科技"]
    assert "competitor" in result.topics
    assert result.keywords[:3] == ["云枢 ERP", "金蝶", "SAP"]


def test_latin_names_match_whole_words_only() -> None:
    # given a product called "Ace"
    dictionary = DomainDictionary(products=["Ace"])

    # when / then
    assert dictionary.find("the space program") == []
    assert [m.name for m in dictionary.find("ACE is live")] == ["Ace"]


def test_the_segmenter_keeps_dictionary_names_whole() -> None:
    # given a name jieba would otherwise split
    dictionary = DomainDictionary(customers=["瑞丰恒信"])

    # when
    result = analyze("瑞丰恒信的采购流程很长", dictionary=dictionary)

    # then
    assert "瑞丰恒信" in result.keywords


def test_many_at_once_equals_one_by_one(dictionary: DomainDictionary) -> None:
    # given
    texts = ["交付延期了两周", "Great job on the rollout", "请查收发票", ""]
    subjects = ["", "Re: go-live", "", ""]

    # when
    batch = analyze_many(texts, subjects=subjects, dictionary=dictionary)
    single = [
        analyze(t, subject=s, dictionary=dictionary)
        for t, s in zip(texts, subjects, strict=True)
    ]

    # then
    assert [a.as_dict() for a in batch] == [a.as_dict() for a in single]


def test_one_subject_per_text() -> None:
    # given / when / then
    with pytest.raises(ValueError, match="one subject per text"):
        analyze_many(["a", "b"], subjects=["only one"])


def test_quoted_reply_lines_are_not_read() -> None:
    # given a reply quoting an angry earlier message
    text = "Thanks, received.\n> This is unacceptable, the delivery is late again!"

    # when
    result = analyze(text)

    # then
    assert "delivery" not in result.topics
