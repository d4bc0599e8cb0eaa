"""Messages in a real browser: no script from a message ever runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.comms.factories import MessageFactory

pytestmark = pytest.mark.browser

HOSTILE = (
    "<p id='hello'>Hello from the customer</p>"
    "<script>window.parent.document.title='PWNED';document.title='PWNED'</script>"
    "<img src=x onerror=\"window.parent.document.title='PWNED'\">"
    "<a href=\"javascript:window.parent.document.title='PWNED'\">click</a>"
    "<svg onload=\"window.parent.document.title='PWNED'\"></svg>"
)


def test_message_html_is_shown_but_its_scripts_never_run(page, signed_in, rep):
    # given a message whose HTML tries every way to run a script
    message = MessageFactory(owner=rep, subject="Hostile", html=HOSTILE, text="Hello")
    signed_in(rep)
    errors: list[str] = []
    page.on("dialog", lambda dialog: (errors.append(dialog.message), dialog.dismiss()))

    # when its page is opened
    page.goto(f"/comms/messages/{message.pk}/")

    # then the content shows in the sandboxed frame and nothing ran
    frame = page.frame_locator("iframe.message-html")
    expect(frame.locator("p", has_text="Hello from the customer")).to_be_visible()
    page.wait_for_timeout(500)
    assert "PWNED" not in page.title()
    assert errors == []
    assert frame.locator("a", has_text="click").get_attribute("href") is None


def test_message_list_and_filter(page, signed_in, rep):
    MessageFactory(owner=rep, subject="交付延期的投诉", channel="email")
    MessageFactory(owner=rep, subject="Call about pricing", channel="call")
    signed_in(rep)

    page.goto("/comms/messages/")
    expect(page.get_by_role("link", name="交付延期的投诉")).to_be_visible()
    page.get_by_label("channel").select_option("call")
    expect(page.get_by_role("link", name="交付延期的投诉")).to_have_count(0)
    expect(page.get_by_role("link", name="Call about pricing")).to_be_visible()
