"""The comms Chinese catalogue is complete and the pages use it."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

import rapport.comms

CATALOGUE = Path(rapport.comms.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def _entries():
    text = CATALOGUE.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        msgid = "".join(re.findall(r'^msgid (".*"\n(?:".*"\n)*)', block + "\n", re.M))
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        yield block, msgid, msgstr.group(1) if msgstr else ""


def test_every_message_is_translated_and_compiled():
    entries = list(_entries())
    assert len(entries) > 100
    assert [m for _b, m, s in entries if s.strip() in ('""', "")] == []
    assert [m for b, m, _s in entries if "fuzzy" in b] == []
    assert CATALOGUE.with_suffix(".mo").stat().st_mtime >= CATALOGUE.stat().st_mtime - 1


def test_pages_speak_chinese(rep):
    client = Client()
    client.force_login(rep)
    for name in ("comms:message_list", "comms:import_list", "comms:mailbox_list"):
        html = client.get(
            reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
        assert "客户沟通" in html, name
    html = client.get(reverse("comms:import_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "上传并导入" in html.content.decode()
