"""Topics a message is about, from a taxonomy of cue words in Chinese and English.

The default taxonomy (delivery, price, quality, support, contract, payment,
competitor, cancellation, praise) lives in `data/taxonomy.json`; a business can
pass its own with `Taxonomy.from_dict`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from rapport.intelligence.nlp.matching import PhraseMatcher

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Topic:
    """A topic: its key, its names in each language and the cues that signal it."""

    key: str
    labels: Mapping[str, str]
    cues: tuple[str, ...]

    def label(self, language: str = "en") -> str:
        """The topic's name in a language, else in English, else its key."""
        return self.labels.get(language) or self.labels.get("en") or self.key


def _cue_list(cues: Any) -> tuple[str, ...]:
    if isinstance(cues, Mapping):
        cues = [cue for values in cues.values() for cue in values]
    if isinstance(cues, str) or not isinstance(cues, Iterable):
        raise ValueError("cues must be a list of phrases or a mapping of lists")
    cleaned = (str(cue).strip().casefold() for cue in cues)
    return tuple(dict.fromkeys(cue for cue in cleaned if cue))


class Taxonomy:
    """An ordered set of topics that finds which of them a text is about."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics = {topic.key: topic for topic in topics}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Taxonomy:
        """Build from `{key: {"label": {"en": ..., "zh": ...}, "cues": [...]}}`.

        `cues` may also be `{"zh": [...], "en": [...]}`, and `label` a plain
        string; a topic with no cue is refused, since it could never be found.
        """
        topics = []
        for key, spec in data.items():
            if not isinstance(spec, Mapping):
                spec = {"cues": spec}
            labels = spec.get("label") or {}
            if isinstance(labels, str):
                labels = {"en": labels}
            cues = _cue_list(spec.get("cues", ()))
            if not cues:
                raise ValueError(f"topic {key!r} has no cues")
            topics.append(Topic(str(key), dict(labels), cues))
        return cls(topics)

    @classmethod
    def default(cls) -> Taxonomy:
        """The taxonomy Rapport ships with."""
        return _default()

    def __contains__(self, key: object) -> bool:
        return key in self.topics

    def __iter__(self) -> Any:
        return iter(self.topics.values())

    @cached_property
    def _matcher(self) -> PhraseMatcher[str]:
        owner: dict[str, str] = {}
        for topic in self.topics.values():
            for cue in topic.cues:
                owner.setdefault(cue, topic.key)
        return PhraseMatcher(owner, inflect=True)

    def find(self, text: str) -> list[str]:
        """Keys of the topics the text mentions, most mentioned first."""
        counts: dict[str, int] = {}
        for match in self._matcher.find(text):
            counts[match.value] = counts.get(match.value, 0) + 1
        return sorted(counts, key=lambda key: -counts[key])


@cache
def _default() -> Taxonomy:
    with (DATA / "taxonomy.json").open(encoding="utf-8") as handle:
        return Taxonomy.from_dict(json.load(handle))
