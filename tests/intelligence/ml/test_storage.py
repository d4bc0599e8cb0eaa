"""Safe model files: checksums, trusted types, JSON boosters, torch weights only."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import pytest

from rapport.intelligence.ml.lib import classifiers, storage, tabular


class Evil:
    """A type no model file may contain."""

    def __init__(self) -> None:
        self.payload = "rm -rf /"


@pytest.fixture
def columns(table):
    return tabular.detect_columns(table[0])


@pytest.mark.parametrize(
    "make",
    [
        lambda c, f, y: classifiers.LogisticModel(c).fit(f, y),
        lambda c, f, y: classifiers.ForestModel(c).fit(f, y),
        lambda c, f, y: classifiers.AverageModel(
            classifiers.LogisticModel(c).fit(f, y), classifiers.ForestModel(c).fit(f, y)
        ),
        lambda c, f, y: classifiers.XGBoostModel(c).fit(f, y),
        lambda c, f, y: classifiers.FrequencyNB(c).fit(f, y),
    ],
    ids=["logistic", "forest", "average", "xgboost", "naive_bayes"],
)
def test_every_model_round_trips_through_its_safe_format(
    tmp_path, table, columns, make
):
    frame, y = table
    model = make(columns, frame, y)
    path = tmp_path / "model.zip"
    checksum = storage.save(model, path)
    loaded, meta = storage.load(path, checksum)
    assert meta["format_version"] == storage.FORMAT_VERSION
    assert abs(loaded.predict_proba(frame) - model.predict_proba(frame)).max() < 1e-9
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
    if isinstance(model, classifiers.XGBoostModel):
        with zipfile.ZipFile(path) as bundle:
            assert json.loads(bundle.read("booster.json"))["learner"]
    assert not any(name.endswith((".pkl", ".pickle", ".joblib")) for name in names)


def test_a_changed_file_is_refused(tmp_path, table, columns):
    frame, y = table
    path = tmp_path / "model.zip"
    checksum = storage.save(classifiers.FrequencyNB(columns).fit(frame, y), path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(storage.UnsafeModelFile, match="changed after training"):
        storage.load(path, checksum)


def test_a_foreign_file_with_a_pickle_is_refused(tmp_path):
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(
            "meta.json", json.dumps({"format_version": 1, "method": "forest"})
        )
        bundle.writestr("model.pkl", pickle.dumps(Evil()))
    with pytest.raises(storage.UnsafeModelFile, match="not a Rapport model file"):
        storage.load(path, storage.sha256_of(path))
    path.write_bytes(b"just some bytes")
    with pytest.raises(storage.UnsafeModelFile, match="not a Rapport model file"):
        storage.load(path, storage.sha256_of(path))


def test_a_skops_part_with_an_untrusted_type_is_refused(tmp_path):
    import skops.io as sio

    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(
            "meta.json",
            json.dumps(
                {
                    "format_version": 1,
                    "method": "forest",
                    "numeric": [],
                    "categorical": [],
                }
            ),
        )
        bundle.writestr("model.skops", sio.dumps({"model": Evil()}))
    with pytest.raises(storage.UnsafeModelFile, match=r"not trusted: .*Evil"):
        storage.load(path, storage.sha256_of(path))


def test_torch_weights_load_with_weights_only_and_refuse_objects(tmp_path):
    torch = pytest.importorskip("torch")
    from rapport.intelligence.ml.lib.delay import LSTMForecaster

    good = LSTMForecaster(hidden=8)
    good.net = good._build()
    restored = LSTMForecaster.from_state(
        good.config(), io.BytesIO(good.state_dict_bytes())
    )
    assert all(
        torch.equal(a, b)
        for a, b in zip(
            good.net.state_dict().values(),
            restored.net.state_dict().values(),
            strict=True,
        )
    )
    evil = io.BytesIO()
    torch.save({"lstm.weight": Evil()}, evil)
    evil.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        LSTMForecaster.from_state(good.config(), evil)
