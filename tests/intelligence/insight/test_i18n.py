"""The AI engine's Chinese catalogue: complete, without guesses, compiled."""

from __future__ import annotations

import re
from pathlib import Path

import rapport.intelligence

CATALOGUE = (
    Path(rapport.intelligence.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
)


def _entries():
    text = CATALOGUE.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        msgid = "".join(re.findall(r'^msgid (".*"\n(?:".*"\n)*)', block + "\n", re.M))
        translations = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        yield block, msgid, translations


def test_every_message_is_translated_and_none_is_a_guess():
    entries = list(_entries())
    untranslated = [
        m for _b, m, found in entries if not found or '""' in [s.strip() for s in found]
    ]
    guesses = [m for b, m, _s in entries if "fuzzy" in b]

    assert len(entries) > 100
    assert untranslated == []
    assert guesses == []


def test_catalogue_is_compiled():
    compiled = CATALOGUE.with_suffix(".mo")

    assert compiled.exists()
    assert compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime - 1


def test_statuses_shared_with_other_apps_keep_their_own_words():
    # Another app's catalogue wins a shared msgid ("Open" is 进行中 for a deal,
    # "Active" 有效 for an account), so these labels carry a context.
    from django.utils import translation

    from rapport.intelligence.models import ModelVersion, RiskAlert

    with translation.override("zh-hans"):
        assert str(RiskAlert.Status.OPEN.label) == "未处理"
        assert str(ModelVersion.Status.ACTIVE.label) == "启用中"
