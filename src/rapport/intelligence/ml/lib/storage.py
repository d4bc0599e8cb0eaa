"""Safe model files: a zip of known members, checked against a stored sha256.

A bundle holds `meta.json` (format version, method, columns) and parts in safe
formats only: scikit-learn objects through skops with an explicit list of
trusted types, XGBoost boosters as JSON, torch weights as a `state_dict` loaded
with `weights_only=True`, naive-Bayes counts as JSON. Nothing is unpickled. A
file whose checksum differs from the registry's, that is not such a zip, or that
contains a type outside the trusted list is refused with `UnsafeModelFile`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any, cast

from rapport.intelligence.ml.lib.classifiers import (
    AverageModel,
    ForestModel,
    FrequencyNB,
    LogisticModel,
    TabularClassifier,
    XGBoostModel,
)
from rapport.intelligence.ml.lib.tabular import Columns

FORMAT_VERSION = 1
MEMBERS = frozenset(
    {
        "meta.json",
        "model.skops",
        "model2.skops",
        "prep.skops",
        "booster.json",
        "counts.json",
        "state_dict.pt",
        "extra.json",
    }
)
# Everything skops may rebuild beyond its built-in safe types. Any other type in a
# file refuses it.
TRUSTED_TYPES = [
    "numpy.dtype",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.compose._column_transformer._RemainderColsList",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.impute._base.MissingIndicator",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
    "builtins.slice",
    "builtins.object",
]


class UnsafeModelFile(Exception):
    """A model file was changed, is not ours, or holds an untrusted type."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _skops_dump(obj: Any) -> bytes:
    import skops.io as sio

    return bytes(sio.dumps(obj))


def _skops_load(data: bytes) -> Any:
    import skops.io as sio

    untrusted = [
        t for t in sio.get_untrusted_types(data=data) if t not in TRUSTED_TYPES
    ]
    if untrusted:
        raise UnsafeModelFile(
            f"The model file holds types that are not trusted: {', '.join(untrusted)}."
        )
    return sio.loads(data, trusted=TRUSTED_TYPES)


def _parts(model: Any) -> dict[str, bytes]:
    if isinstance(model, AverageModel):
        first, second = cast(Any, model.members)
        return {
            "model.skops": _skops_dump(first.model),
            "model2.skops": _skops_dump(second.model),
            "extra.json": json.dumps({"means": first.means.tolist()}).encode(),  # type: ignore[attr-defined]
        }
    if isinstance(model, LogisticModel):
        return {
            "model.skops": _skops_dump(model.model),
            "extra.json": json.dumps({"means": model.means.tolist()}).encode(),
        }
    if isinstance(model, ForestModel):
        return {"model.skops": _skops_dump(model.model)}
    if isinstance(model, XGBoostModel):
        return {
            "prep.skops": _skops_dump(model.prep),
            "booster.json": model.booster_json(),
            "extra.json": json.dumps({"rounds": model.rounds}).encode(),
        }
    if isinstance(model, FrequencyNB):
        return {"counts.json": model.to_json()}
    if hasattr(model, "parts"):
        return dict(model.parts())
    raise TypeError(f"cannot store a {type(model).__name__}")


def save(model: Any, path: Path, meta: dict[str, Any] | None = None) -> str:
    """Write the model bundle to `path`; return its sha256."""
    info = {"format_version": FORMAT_VERSION, **(meta or {})}
    if isinstance(model, TabularClassifier) or hasattr(model, "meta"):
        info |= model.meta()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("meta.json", json.dumps(info))
        for name, data in _parts(model).items():
            bundle.writestr(name, data)
    temporary.replace(path)
    return sha256_of(path)


def load(path: Path, expected_sha256: str) -> tuple[Any, dict[str, Any]]:
    """Verify and open a bundle; return the model and its meta."""
    if not path.exists():
        raise UnsafeModelFile(f"The model file {path.name} is missing.")
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise UnsafeModelFile(
            f"The model file {path.name} was changed after training: its checksum "
            f"{actual[:12]}… differs from the registry's {expected_sha256[:12]}…."
        )
    try:
        bundle = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnsafeModelFile(f"{path.name} is not a Rapport model file.") from None
    with bundle:
        names = set(bundle.namelist())
        if "meta.json" not in names or not names <= MEMBERS:
            raise UnsafeModelFile(f"{path.name} is not a Rapport model file.")
        meta = json.loads(bundle.read("meta.json"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise UnsafeModelFile(
                f"{path.name} has format version {meta.get('format_version')}; "
                f"this Rapport reads version {FORMAT_VERSION}."
            )
        parts = {name: bundle.read(name) for name in names}
    return _rebuild(meta, parts), meta


def _rebuild(meta: dict[str, Any], parts: dict[str, bytes]) -> Any:
    method = meta.get("method")
    columns = Columns(list(meta.get("numeric", [])), list(meta.get("categorical", [])))
    extra = json.loads(parts.get("extra.json", b"{}"))
    if method in ("logistic", "average"):
        import numpy as np

        logistic = LogisticModel(columns, _skops_load(parts["model.skops"]))
        logistic.means = np.asarray(extra["means"])
        if method == "logistic":
            return logistic
        forest = ForestModel(columns, _skops_load(parts["model2.skops"]))
        return AverageModel(logistic, forest)
    if method == "forest":
        return ForestModel(columns, _skops_load(parts["model.skops"]))
    if method == "xgboost":
        prep = _skops_load(parts["prep.skops"])
        return XGBoostModel.from_parts(
            columns, prep, parts["booster.json"], int(extra["rounds"])
        )
    if method == "naive_bayes":
        return FrequencyNB.from_json(columns, parts["counts.json"])
    if method == "delay":
        from rapport.intelligence.ml.lib.delay import from_parts

        return from_parts(meta, parts, _skops_load)
    raise UnsafeModelFile(f"Unknown model method {method!r}.")
