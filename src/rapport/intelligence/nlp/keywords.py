"""Keywords, key phrases and needs: what a message asks for, in its own words.

Chinese is segmented with jieba (a private tokenizer, so the names a business
adds never leak into another library's use of jieba) and words are weighed by
jieba's inverse document frequencies; English words by length and frequency.
Key phrases are runs of content words between stop words (the RAKE idea); needs
are the phrases that follow a request cue such as 需要, 希望, "we need".
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rapport.intelligence.nlp.dictionary import DomainDictionary

DATA = Path(__file__).parent / "data"

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TOKEN_PART = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff'-]+")
# Splits a text into clauses: a key phrase or a need never crosses one.
CLAUSE = re.compile(r"[。！？!?；;，,、：:\n\r\t\"“”()（）【】\[\]]|\.(?:\s|$)")
NEED_CUE = re.compile(
    r"(?:需要|希望|想要|要求|能否|是否可以|可否|能不能|麻烦|请尽快|请帮忙|急需|求助"
    r"|\bwe need(?: to)?\b|\bneed(?:s)? to\b|\bneed(?:s)?\b|\bwould like(?: to)?\b"
    r"|\bwant(?:s)? to\b|\brequire(?:s)?\b|\blooking for\b|\bcould you\b"
    r"|\bcan you\b|\bplease\b|\brequest(?:ing)?\b)",
    re.IGNORECASE,
)
# Words between a request cue and what is requested: "需要贵司把…", "we need to".
NEED_LEAD = re.compile(r"^(?:\s|的|把|将|给|我们|你们|您|贵司|尽快|帮忙)+")
MAX_NEED_CHARS = 24
MAX_NEED_WORDS = 8


@dataclass(frozen=True)
class Keywords:
    """What the keyword step found in one text."""

    keywords: list[str]
    phrases: list[str]
    needs: list[str]


@cache
def _stopwords() -> frozenset[str]:
    zh = (DATA / "stopwords_zh.txt").read_text(encoding="utf-8").split()
    en = (DATA / "stopwords_en.txt").read_text(encoding="utf-8").split()
    return frozenset(zh) | frozenset(en)


class Segmenter:
    """A private jieba tokenizer that learns the business's names as they come."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(60)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        self._known: set[str] = set()
        self._learned: weakref.WeakSet[DomainDictionary] = weakref.WeakSet()

    def learn(self, domain: DomainDictionary) -> None:
        """Keep the dictionary's Chinese spellings whole from now on (once each)."""
        if domain in self._learned:
            return
        for word in domain.words:
            if word not in self._known and HAN.search(word):
                self._tokenizer.add_word(word, freq=100_000)
                self._known.add(word)
        self._learned.add(domain)

    def cut(self, text: str) -> list[str]:
        """Words of a text; English words come back whole."""
        return [t for t in self._tokenizer.cut(text, HMM=True) if t.strip()]


@cache
def segmenter() -> Segmenter:
    """The process's segmenter, built on first use (about a second)."""
    return Segmenter()


@cache
def _idf() -> tuple[dict[str, float], float]:
    from jieba.analyse import default_tfidf

    idf: dict[str, float] = default_tfidf.idf_freq
    return idf, float(default_tfidf.median_idf)


def _is_content(token: str, stop: frozenset[str]) -> bool:
    lowered = token.casefold()
    if lowered in stop or not TOKEN_PART.fullmatch(token):
        return False
    if HAN.search(token):
        return len(token) >= 2
    return len(token) >= 3 and not token.replace(".", "").isdigit()


def _weight(token: str, idf: dict[str, float], median: float) -> float:
    if HAN.search(token):
        return idf.get(token, median)
    # No English frequency list ships offline: longer words say more.
    return median * min(1.0, 0.4 + 0.1 * len(token))


def extract(
    text: str, *, domain: DomainDictionary | None = None, limit: int = 8
) -> Keywords:
    """Keywords, key phrases and needs of one text, best first."""
    seg = segmenter()
    stop = _stopwords()
    idf, median = _idf()
    if domain is not None:
        seg.learn(domain)
    names = domain.folded if domain is not None else frozenset()

    clauses = [c for c in CLAUSE.split(text) if c and c.strip()]
    scores: defaultdict[str, float] = defaultdict(float)
    spelled: dict[str, str] = {}
    phrases: defaultdict[str, float] = defaultdict(float)
    for clause in clauses:
        run: list[str] = []
        for token in [*seg.cut(clause), ""]:
            if token and _is_content(token, stop):
                key = token.casefold()
                spelled.setdefault(key, token)
                boost = 3.0 if key in names else 1.0
                scores[key] += _weight(token, idf, median) * boost
                run.append(token)
                continue
            if 2 <= len(run) <= 4:
                phrases[_join(run)] += sum(scores[t.casefold()] for t in run)
            run = []

    words = [spelled[key] for key in _best(scores, limit)]
    ranked = _best(phrases, 3)
    return Keywords(words, ranked, _needs(clauses, stop))


def _best(scores: dict[str, float], limit: int) -> list[str]:
    return sorted(scores, key=lambda key: -scores[key])[:limit]


def _join(tokens: list[str]) -> str:
    joined = tokens[0]
    for token in tokens[1:]:
        ascii_edge = joined[-1].isascii() and token[0].isascii()
        joined += f" {token}" if ascii_edge else token
    return joined


def _needs(clauses: list[str], stop: frozenset[str]) -> list[str]:
    needs: list[str] = []
    for clause in clauses:
        for match in NEED_CUE.finditer(clause):
            need = _need_phrase(clause[match.end() :], stop)
            if need and need not in needs:
                needs.append(need)
    return needs[:3]


def _need_phrase(rest: str, stop: frozenset[str]) -> str:
    rest = NEED_LEAD.sub("", rest).strip()
    if not rest:
        return ""
    if HAN.search(rest[:3]):
        return rest[:MAX_NEED_CHARS].strip()
    words = rest.split()
    while words and words[0].casefold() in stop:
        words.pop(0)
    return " ".join(words[:MAX_NEED_WORDS]).strip(" .")


def warm() -> Any:
    """Load the segmenter and the frequency table now rather than on first use."""
    segmenter()
    _stopwords()
    return _idf()
