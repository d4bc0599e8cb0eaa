"""The names a business cares about: its products, its competitors, its customers.

Filled by the caller (the insight engine builds one from the CRM); the analyser
uses it to keep such names whole when segmenting Chinese and to report which
products and competitors a message mentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from rapport.intelligence.nlp.matching import PhraseMatcher

Names = Mapping[str, Iterable[str]] | Iterable[str]

KINDS = ("products", "competitors", "customers")


def _canonical(names: Names | None) -> dict[str, tuple[str, ...]]:
    """Each name with its aliases (the name itself first), blanks dropped."""
    if names is None:
        return {}
    pairs = names.items() if isinstance(names, Mapping) else ((n, ()) for n in names)
    result: dict[str, tuple[str, ...]] = {}
    for name, aliases in pairs:
        name = name.strip()
        if not name:
            continue
        spelled = [name, *(a.strip() for a in aliases if a and a.strip())]
        result[name] = tuple(dict.fromkeys(spelled))
    return result


@dataclass(frozen=True, eq=False)
class Mention:
    """One name found in a text: its kind, canonical name and where it stood."""

    kind: str
    name: str
    start: int


@dataclass(eq=False)
class DomainDictionary:
    """Products, competitors and customers, each a name or a name with aliases."""

    products: Names | None = None
    competitors: Names | None = None
    customers: Names | None = None
    _names: dict[str, dict[str, tuple[str, ...]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._names = {kind: _canonical(getattr(self, kind)) for kind in KINDS}

    def names(self, kind: str) -> dict[str, tuple[str, ...]]:
        """The canonical names of one kind, with their aliases."""
        return self._names[kind]

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Every spelling, for the Chinese segmenter to keep whole."""
        return tuple(
            alias
            for kind in KINDS
            for aliases in self._names[kind].values()
            for alias in aliases
        )

    @cached_property
    def folded(self) -> frozenset[str]:
        """Every spelling, case-folded, to weigh keywords that are names."""
        return frozenset(word.casefold() for word in self.words)

    @cached_property
    def _matcher(self) -> PhraseMatcher[tuple[str, str]]:
        spellings: dict[str, tuple[str, str]] = {}
        for kind in KINDS:
            for name, aliases in self._names[kind].items():
                for alias in aliases:
                    spellings.setdefault(alias, (kind, name))
        return PhraseMatcher(spellings)

    def find(self, text: str) -> list[Mention]:
        """Every mention in the text, in order, longest spelling first.

        Latin spellings match whole words only ("Ace" is not in "space").
        """
        return [
            Mention(match.value[0], match.value[1], match.start)
            for match in self._matcher.find(text)
        ]

    def fingerprint(self) -> tuple[str, ...]:
        """A key that changes when any spelling changes."""
        return tuple(sorted(self.words))
