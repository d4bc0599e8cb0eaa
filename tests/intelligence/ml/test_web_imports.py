"""A web request never imports torch, xgboost or scikit-learn (fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from tests.factories import DealFactory, UserFactory, TeamFactory
from tests.intelligence.ml.factories import prediction, version
team = TeamFactory(name="East")
user = UserFactory(role="admin", team=team)
deal = DealFactory(owner=user)
prediction(version(status="active", checksum="a" * 64), "crm.deal", deal.pk)
from tests.projects.factories import ProjectFactory
project = ProjectFactory(owner=user)
prediction(
    version(kind="delay", status="active", checksum="d" * 64),
    "projects.project",
    project.pk,
    6.5,
)
client = Client(HTTP_HOST="localhost")
client.force_login(user)
pages = [
    f"/crm/deals/{deal.pk}/",
    f"/projects/{project.pk}/",
    "/insight/models/",
    "/insight/models/deal_conversion/",
    "/insight/models/churn-risk/",
    "/insight/review/",
]
codes = [client.get(page).status_code for page in pages]
panel = "Expected delay" in client.get(pages[1]).content.decode()
libraries = {"torch", "xgboost", "sklearn", "pandas", "scipy"}
heavy = sorted(m for m in sys.modules if m.split(".")[0] in libraries)
print(json.dumps({"codes": codes, "heavy": heavy, "panel": panel}))
"""


@pytest.mark.slow
def test_pages_with_scores_load_no_heavy_library(tmp_path):
    root = Path(__file__).resolve().parents[3]
    env = dict(os.environ)
    env.update(
        RAPPORT_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'web.sqlite3'}",
        DJANGO_SETTINGS_MODULE="rapport.settings",
        PYTHONPATH=os.pathsep.join([str(root / "src"), str(root)]),
        RAPPORT_TESTING="1",
        RAPPORT_QUEUE_IMMEDIATE="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == [200, 200, 200, 200, 200, 200]
    assert result["panel"]  # the project page drew the delay panel
    assert result["heavy"] == []
