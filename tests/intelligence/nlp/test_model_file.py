"""The shipped model file: checked before loading, and reproducible from the data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.intelligence.nlp import ModelIntegrityError
from rapport.intelligence.nlp.sentiment import (
    MODEL_PATH,
    SentimentModel,
    file_sha256,
    metadata_path,
)
from rapport.intelligence.nlp.training import load_corpora, train

TOLERANCE = 0.02


def copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "sentiment.skops"
    shutil.copyfile(MODEL_PATH, target)
    shutil.copyfile(metadata_path(MODEL_PATH), metadata_path(target))
    return target


def test_the_shipped_model_matches_its_metadata() -> None:
    # given the committed files
    metadata = json.loads(metadata_path(MODEL_PATH).read_text(encoding="utf-8"))

    # then the recorded checksums are those of the files in use
    assert metadata["model_sha256"] == file_sha256(MODEL_PATH)
    assert metadata["data_sha256"] == load_corpora().checksums


def test_a_tampered_model_file_is_refused(tmp_path: Path) -> None:
    # given a copy of the model with one byte changed
    path = copy_model(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    # when / then
    with pytest.raises(ModelIntegrityError, match="changed or damaged"):
        SentimentModel.load(path)


def test_a_model_without_metadata_is_refused(tmp_path: Path) -> None:
    # given
    path = copy_model(tmp_path)
    metadata_path(path).unlink()

    # when / then
    with pytest.raises(ModelIntegrityError, match="cannot read"):
        SentimentModel.load(path)


def test_a_model_holding_untrusted_types_is_refused(tmp_path: Path) -> None:
    # given a skops file that would call os.system, with a matching checksum
    import os

    import skops.io
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "evil.skops"
    skops.io.dump(FunctionTransformer(func=os.system), path)
    metadata_path(path).write_text(json.dumps({"model_sha256": file_sha256(path)}))

    # when / then
    with pytest.raises(ModelIntegrityError, match="not trusted"):
        SentimentModel.load(path)


def test_retraining_reproduces_the_stored_metrics(tmp_path: Path) -> None:
    # given the metrics recorded when the shipped model was trained
    stored = json.loads(metadata_path(MODEL_PATH).read_text(encoding="utf-8"))

    # when the model is trained again from the same data
    path = tmp_path / "retrained.skops"
    metadata = train(path)

    # then every test set scores within the tolerance, and the file loads
    assert metadata["data_sha256"] == stored["data_sha256"]
    for name, figures in stored["metrics"].items():
        again = metadata["metrics"][name]
        assert again["n"] == figures["n"]
        assert abs(again["accuracy"] - figures["accuracy"]) <= TOLERANCE, name
        assert abs(again["macro_f1"] - figures["macro_f1"]) <= TOLERANCE, name
    assert SentimentModel.load(path).predict(["非常满意"])[0].label == "positive"


def test_no_test_row_is_trained_on() -> None:
    # given the corpora as training splits them
    corpora = load_corpora()

    # then no test text (after normalisation) is among the training texts
    trained = {row.id for row in corpora.train}
    for rows in corpora.tests.values():
        assert not trained & {row.id for row in rows}
    assert all(len(rows) >= 30 for rows in corpora.tests.values())


def test_importing_the_package_loads_no_heavy_library() -> None:
    # given a fresh interpreter / when the package is imported
    code = (
        "import sys, rapport.intelligence.nlp as n; "
        "print(sorted(m for m in ('sklearn', 'jieba', 'numpy', 'skops', 'snownlp',"
        " 'vaderSentiment', 'langid') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    # then none of them is loaded
    assert result.stdout.strip() == "[]"
