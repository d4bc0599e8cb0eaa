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


def test_csv_import_shows_row_errors_and_the_company_panel(
    page, signed_in, rep, customer, tmp_path
):
    # given a call log with one good row and one bad one
    log = tmp_path / "calls.csv"
    log.write_text(
        "sent_at,direction,sender_address,text\n"
        "2026-03-01 09:30,inbound,13800138000,客户说交付延期了两周\n"
        "yesterday,inbound,13800138000,\n",
        encoding="utf-8",
    )
    signed_in(rep)
    # The upload runs the import (and the analysis of what it stored) before
    # the page answers, since tests run the queue immediately.
    page.set_default_timeout(60_000)

    # when it is uploaded on the imports page
    page.goto("/comms/imports/")
    page.get_by_label("Files").set_input_files(str(log))
    page.get_by_label("Channel of CSV/JSON rows").select_option("call")
    page.get_by_role("button", name="Upload and import").click()

    # then the import page reports the stored call and the bad row
    expect(page.locator("[data-status]")).to_have_text("Finished with errors")
    expect(page.locator("#import-errors")).to_contain_text("row 3")
    expect(page.locator("#import-errors")).to_contain_text("sent_at")

    # and the call shows on the customer's company page
    page.goto(f"/crm/companies/{customer.company_id}/")
    expect(page.locator("#messages-panel")).to_contain_text("Call")


@pytest.fixture
def customer(rep):
    from tests.factories import CompanyFactory, ContactFactory, ContactMethodFactory

    company = CompanyFactory(owner=rep, name="华东精密机械")
    contact = ContactFactory(owner=rep, company=company, name="王芳")
    ContactMethodFactory(contact=contact, kind="phone", value="13800138000")
    return contact
