"""Read a message: language, sentiment, keywords, topics and the names it mentions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rapport.intelligence.nlp.dictionary import DomainDictionary
from rapport.intelligence.nlp.keywords import extract
from rapport.intelligence.nlp.language import detect_language
from rapport.intelligence.nlp.sentiment import Sentiment
from rapport.intelligence.nlp.taxonomy import Taxonomy

# Quoted lines of an e-mail reply are the other side's words, not this message's.
QUOTED = re.compile(r"^\s*>.*$", re.MULTILINE)
MAX_KEYWORDS = 8


@dataclass
class Analysis:
    """What one message says, as the worker stores it beside the message."""

    language: str
    sentiment: float
    label: str
    confidence: float = 0.0
    keywords: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    competitors: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)


def analyze(
    text: str,
    *,
    subject: str = "",
    dictionary: DomainDictionary | None = None,
    taxonomy: Taxonomy | None = None,
) -> Analysis:
    """Analyse one message (its subject counts as part of it)."""
    return analyze_many(
        [text], subjects=[subject], dictionary=dictionary, taxonomy=taxonomy
    )[0]


def analyze_many(
    texts: Sequence[str],
    *,
    subjects: Sequence[str] | None = None,
    dictionary: DomainDictionary | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[Analysis]:
    """Analyse many messages; the sentiment model scores them in one batch."""
    from rapport.intelligence.nlp.sentiment import default_model

    if subjects is None:
        subjects = [""] * len(texts)
    if len(subjects) != len(texts):
        raise ValueError("give one subject per text, or none")
    dictionary = dictionary or DomainDictionary()
    taxonomy = taxonomy or Taxonomy.default()

    bodies = [
        _body(subject, text) for subject, text in zip(subjects, texts, strict=True)
    ]
    sentiments = default_model().predict(bodies)
    return [
        _read(body, sentiment, dictionary, taxonomy)
        for body, sentiment in zip(bodies, sentiments, strict=True)
    ]


def _body(subject: str, text: str) -> str:
    text = QUOTED.sub("", text or "").strip()
    subject = (subject or "").strip()
    return f"{subject}\n{text}" if subject else text


def _read(
    body: str, sentiment: Sentiment, dictionary: DomainDictionary, taxonomy: Taxonomy
) -> Analysis:
    mentions = dictionary.find(body)
    named: dict[str, list[str]] = {"products": [], "competitors": [], "customers": []}
    for mention in mentions:
        if mention.name not in named[mention.kind]:
            named[mention.kind].append(mention.name)

    words = extract(body, domain=dictionary, limit=MAX_KEYWORDS)
    keywords = list(
        dict.fromkeys(
            [*named["products"], *named["competitors"], *words.phrases, *words.keywords]
        )
    )

    topics = taxonomy.find(body)
    if named["competitors"] and "competitor" in taxonomy and "competitor" not in topics:
        topics.append("competitor")
    if not body.strip():
        sentiment = Sentiment(0.0, "neutral", 1.0)
    return Analysis(
        language=detect_language(body),
        sentiment=sentiment.score,
        label=sentiment.label,
        confidence=round(sentiment.confidence, 4),
        keywords=keywords[:MAX_KEYWORDS],
        phrases=words.phrases,
        needs=words.needs,
        topics=topics,
        products=named["products"],
        competitors=named["competitors"],
        customers=named["customers"],
    )
