"""A web process that loads insight's pages, panels and API imports no heavy library."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("sklearn", "jieba", "pandas", "torch", "xgboost", "snownlp")


def test_loading_the_site_with_insight_imports_no_heavy_library(tmp_path):
    code = (
        "import json, sys, django; django.setup();"
        "import rapport.urls, rapport.intelligence.insight.panels,"
        " rapport.intelligence.insight.api;"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_DATA_DIR": str(tmp_path),
    }

    found = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(found.stdout.strip().splitlines()[-1]) == []
