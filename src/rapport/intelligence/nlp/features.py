"""Lexicon scores as model features, beside the n-grams.

VADER knows thousands of English words and how negation, boosters and "but"
shift them; a few hundred business messages cannot teach that. The classifier
gets VADER's scores as three extra features and learns how far to trust them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

NEGATOR = re.compile(
    r"^(?:not|no|never|none|nothing|nobody|nowhere|neither|nor|without|hardly|"
    r"barely|cannot|.*n't)$"
)
SCOPE_END = re.compile(r"^[.,;:!?，。；：！？]$|^(?:but|however|although|though)$")
TOKEN = re.compile(r"[a-z][a-z']*|[.,;:!?，。；：！？]")


def mark_negation(text: str) -> str:
    """Prefix "neg_" to English words after a negator, up to the clause's end.

    "we are not happy with it" becomes "we are not neg_happy neg_with neg_it",
    so that the word n-grams tell "happy" from "not happy". Used as the word
    vectorizer's preprocessor; the text is already normalised.
    """
    marked = []
    negated = False
    for token in TOKEN.findall(text):
        if SCOPE_END.match(token):
            negated = False
        elif negated:
            token = f"neg_{token}"
        elif NEGATOR.match(token):
            negated = True
        marked.append(token)
    return " ".join(marked)


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


class LexiconScores(TransformerMixin, BaseEstimator):
    """VADER's compound, positive and negative scores of each text (stateless)."""

    def fit(self, texts: Any, labels: Any = None) -> LexiconScores:
        """Nothing to learn; here so the pipeline can fit."""
        return self

    def transform(self, texts: Any) -> Any:
        """An (n, 3) sparse matrix of the scores."""
        from scipy.sparse import csr_matrix

        analyzer = _vader()
        rows = []
        for text in texts:
            scores = analyzer.polarity_scores(text)
            rows.append([scores["compound"], scores["pos"], scores["neg"]])
        return csr_matrix(rows, shape=(len(rows), 3))
