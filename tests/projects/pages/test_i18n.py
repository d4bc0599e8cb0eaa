"""The project pages in Chinese: each page's own words come from the catalogue."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("project_detail", ["进度计划", "关键", "合同金额", "变动情况", "保存基线"]),
        ("gantt", ["甘特图", "关键路径", "移动任务", "工期（工作日）"]),
        ("board", ["任务看板", "移动"]),
        ("project_edit", ["项目经理", "保存"]),
    ],
)
def test_project_pages_speak_chinese(client, pm, project, name, words):
    client.force_login(pm)

    body = client.get(reverse(f"projects:{name}", args=[project.pk]), **ZH)

    text = body.content.decode()
    assert [w for w in words if w not in text] == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("project_list", ["新建项目", "按名称、编号或公司搜索", "共 1 条"]),
        ("utilisation", ["资源利用率", "超负荷的周及解决办法"]),
        ("risks", ["进度风险", "涉及金额"]),
    ],
)
def test_overview_pages_speak_chinese(client, pm, project, name, words):
    client.force_login(pm)

    text = client.get(reverse(f"projects:{name}"), **ZH).content.decode()

    assert [w for w in words if w not in text] == []


def test_the_chart_says_what_moved_in_chinese(client, pm, project):
    client.force_login(pm)

    text = client.get(reverse("projects:gantt", args=[project.pk]), **ZH)

    assert "个任务变动" in text.content.decode()  # gantt.js's message after a move
