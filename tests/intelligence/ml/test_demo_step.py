"""The demo step: nothing to train on a small demo; clearing removes the files."""

from __future__ import annotations

from types import SimpleNamespace

from rapport.demo import models as demo_models
from rapport.demo.state import SIZES
from rapport.intelligence.ml import services
from rapport.intelligence.models import ModelVersion


def test_a_small_demo_trains_nothing(db):
    assert demo_models.load(SimpleNamespace(size=SIZES["small"], users={})) == {}
    assert not ModelVersion.objects.exists()


def test_clear_deletes_versions_and_their_files(db, admin_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from rapport.intelligence.ml.lib.classifiers import FrequencyNB
    from rapport.intelligence.ml.lib.tabular import detect_columns
    from tests.intelligence.ml.conftest import known_table

    frame, y = known_table(100)
    model = FrequencyNB(detect_columns(frame)).fit(frame, y)
    version = services.register_version(
        admin_user,
        "deal_conversion",
        "naive_bayes",
        model,
        window=(None, None),
        features=[],
        params={},
        metrics={},
        fairness={},
    )
    path = services.models_dir() / version.file_path
    assert path.exists()
    demo_models.clear()
    assert not path.exists() and not ModelVersion.objects.exists()
