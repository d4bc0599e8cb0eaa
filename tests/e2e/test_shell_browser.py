"""The page shell in a real browser: phone navigation, htmx with CSRF, languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.core.services import notify

pytestmark = pytest.mark.browser


def test_phone_navigation_opens_behind_the_menu_button(page, signed_in, rep):
    # given a signed-in rep on a 375 px wide screen
    signed_in(rep)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/")
    nav = page.locator("#nav")

    # then the side navigation is off screen and nothing scrolls sideways
    assert nav.bounding_box()["x"] + nav.bounding_box()["width"] <= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # when the menu button is pressed, the navigation slides in
    page.click("[data-nav-toggle]")
    expect(page.locator("[data-nav-toggle]")).to_have_attribute("aria-expanded", "true")
    page.wait_for_timeout(300)
    assert nav.bounding_box()["x"] == 0

    # and Escape closes it again
    page.keyboard.press("Escape")
    expect(page.locator("[data-nav-toggle]")).to_have_attribute(
        "aria-expanded", "false"
    )


def test_mark_read_with_htmx_updates_the_badge_without_reload(page, signed_in, rep):
    # given two unread notifications
    notify([rep], "First news")
    notify([rep], "Second news")
    signed_in(rep)
    page.goto("/notifications/")
    expect(page.locator("[data-unread]")).to_have_text("2")
    page.evaluate("window.stillHere = true")

    # when one is marked read (an htmx POST that needs the CSRF header)
    page.locator("#notification-list li").first.get_by_role("button").click()

    # then the row says read, the badge counts one, and the page did not reload
    expect(page.locator("#notification-list li").first).to_contain_text("Read")
    expect(page.locator("[data-unread]")).to_have_text("1")
    assert page.evaluate("window.stillHere") is True


def test_language_button_switches_to_chinese_and_back(page, signed_in, rep):
    signed_in(rep)
    page.goto("/jobs/")

    page.locator(".langswitch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("后台任务")

    page.locator(".langswitch button").click()
    expect(page.locator("h1")).to_have_text("Jobs")
