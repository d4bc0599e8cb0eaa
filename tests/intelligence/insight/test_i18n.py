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
