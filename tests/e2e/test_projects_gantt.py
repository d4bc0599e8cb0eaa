"""The Gantt chart in a browser: drag a critical task and watch what moves.

A project manager opens a scheduled project's chart on a live server, drags
a bar, and the checks read the chart's DOM (bar positions, dates, classes)
and the database; nothing waits on a fixed time.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.projects.calendars import project_calendar
from rapport.projects.models import Dependency, Task
from tests.projects.pages.builders import build_project, schedule_project

pytestmark = pytest.mark.browser

WEEK_PX_PER_DAY = 9  # gantt.js's week zoom


@pytest.fixture
def pm(make_user):
    return make_user("project_manager")


@pytest.fixture
def project(pm):
    """A 30-task project that started a fortnight ago, so today is on the chart."""
    start = timezone.localdate() - timedelta(days=14)
    built = build_project(pm, tasks=30, seed=3)
    built.start_date = project_calendar(built).add_workdays(start, 0)
    built.save(update_fields=["start_date"])
    return schedule_project(built)


def _open_chart(page, project) -> None:
    page.goto(f"/projects/{project.pk}/gantt/")
    expect(page.locator("[data-gantt]")).to_have_attribute("data-ready", "true")


def _critical_with_successors(project) -> Task:
    waited_on = Dependency.objects.filter(project=project).values("predecessor_id")
    return (
        Task.objects.filter(project=project, is_critical=True, pk__in=waited_on)
        .exclude(duration_days=0)
        .order_by("position")
        .first()
    )


def _dates(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll('g.gt'))"
        ".map(g => [g.dataset.id, g.dataset.start]))"
    )


def test_dragging_a_critical_task_moves_successors_and_the_finish(
    page, signed_in, pm, project
):
    # given a PM looking at the chart of a scheduled project
    signed_in(pm)
    _open_chart(page, project)
    task = _critical_with_successors(project)
    successors = [
        str(pk)
        for pk in Dependency.objects.filter(predecessor=task).values_list(
            "successor_id", flat=True
        )
    ]
    before = _dates(page)
    finish_before = page.locator("[data-gantt-finish]").inner_text()
    bar = page.locator(f'g.gt[data-id="{task.pk}"] .bar')
    bar.scroll_into_view_if_needed()
    x_before = float(bar.get_attribute("x"))

    # when they drag its bar a week to the right
    box = bar.bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2, steps=4)
    page.mouse.move(
        box["x"] + 3 + 7 * WEEK_PX_PER_DAY, box["y"] + box["height"] / 2, steps=4
    )
    page.mouse.up()
    expect(page.locator("[data-gantt-status]")).to_contain_text("moved")

    # then the task, its successors and the project's finish are later
    after = _dates(page)
    assert after[str(task.pk)] > before[str(task.pk)]
    assert any(after[s] > before[s] for s in successors)
    finish_after = page.locator("[data-gantt-finish]").inner_text()
    assert finish_after > finish_before
    # the preview shown while the server worked predicted the same finish
    assert page.get_attribute("[data-gantt]", "data-preview-finish") == finish_after
    moved_bar = page.locator(f'g.gt[data-id="{task.pk}"]')
    expect(moved_bar).to_have_class(re.compile(r"\bmoved\b"))
    assert float(moved_bar.locator(".bar").get_attribute("x")) > x_before
    expect(page.locator("[data-gantt-status]")).to_contain_text(finish_after)
    # and the database agrees with the chart
    task.refresh_from_db()
    project.refresh_from_db()
    assert task.start.isoformat() == after[str(task.pk)]
    assert project.forecast_finish.isoformat() == finish_after
    page.screenshot(path="test-artifacts/gantt-after-drag.png")


def test_the_critical_path_is_highlighted_with_today_and_zoom(
    page, signed_in, pm, project
):
    signed_in(pm)
    _open_chart(page, project)

    # the bars and arrows of the critical tasks are marked, today is drawn
    critical = Task.objects.filter(project=project, is_critical=True).count()
    expect(page.locator("g.gt.crit")).to_have_count(critical)
    assert page.locator("path.dep.crit").count() > 0
    assert page.locator("g.gt:not(.crit)").count() > 0
    expect(page.locator("[data-gantt-today]")).to_have_count(1)
    assert page.locator("rect.off").count() > 0  # weekends and holidays shaded

    # zooming to days widens the chart, to months narrows it
    svg = page.locator("[data-gantt-svg]")
    week_width = float(svg.get_attribute("width"))
    page.get_by_role("button", name="Day", exact=True).click()
    expect(svg).to_have_class(re.compile("zoom-day"))
    day_width = float(page.locator("[data-gantt-svg]").get_attribute("width"))
    page.get_by_role("button", name="Month", exact=True).click()
    expect(page.locator("[data-gantt-svg]")).to_have_class(re.compile("zoom-month"))
    month_width = float(page.locator("[data-gantt-svg]").get_attribute("width"))
    assert month_width < week_width < day_width
    expect(page.get_by_role("button", name="Month", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def test_the_keyboard_form_moves_a_task(page, signed_in, pm, project):
    # given the chart, and the form under it for phones and keyboards
    signed_in(pm)
    _open_chart(page, project)
    task = _critical_with_successors(project)
    longer = task.duration_days + 4

    # when a longer duration is chosen in the form
    page.get_by_label("Task", exact=True).select_option(str(task.pk))
    page.get_by_label("Duration (working days)").fill(str(longer))
    page.get_by_role("button", name="Move", exact=True).click()

    # then the chart says what moved, without leaving the page
    expect(page.locator("[data-gantt-status]")).to_contain_text("moved")
    task.refresh_from_db()
    assert task.duration_days == longer
    shown = page.locator(f'g.gt[data-id="{task.pk}"]').get_attribute("data-finish")
    assert task.finish.isoformat() == shown


def test_the_chart_in_chinese_and_on_a_phone(browser, live_server, pm, project):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(pm)
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        _open_chart(page, project)

        expect(page.get_by_role("heading", name=re.compile("甘特图"))).to_be_visible()
        expect(page.get_by_role("button", name="周", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="移动", exact=True)).to_be_visible()
        expect(page.locator("g.gt")).to_have_count(30)
        # the chart scrolls inside its frame instead of widening the page
        page_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert page_width <= 390 + 1
        page.screenshot(path="test-artifacts/gantt-zh-phone.png", full_page=True)
    finally:
        context.close()


def test_the_preview_matches_the_engine_on_every_kind_of_link(page, signed_in, pm):
    # given a project with links of all four types, lags, a pinned task and a
    # "start no earlier than" date
    built = build_project(pm, tasks=24, seed=21)
    links = list(Dependency.objects.filter(project=built).order_by("id"))
    for k, link in enumerate(links[::3]):
        link.type = ["SF", "FF", "SS", "FS"][k % 4]
        link.lag = [-1, 0, 2, 1][k % 4]
        link.save(update_fields=["type", "lag"])
    tasks = list(Task.objects.filter(project=built).order_by("position"))
    Task.objects.filter(pk=tasks[9].pk).update(
        scheduling="manual", pinned_start=built.start_date + timedelta(days=15)
    )
    Task.objects.filter(pk=tasks[5].pk).update(
        constraint="snet", constraint_date=built.start_date + timedelta(days=22)
    )
    project = schedule_project(built)
    signed_in(pm)
    _open_chart(page, project)
    form = page.locator("[data-gantt-move-form]")

    # when several tasks are moved and stretched through the form
    for task, change in ((tasks[0], 3), (tasks[3], 1), (tasks[7], 2), (tasks[2], 4)):
        duration = max(1, Task.objects.get(pk=task.pk).duration_days + change)
        page.get_by_label("Task", exact=True).select_option(str(task.pk))
        page.get_by_label("Duration (working days)").fill(str(duration))
        with page.expect_response(lambda r: "/gantt/move/" in r.url):
            form.get_by_role("button", name="Move", exact=True).click()
        expect(page.locator("[data-gantt]")).to_have_attribute("data-busy", "false")

        # then the preview had every task where the engine put it
        assert page.get_attribute("[data-gantt]", "data-preview-misses") == "0"


def test_stretching_a_bar_by_its_right_edge(page, signed_in, pm, project):
    # given the chart zoomed to days
    signed_in(pm)
    _open_chart(page, project)
    page.get_by_role("button", name="Day", exact=True).click()
    task = _critical_with_successors(project)
    group = page.locator(f'g.gt[data-id="{task.pk}"]')
    finish_before = group.get_attribute("data-finish")
    handle = group.locator(".handle")
    handle.scroll_into_view_if_needed()

    # when its right edge is dragged five days further
    box = handle.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, y, steps=4)
    page.mouse.move(box["x"] + 2 + 5 * 28, y, steps=4)  # 28 px a day
    page.mouse.up()
    expect(page.locator("[data-gantt-status]")).to_contain_text("moved")

    # then the task is longer and ends later; its start did not move
    task_after = Task.objects.get(pk=task.pk)
    assert task_after.duration_days > task.duration_days
    assert task_after.start == task.start
    assert group.get_attribute("data-finish") > finish_before
    expect(page.locator("[data-gantt-svg]")).to_have_attribute(
        "aria-label", "Gantt chart of 30 tasks"
    )
