"""Which language a message is in: Chinese, English, both, or another one.

Chinese and English are told apart by counting character classes, which is fast
and right even for two-word messages; other languages written in Latin script go
to langid, loaded only when such a text turns up.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
NOISE = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+")

# English stop words: two of them settle that a Latin text is English without
# asking the statistical detector, which is unreliable on short texts.
ENGLISH_WORDS_FILE = Path(__file__).parent / "data" / "stopwords_en.txt"

# A Latin word carries about as much as this many Chinese characters.
HAN_PER_WORD = 1.5
MIXED_SHARE = 0.15


def detect_language(text: str) -> str:
    """Return "zh", "en", "mixed", another ISO 639-1 code, or "und"."""
    text = NOISE.sub(" ", text)
    han = len(HAN.findall(text))
    kana = len(KANA.findall(text))
    hangul = len(HANGUL.findall(text))
    if kana and kana * 10 >= han + kana:
        return "ja"
    if hangul > han:
        return "ko"

    words = [w for w in LATIN_WORD.findall(text) if not _is_acronym(w)]
    if not han and not words:
        return "en" if LATIN_WORD.search(text) else "und"
    han_units = han / HAN_PER_WORD
    share = han_units / (han_units + len(words))
    if han >= 2 and len(words) >= 2 and MIXED_SHARE <= share <= 1 - MIXED_SHARE:
        return "mixed"
    if share > 0.5:
        return "zh"
    return _latin_language(words)


def _is_acronym(word: str) -> bool:
    return word.isupper() and len(word) <= 5


def _latin_language(words: list[str]) -> str:
    lowered = [w.lower() for w in words]
    english = _english_words()
    hits = sum(1 for w in lowered if w in english)
    if hits >= 2 or len(words) < 4:
        return "en"
    code, _ = _identifier().classify(" ".join(words))
    return str(code)


@cache
def _identifier() -> Any:
    from langid.langid import LanguageIdentifier, model

    return LanguageIdentifier.from_modelstring(model, norm_probs=True)


@cache
def _english_words() -> frozenset[str]:
    return frozenset(ENGLISH_WORDS_FILE.read_text(encoding="utf-8").split())
