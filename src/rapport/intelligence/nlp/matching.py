"""Find many phrases in a text at once, fast, in Chinese and English.

A long alternation regex costs milliseconds per message; here Chinese phrases
are looked up by the characters the text actually contains and checked with
`str.find`, and English phrases are looked up as runs of whole words, with the
usual inflections (delay → delays, delayed, delaying).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

Value = TypeVar("Value")
WORD = re.compile(r"[a-z0-9][a-z0-9'&+.-]*[a-z0-9+]|[a-z0-9]")
SUFFIXES = ("s", "es", "ed", "d", "ing")


@dataclass(frozen=True)
class Match(Generic[Value]):
    """One phrase found: where it starts, how long it is, and its value."""

    start: int
    length: int
    value: Value


class PhraseMatcher(Generic[Value]):
    """Every phrase → value; `find` returns the longest matches, in text order."""

    def __init__(self, phrases: Mapping[str, Value], *, inflect: bool = False) -> None:
        # Chinese phrases by their first two characters (one, for one-character
        # phrases): a text is checked only against phrases it could contain.
        self._by_prefix: dict[str, list[tuple[str, Value]]] = defaultdict(list)
        self._words: dict[tuple[str, ...], Value] = {}
        for phrase, value in phrases.items():
            key = phrase.casefold().strip()
            if not key:
                continue
            if key.isascii():
                self._add_words(key, value, inflect)
            else:
                self._by_prefix[key[:2]].append((key, value))
        self._longest = max((len(k) for k in self._words), default=0)

    def _add_words(self, key: str, value: Value, inflect: bool) -> None:
        words = tuple(WORD.findall(key))
        if not words:
            return
        self._words.setdefault(words, value)
        if inflect:
            for suffix in SUFFIXES:
                self._words.setdefault((*words[:-1], words[-1] + suffix), value)

    def find(self, text: str) -> list[Match[Value]]:
        """Non-overlapping matches, longest first where two start together."""
        lowered = text.casefold()
        found: list[Match[Value]] = []
        prefixes = {lowered[i : i + 2] for i in range(len(lowered))}
        for prefix in prefixes & self._by_prefix.keys():
            for key, value in self._by_prefix[prefix]:
                start = lowered.find(key)
                while start >= 0:
                    found.append(Match(start, len(key), value))
                    start = lowered.find(key, start + 1)
        if self._words:
            found.extend(self._find_words(lowered))
        return _without_overlaps(found)

    def _find_words(self, lowered: str) -> list[Match[Value]]:
        spans = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(lowered)]
        words = [word for _, _, word in spans]
        found = []
        for i in range(len(words)):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                value = self._words.get(tuple(words[i : i + n]))
                if value is not None:
                    start = spans[i][0]
                    found.append(Match(start, spans[i + n - 1][1] - start, value))
                    break
        return found


def _without_overlaps(found: list[Match[Value]]) -> list[Match[Value]]:
    found.sort(key=lambda m: (m.start, -m.length))
    kept: list[Match[Value]] = []
    end = -1
    for match in found:
        if match.start >= end:
            kept.append(match)
            end = match.start + match.length
    return kept
