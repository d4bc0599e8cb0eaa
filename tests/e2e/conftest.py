"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The server is pytest-django's `live_server` (a real HTTP server in a thread of
the test process, on the test database). Chromium is the system package at
/usr/bin/chromium; Playwright never downloads a browser of its own. Without
Chromium these tests are skipped, unless RAPPORT_REQUIRE_BROWSER=1 (CI), where
a missing browser is an error. Each test leaves a screenshot of its last page
in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; the test code
# itself stays synchronous, so Django's guard against ORM calls from async code
# does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"  # what tests.factories.UserFactory sets
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test (`-m "not browser"` leaves them)."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _browser_required() -> bool:
    return os.environ.get("RAPPORT_REQUIRE_BROWSER", "") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}"
        if _browser_required():
            pytest.fail(f"{message} and RAPPORT_REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request) -> Iterator:
    """A fresh browser context in English; a screenshot is kept after the test."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def signed_in(page, live_server) -> Callable:
    """Give the browser a signed-in session for `user` without the login form.

    Only the sign-in test needs the form; the others start on the page they test
    (the home page's charts cost seconds of rendering on every visit).
    """

    def sign_in(user) -> None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return sign_in


@pytest.fixture
def log_in(page) -> Callable:
    """Sign a user in through the login form, as a person would."""

    def sign_in(user, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label(re.compile("user ?name|e-?mail", re.I)).first.fill(
            user.username
        )
        page.get_by_label(re.compile("password", re.I)).first.fill(password)
        page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
        page.wait_for_load_state()
        assert "/accounts/login" not in page.url, "the login form did not accept"

    return sign_in
