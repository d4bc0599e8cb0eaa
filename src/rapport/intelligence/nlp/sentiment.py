"""The sentiment model: character and word n-grams under a logistic regression.

The trained model ships as `data/sentiment.skops` (skops, never pickle) beside
`data/sentiment.json`, which records the file's SHA-256, the checksums of the
training data, the metrics and the date. Loading checks the checksum first and
then lets skops build only the types listed in `TRUSTED_TYPES`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
MODEL_PATH = DATA / "sentiment.skops"
LABELS = ("negative", "neutral", "positive")
MAX_CHARS = 2000
SPACES = re.compile(r"\s+")
ENGLISH_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z'_]+\b"
# Two negations that cancel: "并非不满意" reads as "满意", "not unhappy" as
# "happy". Character n-grams cannot see that; rewriting it first lets them.
ZH_NEGATOR = "(?:并非|并不是|不是|并没有|没有|绝非|不能说|谈不上|毫无)"
# "un-" that is not a prefix of negation: under, until, unless, union, unique...
EN_UN_PREFIX = r"un(?!der|til|less|ion|ique|it|iversal|iform|ited|ified)"
DOUBLE_NEGATION = (
    (re.compile(ZH_NEGATOR + r"不满(?!意)"), "满意"),
    (re.compile(ZH_NEGATOR + r"[不没]有?"), ""),
    (
        re.compile(
            r"\b(?:not|never|hardly)\s+(?:at\s+all\s+)?"
            rf"(?:{EN_UN_PREFIX}|dis(?=satisf|pleas))"
        ),
        "",
    ),
)

# Everything a sentiment model file may contain; anything else is refused.
TRUSTED_TYPES = [
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "rapport.intelligence.nlp.features.LexiconScores",
    "rapport.intelligence.nlp.features.mark_negation",
]


class ModelIntegrityError(RuntimeError):
    """The model file is not the one its metadata describes, or holds odd types."""


@dataclass(frozen=True)
class Sentiment:
    """A score from -1 (negative) to 1 (positive), its label and the confidence."""

    score: float
    label: str
    confidence: float


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, single spaces, at most 2,000 chars."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2]).lower()
    for pattern, replacement in DOUBLE_NEGATION:
        text = pattern.sub(replacement, text)
    return SPACES.sub(" ", text).strip()[:MAX_CHARS]


def build_pipeline(*, c: float = 1.0) -> Any:
    """Character 1-3-grams for both languages, word 1-2-grams for English, VADER.

    The n-grams are hashed rather than kept in a vocabulary: a vocabulary of
    200,000 character n-grams weighs over 100 MB in skops' format, the hashed
    model a few MB, and collisions at 2**18 buckets cost nothing measurable.
    """
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from rapport.intelligence.nlp.features import LexiconScores, mark_negation

    def hashed(**options: Any) -> Pipeline:
        vectorizer = HashingVectorizer(
            alternate_sign=False, norm=None, lowercase=False, **options
        )
        return Pipeline(
            [("hash", vectorizer), ("tfidf", TfidfTransformer(sublinear_tf=True))]
        )

    features = FeatureUnion(
        [
            ("chars", hashed(analyzer="char_wb", ngram_range=(1, 3), n_features=2**18)),
            (
                "words",
                hashed(
                    analyzer="word",
                    preprocessor=mark_negation,
                    token_pattern=ENGLISH_TOKEN,
                    ngram_range=(1, 2),
                    n_features=2**16,
                ),
            ),
            ("lexicon", LexiconScores()),
        ]
    )
    # tol 3e-4: the default 1e-4 doubles the fit time for no gain measured on a
    # validation split of the training rows; 1e-3 stops short (3-6 points lower).
    model = LogisticRegression(C=c, tol=3e-4, max_iter=2000)
    return Pipeline([("features", features), ("model", model)])


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def metadata_path(model_path: Path) -> Path:
    """Where the metadata of a model file lives: beside it, `.json`."""
    return model_path.with_suffix(".json")


class SentimentModel:
    """A fitted pipeline whose classes are negative, neutral and positive."""

    def __init__(self, pipeline: Any, metadata: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.metadata = metadata or {}
        classes = [str(c) for c in pipeline.classes_]
        self._columns = [classes.index(label) for label in LABELS]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SentimentModel:
        """Load a model file after checking it against its metadata."""
        import skops.io

        meta_path = metadata_path(path)
        try:
            metadata = json.loads(meta_path.read_text(encoding="utf-8"))
            actual = file_sha256(path)
        except (OSError, ValueError) as exc:
            raise ModelIntegrityError(
                f"cannot read the sentiment model: {exc}"
            ) from exc
        expected = metadata.get("model_sha256")
        if actual != expected:
            raise ModelIntegrityError(
                f"{path.name} has SHA-256 {actual[:12]}…, but {meta_path.name} "
                f"records {str(expected)[:12]}…: the file was changed or damaged; "
                "retrain it with `rapport nlp train`"
            )
        untrusted = set(skops.io.get_untrusted_types(file=path)) - set(TRUSTED_TYPES)
        if untrusted:
            raise ModelIntegrityError(
                f"{path.name} holds types that are not trusted: {sorted(untrusted)}"
            )
        pipeline = skops.io.load(path, trusted=TRUSTED_TYPES)
        return cls(pipeline, metadata)

    def probabilities(self, texts: Sequence[str]) -> Any:
        """An (n, 3) array of P(negative), P(neutral), P(positive)."""
        import sklearn
        from scipy.sparse import hstack

        normalized = [normalize(t) for t in texts]
        # The same sums as pipeline.predict_proba, without the per-call checks
        # and the joblib dispatch of FeatureUnion, which cost more than the
        # arithmetic for one short message.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            union = self.pipeline.named_steps["features"]
            blocks = [step.transform(normalized) for _, step in union.transformer_list]
            model = self.pipeline.named_steps["model"]
            proba = model.predict_proba(hstack(blocks).tocsr())
        return proba[:, self._columns]

    def predict(self, texts: Sequence[str]) -> list[Sentiment]:
        """Score each text: P(positive) - P(negative), and the likeliest label."""
        if not texts:
            return []
        results = []
        for row in self.probabilities(texts):
            best = int(row.argmax())
            score = float(row[2] - row[0])
            results.append(Sentiment(round(score, 4), LABELS[best], float(row[best])))
        return results


@cache
def default_model() -> SentimentModel:
    """The shipped model, loaded once per process."""
    return SentimentModel.load(MODEL_PATH)
