"""Storing messages: deduplication, linking, scope, thread inheritance, events."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rapport.comms import selectors, services
from rapport.comms.models import Message
from rapport.comms.parsing import Incoming, parse_email
from rapport.core.models import OutboxEvent
from tests.comms.factories import build_email
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactMethodFactory,
    DealFactory,
)


def test_same_message_twice_is_stored_once(customer, manager):
    raw = build_email(message_id="<once@customer.cn>")

    first, created = services.ingest(parse_email(raw), owner=manager, source="upload")
    again, created_again = services.ingest(
        parse_email(raw), owner=manager, source="upload"
    )

    assert created and not created_again and first.pk == again.pk
    assert Message.objects.count() == 1
    assert OutboxEvent.objects.filter(name="message.received").count() == 1


def test_message_received_event_names_the_message(customer, manager):
    message, _ = services.ingest(
        parse_email(build_email()), owner=manager, source="upload"
    )
    event = OutboxEvent.objects.get(name="message.received")
    assert event.payload == {"id": message.pk}
    assert event.aggregate == "comms.message"


def test_inbound_mail_links_by_sender_address_and_takes_company_scope(
    customer, manager
):
    message, _ = services.ingest(
        parse_email(build_email()), owner=manager, source="upload"
    )

    assert message.company_id == customer.company_id
    assert list(message.contacts.values_list("pk", flat=True)) == [customer.pk]
    assert message.owner_id == customer.company.owner_id
    assert message.team_id == customer.company.team_id


def test_outbound_mail_links_by_recipient(customer, manager):
    raw = build_email(sender="me@rapport.example", to="Wang <WANG@customer.cn>")
    incoming = parse_email(raw)
    incoming.direction = "outbound"
    message, _ = services.ingest(incoming, owner=manager, source="upload")
    assert message.company_id == customer.company_id


def test_call_links_by_phone_in_another_format(customer, manager):
    incoming = Incoming(
        channel="call",
        sender_address="+86 138-0013-8000",
        text="客户来电",
        sent_at=timezone.now(),
    )
    message, _ = services.ingest(incoming, owner=manager, source="file")
    assert message.company_id == customer.company_id


def test_name_links_when_no_address_matches(customer, manager):
    incoming = Incoming(
        channel="chat", sender_name="王芳", text="在吗？", sent_at=timezone.now()
    )
    message, _ = services.ingest(incoming, owner=manager, source="file")
    assert message.company_id == customer.company_id


def test_open_deal_of_the_company_is_linked(customer, manager):
    deal = DealFactory(owner=customer.owner, company=customer.company)
    message, _ = services.ingest(
        parse_email(build_email()), owner=manager, source="upload"
    )
    assert message.deal_id == deal.pk


def test_reply_inherits_the_links_of_its_thread(customer, manager, rep):
    root, _ = services.ingest(
        parse_email(build_email(message_id="<root@customer.cn>")),
        owner=manager,
        source="upload",
    )
    reply_raw = build_email(
        sender="Unknown <someone@elsewhere.example>",
        message_id="<reply@elsewhere.example>",
        in_reply_to="<root@customer.cn>",
    )
    reply, _ = services.ingest(parse_email(reply_raw), owner=manager, source="upload")
    assert reply.company_id == root.company_id
    assert reply.thread_key == root.thread_key == "root@customer.cn"


def test_unlinked_message_belongs_to_the_importer(manager):
    incoming = parse_email(build_email(sender="stranger@nowhere.example"))
    message, _ = services.ingest(incoming, owner=manager, source="upload")
    assert message.company_id is None
    assert (message.owner_id, message.team_id) == (manager.pk, manager.team_id)


def test_ambiguous_address_picks_one_company_consistently(rep, manager):
    a = CompanyFactory(owner=rep)
    b = CompanyFactory(owner=rep)
    for company in (a, b, b):
        contact = ContactFactory(owner=rep, company=company)
        ContactMethodFactory(contact=contact, value="shared@agency.example")
    incoming = parse_email(build_email(sender="shared@agency.example"))
    message, _ = services.ingest(incoming, owner=manager, source="upload")
    assert message.company_id == b.pk
    assert message.contacts.count() == 2


def test_scoped_reads_hide_other_teams_messages(customer, manager, outsider):
    message, _ = services.ingest(
        parse_email(build_email()), owner=manager, source="upload"
    )
    assert list(selectors.messages(manager)) == [message]
    assert list(selectors.messages(outsider)) == []


def test_latest_for_company_is_newest_first(customer, manager):
    for days in (3, 1, 2):
        incoming = Incoming(
            sender_address="wang@customer.cn",
            text=f"{days}",
            sent_at=timezone.now() - timedelta(days=days),
        )
        services.ingest(incoming, owner=manager, source="file")
    rows = selectors.latest_for(manager, 10, company_id=customer.company_id)
    assert [m.sent_at for m in rows] == sorted((m.sent_at for m in rows), reverse=True)


def test_selectors_for_analysis(customer, manager):
    message, _ = services.ingest(
        parse_email(build_email()), owner=manager, source="upload"
    )
    data = selectors.message_for_analysis(message.pk)
    assert data["company_id"] == customer.company_id and data["text"]
    assert selectors.contact_ids_of(message.pk) == [customer.pk]
    assert [m["id"] for m in selectors.messages_between()] == [message.pk]
    selectors.set_language(message.pk, "zh")
    assert Message.objects.get(pk=message.pk).language == "zh"


def test_message_links_the_companys_open_project(customer, manager):
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(owner=customer.owner, company=customer.company)
    message, _ = services.ingest(
        parse_email(build_email()), owner=manager, source="upload"
    )
    assert message.project_id == project.pk


def test_no_project_is_guessed_among_several(customer, manager):
    from tests.projects.factories import ProjectFactory

    ProjectFactory(owner=customer.owner, company=customer.company)
    ProjectFactory(owner=customer.owner, company=customer.company)
    message, _ = services.ingest(
        parse_email(build_email()), owner=manager, source="upload"
    )
    assert message.project_id is None
