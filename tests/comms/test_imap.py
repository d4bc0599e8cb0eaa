"""Polling a real IMAP server (Dovecot): only new messages, never twice."""

from __future__ import annotations

import pytest

from rapport.comms import services
from rapport.comms.importers import run_import
from rapport.comms.models import Import, Mailbox, Message
from tests.comms.dovecot import Dovecot, dovecot  # noqa: F401
from tests.comms.factories import build_email

pytestmark = pytest.mark.django_db(transaction=False)


def _mailbox(owner, server: Dovecot, password: str | None = None) -> Mailbox:
    return services.create_mailbox(
        owner,
        {
            "name": "Sales inbox",
            "host": server.host,
            "port": server.port,
            "security": "none",
            "username": server.user,
            "password": password or server.password,
            "folder": "INBOX",
        },
    )


def _poll(mailbox: Mailbox) -> Import:
    run = Import.objects.create(
        kind=Import.Kind.IMAP, mailbox=mailbox, owner=mailbox.owner, team=mailbox.team
    )
    run_import(Import.objects.select_related("mailbox", "owner").get(pk=run.pk))
    run.refresh_from_db()
    return run


def test_poll_fetches_new_messages_once(dovecot, customer, rep):  # noqa: F811
    # given two real messages in the server's inbox
    dovecot.append(build_email(subject="第一封", message_id="<m1@customer.cn>"))
    dovecot.append(
        build_email(subject="Second", message_id="<m2@customer.cn>", body="还没发货")
    )
    mailbox = _mailbox(rep, dovecot)

    # when the mailbox is polled
    first = _poll(mailbox)

    # then both are stored, linked to the customer, and the UID state is kept
    assert (first.status, first.created_count, first.error_count) == ("succeeded", 2, 0)
    assert set(Message.objects.values_list("subject", flat=True)) == {
        "第一封",
        "Second",
    }
    assert Message.objects.filter(company=customer.company, source="imap").count() == 2
    mailbox.refresh_from_db()
    assert mailbox.uid_validity and mailbox.last_uid == 2

    # when it is polled again with nothing new, nothing is fetched
    second = _poll(mailbox)
    assert (second.total, second.created_count) == (0, 0)

    # when a third message arrives, only it is fetched
    dovecot.append(build_email(subject="Third", message_id="<m3@customer.cn>"))
    third = _poll(mailbox)
    assert (third.total, third.created_count, third.duplicate_count) == (1, 1, 0)
    assert Message.objects.count() == 3


def test_forgotten_uid_state_refetches_without_duplicates(dovecot, customer, rep):  # noqa: F811
    dovecot.append(build_email(message_id="<again@customer.cn>"))
    mailbox = _mailbox(rep, dovecot)
    _poll(mailbox)

    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=1, last_uid=0)
    mailbox.refresh_from_db()
    run = _poll(mailbox)

    assert (run.total, run.created_count, run.duplicate_count) == (1, 0, 1)
    assert Message.objects.count() == 1


def test_malformed_message_on_server_is_an_item_error(dovecot, rep):  # noqa: F811
    dovecot.append(b"this is not an e-mail at all\r\n")
    dovecot.append(build_email(message_id="<fine@x.example>"))
    run = _poll(_mailbox(rep, dovecot))

    assert (run.status, run.created_count, run.error_count) == ("partial", 1, 1)
    assert run.errors[0]["item"].startswith("UID")


def test_oversized_message_keeps_its_header_only(dovecot, rep, settings):  # noqa: F811
    settings.COMMS_MAX_MESSAGE_BYTES = 2000
    dovecot.append(build_email(subject="Huge", body="x" * 5000, message_id="<big@x>"))
    run = _poll(_mailbox(rep, dovecot))

    message = Message.objects.get()
    assert run.created_count == 1 and message.subject == "Huge"
    assert "larger than the size limit" in message.text


def test_wrong_password_fails_the_poll_and_is_shown(dovecot, rep):  # noqa: F811
    mailbox = _mailbox(rep, dovecot, password="wrong")
    run = _poll(mailbox)

    mailbox.refresh_from_db()
    assert run.status == "failed" and "Cannot log in" in run.errors[0]["error"]
    assert mailbox.last_error


def test_connection_check_reports_the_count(dovecot, rep):  # noqa: F811
    dovecot.append(build_email())
    mailbox = _mailbox(rep, dovecot)
    assert "1" in services.test_mailbox(rep, mailbox)


def test_password_is_stored_encrypted(dovecot, rep):  # noqa: F811
    mailbox = _mailbox(rep, dovecot)
    stored = Mailbox.objects.values_list("password_encrypted", flat=True).get()
    assert dovecot.password not in stored and stored.startswith("gAAAA")
    assert services.mailbox_password(mailbox) == dovecot.password
