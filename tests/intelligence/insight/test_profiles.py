"""Living profiles: folded in per message, equal to a full rebuild, flat in cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.intelligence.insight import services
from rapport.intelligence.models import CustomerProfile, MessageAnalysis

pytestmark = pytest.mark.django_db

CONVERSATION = [
    ("inbound", 30.0, "请问我们的订单什么时候发货？"),
    ("outbound", 29.5, "您好，预计下周发货，谢谢耐心等待。"),
    ("inbound", 20.0, "The delivery is late again, we are not happy."),
    ("outbound", 19.0, "Sorry about this, we are expediting the shipment."),
    ("inbound", 18.0, "Thanks, the parts arrived and work perfectly."),
]


def test_reply_times_are_measured_within_a_thread_both_ways(send, customer):
    now = timezone.now()
    for direction, days, text in CONVERSATION:
        at = now - timedelta(days=days)
        send(customer, text, at=at, direction=direction, thread="order-42")

    replies = CustomerProfile.objects.get(kind="company").state["replies"]

    assert replies["ours"]["n"] == 2
    assert round(replies["ours"]["hours"], 3) == 12.0 + 24.0
    assert replies["theirs"]["n"] == 2
    assert round(replies["theirs"]["hours"], 3) == round((9.5 + 1.0) * 24, 3)


def test_incremental_profile_equals_a_full_rebuild(send, customer):
    contact = customer.contacts.get()
    for direction, days, text in CONVERSATION:
        send(customer, text, days_ago=days, direction=direction, thread="t1")
    send(customer, "价格太贵了，超出预算", days_ago=3, contacts=[contact.pk])
    before = {
        (p.kind, p.company_id, p.contact_id): (p.state, p.health, p.message_count)
        for p in CustomerProfile.objects.all()
    }

    rebuilt = services.rebuild_profiles()

    after = {
        (p.kind, p.company_id, p.contact_id): (p.state, p.health, p.message_count)
        for p in CustomerProfile.objects.all()
    }
    assert rebuilt == len(before) == 2
    assert after == before


def test_rebuilding_one_company_leaves_the_others(send, customer, rep):
    from tests.factories import CompanyFactory, ContactFactory, ContactMethodFactory

    other = CompanyFactory(owner=rep, name="Other Co")
    ContactMethodFactory(
        contact=ContactFactory(owner=rep, company=other), value="x@other.example"
    )
    send(customer, "Thanks, all good.")
    send(other, "We need a new quote.", sender="x@other.example")
    CustomerProfile.objects.filter(company=customer).update(state={}, message_count=0)

    services.rebuild_profiles(customer.pk)

    assert (
        CustomerProfile.objects.get(kind="company", company=customer).message_count == 1
    )
    assert CustomerProfile.objects.get(kind="company", company=other).message_count == 1


def test_rebuild_command_repairs_profiles(send, customer):
    send(customer, "Thanks, all good.")
    CustomerProfile.objects.update(state={}, message_count=0, health=0)

    call_command("insight", "rebuild")

    profile = CustomerProfile.objects.get(kind="company")
    assert profile.message_count == 1 and profile.state["count"] == 1


def test_analyse_command_catches_up_on_missed_messages(send, customer):
    message = send(customer, "Please call me back.", deliver=False)

    call_command("insight", "analyse")

    assert MessageAnalysis.objects.filter(message_id=message.pk).exists()


def test_one_more_message_costs_the_same_queries_whatever_the_history(
    send, customer, django_assert_max_num_queries
):
    ids = [
        send(
            customer,
            f"Update number {n} on the project",
            days_ago=n % 60,
            deliver=False,
        ).pk
        for n in range(60)
    ]
    services.analyse_messages(ids[:10])
    first = send(customer, "One more question", deliver=False)
    with django_assert_max_num_queries(40) as short_history:
        services.analyse_messages([first.pk])

    services.analyse_messages(ids[10:])
    last = send(customer, "And another question", deliver=False)
    with django_assert_max_num_queries(40) as long_history:
        services.analyse_messages([last.pk])

    assert len(long_history.captured_queries) == len(short_history.captured_queries)


def test_figures_move_with_time_after_the_nightly_refresh(send, customer):
    send(
        customer,
        "The delivery is late and the quality is poor, very unhappy.",
        days_ago=25,
    )
    profile = CustomerProfile.objects.get(kind="company")
    assert profile.state["days"]

    services.refresh_profile_figures()
    later = services.profiles.figures(
        profile.state, timezone.now() + timedelta(days=10)
    )

    assert later.sentiment_30 is None
    assert later.sentiment_90 is not None


def test_a_message_moved_to_another_company_moves_its_counts(send, customer, rep):
    from rapport.comms import services as comms_services
    from rapport.core.tasks import deliver_pending
    from tests.factories import CompanyFactory

    other = CompanyFactory(owner=rep, name="Other Co")
    send(customer, "Thanks, all good.")
    moved = send(customer, "This one was about another customer.")

    comms_services.relink_message(rep, moved, {"company_id": other.pk})
    deliver_pending()

    assert MessageAnalysis.objects.get(message_id=moved.pk).company_id == other.pk
    counts = dict(
        CustomerProfile.objects.filter(kind="company").values_list(
            "company_id", "message_count"
        )
    )
    assert counts == {customer.pk: 1, other.pk: 1}
