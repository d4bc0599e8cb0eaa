"""Customer insight in a browser: the profile panel, an alert handled, a rule edited.

Messages enter through comms' real ingestion; the outbox delivers them to the
analysis at commit (the queue runs in-process in tests), so what the pages show
was computed by the real NLP, profile and rule code.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.comms import services as comms_services
from rapport.comms.parsing import Incoming
from rapport.core.tasks import deliver_pending
from rapport.crm.models import Activity
from rapport.intelligence.insight import services
from rapport.intelligence.models import RiskAlert, RiskRule
from tests.e2e.conftest import ARTIFACTS
from tests.factories import CompanyFactory, ContactFactory, ContactMethodFactory

pytestmark = pytest.mark.browser

COMPLAINTS = [
    "你好，我们订的设备交付延迟了，请尽快确认新的发货时间。",
    "Thanks for the update, however this is another late delivery for our site.",
    "已经一个月了还没发货，项目现场一直在等，非常不满意。",
]
PRAISE = [
    "The installation went perfectly, thank you for the great support!",
    "系统运行很稳定，团队都很满意，谢谢！",
]


@pytest.fixture
def unhappy_customer(rep):
    """A company of `rep` whose buyer praised us months ago and now complains."""
    services.install_default_rules()
    company = CompanyFactory(owner=rep, name="华东精密机械")
    contact = ContactFactory(owner=rep, company=company, name="王芳")
    ContactMethodFactory(contact=contact, kind="email", value="wang@customer.cn")
    now = timezone.now()
    texts = [(text, 120 - 30 * i) for i, text in enumerate(PRAISE)]
    texts += [(text, 9 - 3 * i) for i, text in enumerate(COMPLAINTS)]
    for n, (text, days) in enumerate(texts):
        comms_services.create_message(
            rep,
            Incoming(
                sender_address="wang@customer.cn",
                subject=f"订单 {n}",
                text=text,
                sent_at=now - timedelta(days=days),
            ),
        )
    deliver_pending()
    return company


def test_company_page_shows_the_profile_chart_and_evidence(
    page, signed_in, rep, unhappy_customer
):
    # given a rep whose customer complained three times about delivery
    signed_in(rep)

    # when the rep opens the company page
    page.goto(f"/crm/companies/{unhappy_customer.pk}/")

    # then the profile panel shows the health, the open alert and the chart
    panel = page.locator("[data-section=insight-profile]")
    expect(panel.get_by_role("heading", name="Customer profile")).to_be_visible()
    expect(panel.get_by_text(re.compile(r"Health \d+"))).to_be_visible()
    expect(panel.get_by_role("link", name="Delivery delay")).to_be_visible()
    expect(panel.locator(".chart .main-svg").first).to_be_attached()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insight_company_page.png"), full_page=True)

    # and an evidence link leads to the message
    panel.locator("a[href^='/comms/messages/']").first.click()
    expect(page).to_have_url(re.compile(r"/comms/messages/\d+/"))


def test_alert_reaches_the_owner_and_is_resolved(
    page, signed_in, rep, unhappy_customer
):
    # given the alert raised by three delivery complaints
    alert = RiskAlert.objects.get()
    task = Activity.objects.get(kind="task", owner=rep)
    assert "/comms/messages/" in task.body
    signed_in(rep)

    # when the rep opens it from the alert list, acknowledges it, then resolves it
    page.goto("/insight/alerts/")
    page.get_by_role("link", name="Delivery delay").click()
    expect(page.get_by_role("heading", name="Evidence")).to_be_visible()
    page.get_by_label("Note").fill("Called the buyer; shipping by express.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Resolve").click()

    # then the alert is resolved with the note, and the customer is no longer at risk
    expect(page.get_by_text("Resolved", exact=True).first).to_be_visible()
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.note == "Called the buyer; shipping by express."
    page.goto("/insight/customers/")
    expect(page.get_by_role("link", name="华东精密机械")).to_be_visible()
    expect(page.get_by_text("At risk")).to_have_count(0)


def test_manager_edits_a_rule_in_chinese(page, signed_in, manager, db):
    # given the default rules and a manager reading the pages in Chinese
    services.install_default_rules()
    rule = RiskRule.objects.get(code="delivery_delay")
    signed_in(manager)
    page.goto("/insight/rules/")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # when the manager adds a synonym and lowers the count
    page.goto(f"/insight/rules/{rule.pk}/edit/")
    expect(page.get_by_role("heading", name="交付延迟")).to_be_visible()
    phrases = page.get_by_label("短语")
    phrases.fill(phrases.input_value() + "\n货还没到")
    page.get_by_label("次数").fill("0")
    page.get_by_role("button", name="保存").click()

    # then a bad count is refused in place, and a good one is saved
    expect(page.locator(".field-error")).to_have_count(1)
    page.get_by_label("次数").fill("2")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/insight/rules/$"))
    rule.refresh_from_db()
    assert rule.threshold == 2 and "货还没到" in rule.phrases
