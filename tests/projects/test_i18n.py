"""The projects catalogue is complete, and the back end's words come out in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from rapport.projects.models import Project, Task

CATALOGUE = (
    Path(__file__).resolve().parents[2]
    / "src/rapport/projects/locale/zh_Hans/LC_MESSAGES/django.po"
)


def test_every_message_of_the_projects_catalogue_is_translated():
    text = CATALOGUE.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if re.search(r'^msgid "(.+)"', b, re.M)]
    empty = [b for b in blocks if re.search(r'^msgstr ""\s*$', b, re.M)]

    assert len(blocks) > 150
    assert empty == []


def test_field_names_and_choices_read_in_chinese():
    with translation.override("zh-hans"):
        assert str(Task._meta.get_field("total_slack").verbose_name) == "总浮动时间"
        assert str(Task.Constraint.SNET.label) == "不早于…开始"
        assert str(Project.DelayCause.OVERLOAD.label) == "人员负荷过重"


def test_words_other_apps_also_use_keep_their_own_meaning():
    # "Active" is 有效 for an account and "Finance" 财务 for a role; the first
    # app's catalogue wins a shared msgid, so these carry a context.
    from rapport.crm.models import Industry

    with translation.override("zh-hans"):
        assert str(Project.Status.ACTIVE.label) == "进行中"
        assert str(Industry.FINANCE.label) == "金融"


@pytest.mark.django_db
def test_a_loop_is_named_in_chinese(pm, plan):
    from rapport.core.errors import ValidationFailed
    from rapport.projects import services

    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        services.create_dependency(
            pm,
            plan.project,
            {"predecessor_id": plan.test.pk, "successor_id": plan.design.pk},
        )

    assert caught.value.errors["predecessor"][0].startswith("依赖关系会形成循环：")
