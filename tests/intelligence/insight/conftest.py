"""Insight test helpers: messages sent through the real comms ingestion path."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from rapport.comms import services as comms_services
from rapport.comms.parsing import Incoming
from rapport.core.tasks import deliver_pending
from rapport.intelligence.insight import services
from tests.factories import CompanyFactory, ContactFactory, ContactMethodFactory

BUYER = "buyer@customer.example"


@pytest.fixture
def customer(rep):
    """A company owned by `rep` with one contact, who writes from `buyer@...`."""
    company = CompanyFactory(owner=rep, name="华东精密机械")
    contact = ContactFactory(owner=rep, company=company, name="王芳")
    ContactMethodFactory(contact=contact, kind="email", value=BUYER)
    return company


@pytest.fixture
def default_rules(db):
    services.install_default_rules()


@pytest.fixture
def send(rep):
    """Store a message through comms and deliver its event to the analysis."""

    def send_(
        company: Any,
        text: str,
        *,
        days_ago: float = 0,
        at: datetime | None = None,
        direction: str = "inbound",
        channel: str = "email",
        subject: str = "",
        thread: str = "",
        contacts: list[int] | None = None,
        actor: Any = None,
        deliver: bool = True,
        sender: str = BUYER,
    ) -> Any:
        sent_at = at or timezone.now() - timedelta(days=days_ago)
        incoming = Incoming(
            channel=channel,
            direction=direction,
            sender_address=sender,
            subject=subject,
            text=text,
            sent_at=sent_at,
            thread_key=thread,
            company_id=company.pk if company else None,
            contact_ids=contacts or [],
        )
        message, _created = comms_services.create_message(actor or rep, incoming)
        if deliver:
            deliver_pending()
        return message

    return send_


@pytest.fixture
def api_as(db):
    """Make an API client for a user (write token unless `access="read"`)."""
    from tests.api.conftest import ApiClient

    def make(user: Any, access: str = "write") -> Any:
        return ApiClient(user, access)

    return make


@pytest.fixture
def at_risk(send, customer, default_rules):
    """The customer after three delivery-delay complaints: one open alert."""
    texts = [
        "我们的设备交付延迟了，请尽快确认新的时间。",
        "This is another late delivery for our site.",
        "已经一个月了还没发货，项目现场在等。",
    ]
    return [send(customer, text, days_ago=6 - i) for i, text in enumerate(texts)]
