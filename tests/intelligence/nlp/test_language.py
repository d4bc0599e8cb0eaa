"""Telling Chinese, English, mixed and other languages apart."""

from __future__ import annotations

import pytest

from rapport.intelligence.nlp import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("交付延期了两周，非常不满意", "zh"),
        ("我们的ERP系统下周上线", "zh"),
        ("Thanks for the update, however we are still waiting", "en"),
        ("OK", "en"),
        ("这个 delivery 又 delay 了", "mixed"),
        ("We are really 不满意 with the service this quarter", "mixed"),
        ("We met 王总 yesterday to go through the contract terms in detail", "en"),
        ("Nous attendons toujours la livraison promise le mois dernier", "fr"),
        ("Wir warten immer noch auf die Lieferung seit drei Wochen", "de"),
        ("納期が二週間遅れています", "ja"),
        ("배송이 2주 지연되었습니다", "ko"),
        ("", "und"),
        ("12345 !!!", "und"),
    ],
)
def test_language_of_a_text(text: str, language: str) -> None:
    # given a text / when its language is detected / then it is the expected one
    assert detect_language(text) == language


def test_addresses_and_links_do_not_make_chinese_mixed() -> None:
    # given Chinese text with an e-mail address and a link
    text = "请把报价发到 sales@example.com，详情见 https://example.com/quote"

    # when / then
    assert detect_language(text) == "zh"
