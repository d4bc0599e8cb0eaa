"""Analysing messages: one analysis per message, stored once, through the outbox."""

from __future__ import annotations

import pytest

from rapport.core.models import OutboxEvent
from rapport.core.tasks import deliver, deliver_pending
from rapport.intelligence.insight import services, sources
from rapport.intelligence.models import CustomerProfile, MessageAnalysis
from rapport.intelligence.nlp import analyze

pytestmark = pytest.mark.django_db


def test_a_received_message_is_analysed_by_the_consumer(send, customer):
    message = send(customer, "交付延期了两周，非常不满意", subject="交付问题")

    analysis = MessageAnalysis.objects.get(message_id=message.pk)

    assert analysis.label == "negative"
    assert analysis.sentiment < 0
    assert analysis.language == "zh"
    assert analysis.company_id == customer.pk
    assert analysis.owner_id == customer.owner_id
    assert "delivery" in analysis.topics
    message.refresh_from_db()
    assert message.language == "zh"


def test_redelivery_does_not_count_a_message_twice(send, customer):
    send(customer, "Thanks a lot, the installation went perfectly.")
    event = OutboxEvent.objects.get(name="message.received")
    event.deliveries.all().delete()
    event.status = OutboxEvent.Status.PENDING
    event.save()

    deliver(event)
    services.analyse_messages([event.payload["id"]] * 3)

    profile = CustomerProfile.objects.get(kind="company", company=customer)
    assert MessageAnalysis.objects.count() == 1
    assert profile.message_count == 1
    assert profile.state["count"] == 1


def test_batch_analysis_matches_one_by_one(send, customer):
    texts = [
        "We are very happy with the new pumps, thank you!",
        "The delivery is late again and we are not happy.",
        "这个 delivery 又 delay 了，请尽快处理",
        "感谢贵司的支持，项目验收很顺利",
    ]
    ids = [send(customer, t, days_ago=i, deliver=False).pk for i, t in enumerate(texts)]

    done = services.analyse_messages(ids)

    assert done == 4
    stored = dict(MessageAnalysis.objects.values_list("message_id", "sentiment"))
    for message_id, text in zip(ids, texts, strict=True):
        alone = analyze(text, dictionary=sources.dictionary()).sentiment
        assert abs(stored[message_id] - alone) < 1e-6
    assert CustomerProfile.objects.get(kind="company").message_count == 4


def test_contacts_get_their_own_profile(send, customer):
    contact = customer.contacts.get()
    send(customer, "Please send the updated quote.", contacts=[contact.pk])

    profile = CustomerProfile.objects.get(kind="contact", contact=contact)

    assert profile.message_count == 1
    assert profile.owner_id == contact.owner_id


def test_message_without_company_is_analysed_without_profile(send):
    message = send(None, "Hello, who are you?", sender="stranger@nowhere.example")

    assert MessageAnalysis.objects.filter(message_id=message.pk).exists()
    assert not CustomerProfile.objects.exists()


def test_one_delivery_analyses_the_pending_messages_of_an_import_in_one_batch(
    send, customer
):
    ids = [send(customer, f"Order {n} please", deliver=False).pk for n in range(5)]
    first = OutboxEvent.objects.filter(name="message.received").order_by("pk").first()

    deliver(first)

    assert set(MessageAnalysis.objects.values_list("message_id", flat=True)) == set(ids)
    assert CustomerProfile.objects.get(kind="company").message_count == 5
    deliver_pending()
    assert CustomerProfile.objects.get(kind="company").message_count == 5
