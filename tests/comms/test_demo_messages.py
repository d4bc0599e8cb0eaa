"""The demo messages: volume, links, and a tone that follows each customer's story."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from rapport.comms.models import Message
from rapport.demo import messages as demo_messages
from rapport.demo.generator import _Builder
from rapport.demo.state import SIZES


@pytest.fixture
def writer(db):
    builder = _Builder(SIZES["small"], 11, timezone.now())
    builder.make_people()
    builder.plan()
    builder.write()
    writer = demo_messages._Writer(builder)
    writer.plan()
    writer.write()
    return builder, writer


def _complaint_rate(writer, companies: set[int]) -> float:
    rows = [
        r
        for r in writer.rows
        if r["id"] in writer.tones and r["company_id"] in companies
    ]
    return sum(writer.tones[r["id"]] == "complaint" for r in rows) / max(1, len(rows))


def test_enough_messages_for_the_full_demo(writer):
    builder, writer = writer
    per_company = len(writer.rows) / len(builder.companies)
    # 500 companies in the full demo: at least 20,000 messages
    assert per_company * SIZES["full"].companies >= 20_000
    assert Message.objects.count() == len(writer.rows)


def test_messages_are_linked_and_span_the_history(writer):
    builder, writer = writer
    stored = Message.objects.all()
    assert not stored.filter(company__isnull=True).exists()
    assert Message.contacts.through.objects.count() == len(writer.rows)
    first = stored.order_by("sent_at").first().sent_at
    last = stored.order_by("-sent_at").first().sent_at
    assert (last - first).days > 365 and last <= builder.now
    assert {"email", "call", "chat", "social"} <= set(
        stored.values_list("channel", flat=True)
    )
    texts = list(stored.values_list("text", flat=True))
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts)
    assert any(re.fullmatch(r"[ -~\n]+", t) for t in texts)


def test_unhappy_customers_complain_more(writer):
    builder, writer = writer
    unhappy = {c for c, t in builder.truths.items() if t.health < 0.4}
    happy = {c for c, t in builder.truths.items() if t.health > 0.7}
    assert unhappy and happy
    assert _complaint_rate(writer, unhappy) > 2 * _complaint_rate(writer, happy)


def test_customers_threaten_to_cancel_before_they_leave(writer):
    builder, writer = writer
    churned = {c: t.churn_ago for c, t in builder.truths.items() if t.churn_ago}
    assert churned
    cancel_words = (
        "取消合同",
        "不再续约",
        "终止合作",
        "cancel",
        "not to renew",
        "terminate",
    )
    late = [
        r
        for r in writer.rows
        if r["company_id"] in churned
        and r["direction"] == "inbound"
        and any(w in r["text"] for w in cancel_words)
    ]
    assert late, "no churned customer said it would cancel"
    days_before = [
        (builder.at(churned[r["company_id"]]) - r["sent_at"]).days for r in late
    ]
    assert sorted(days_before)[len(days_before) // 2] < 90


def test_clear_removes_only_demo_messages(writer):
    from tests.comms.factories import MessageFactory

    keep = MessageFactory(owner=next(iter(writer[0].users.values())))
    demo_messages.clear()
    assert list(Message.objects.all()) == [keep]


def test_late_projects_draw_delivery_complaints(db):
    builder = _Builder(SIZES["small"], 5, timezone.now())
    builder.make_people()
    builder.plan()
    builder.write()
    late = [c.id for c in builder.companies[:10]]
    builder.project_story = {c: [(200.0, 80.0, 900 + i)] for i, c in enumerate(late)}
    writer = demo_messages._Writer(builder)
    writer.plan()

    def delivery_share(inside: bool) -> float:
        rows = [
            r
            for r in writer.rows
            if r["id"] in writer.tones
            and r["company_id"] in late
            and (80 <= (builder.now - r["sent_at"]).days <= 199) == inside
        ]
        words = ("延期", "还没发货", "交付延迟", "delay", "late delivery", "shipment")
        hits = sum(any(w in r["text"] for w in words) for r in rows)
        return hits / max(1, len(rows))

    assert delivery_share(True) > 2 * delivery_share(False)
    linked = {r["project_id"] for r in writer.rows if r["project_id"]}
    assert linked and linked <= {900 + i for i in range(10)}
