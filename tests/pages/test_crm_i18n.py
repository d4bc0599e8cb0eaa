"""The CRM's Chinese catalogue: complete, without guesses, and used by the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import rapport.crm

CATALOGUE = Path(rapport.crm.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def _entries():
    text = CATALOGUE.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        msgid = "".join(re.findall(r'^msgid (".*"\n(?:".*"\n)*)', block + "\n", re.M))
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        yield block, msgid, msgstr.group(1) if msgstr else ""


def test_every_message_is_translated_and_none_is_a_guess():
    untranslated = [m for _b, m, s in _entries() if s.strip() in ('""', "")]
    guesses = [m for b, m, _s in _entries() if "fuzzy" in b]

    assert untranslated == []
    assert guesses == []


def test_catalogue_is_compiled():
    compiled = CATALOGUE.with_suffix(".mo")

    assert compiled.exists()
    assert compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime - 1


@pytest.mark.django_db
def test_list_page_speaks_chinese(client, manager):
    client.force_login(manager)

    body = client.get(
        reverse("crm:deal_board"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    listing = client.get(
        reverse("crm:lead_list"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "新建商机" in body
    assert "在此列表中搜索" in listing and "默认排序" in listing
