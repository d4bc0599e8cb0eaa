"""Notifications: in-app rows, dedupe keys, e-mail copies via a real SMTP server."""

from __future__ import annotations

import pytest
from django.db import transaction

from rapport.core.models import Notification
from rapport.core.services import mark_read, notify
from tests.core.conftest import wait_for

pytestmark = pytest.mark.django_db


def test_notify_creates_one_unread_notification_per_recipient(rep, manager):
    created = notify(
        [rep, manager, None], "新线索已分配", body="华为 ERP", url="/crm/leads/1/"
    )

    assert len(created) == 2
    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient, n.title, n.read_at) for n in rows] == [
        (rep, "新线索已分配", None),
        (manager, "新线索已分配", None),
    ]


def test_dedupe_key_stops_a_second_notification(rep, manager):
    notify([rep], "Task due", dedupe_key="activity:7:due")

    again = notify([rep, manager], "Task due", dedupe_key="activity:7:due")

    assert [n.recipient for n in again] == [manager]
    assert Notification.objects.filter(recipient=rep).count() == 1
    notify([rep], "Task due", dedupe_key="activity:8:due")
    assert Notification.objects.filter(recipient=rep).count() == 2


def test_without_dedupe_key_repeats_are_kept(rep):
    notify([rep], "Ping")
    notify([rep], "Ping")

    assert Notification.objects.filter(recipient=rep).count() == 2


def test_mark_read_touches_only_the_users_notes(rep, manager):
    mine = notify([rep], "one") + notify([rep], "two")
    notify([manager], "theirs")

    assert mark_read(rep, [mine[0].pk]) == 1
    assert mark_read(rep) == 1
    assert mark_read(rep) == 0
    assert Notification.objects.get(recipient=manager).read_at is None


def test_email_copy_reaches_the_smtp_server(
    rep, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify(
            [rep], "报价已接受", body="Q-2026-0001 已被客户接受", url="/crm/quotes/1/"
        )

    (message,) = smtp_server.messages
    assert message["Subject"] == "报价已接受"
    assert smtp_server.recipients == [[rep.email]]
    lines = [line.rstrip() for line in message.get_content().strip().splitlines()]
    assert lines == ["Q-2026-0001 已被客户接受", "", "/crm/quotes/1/"]
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_no_email_without_smtp_configuration(
    rep, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = ""

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (note,) = notify([rep], "Quiet")

    assert callbacks == [] and smtp_server.messages == []
    note.refresh_from_db()
    assert note.emailed_at is None


def test_recipient_without_address_gets_no_email(
    make_user, rep, smtp_server, django_capture_on_commit_callbacks
):
    silent = make_user("sales_rep", email="")

    with django_capture_on_commit_callbacks(execute=True):
        notify([silent, rep], "Hello")

    assert smtp_server.recipients == [[rep.email]]
    assert Notification.objects.get(recipient=silent).emailed_at is None


def test_email_is_not_sent_when_the_transaction_rolls_back(
    rep, smtp_server, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([rep], "Never")
        raise RuntimeError("rolled back")

    assert smtp_server.messages == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_email_copy_is_sent_by_the_worker(worker, rep, smtp_server):
    with transaction.atomic():
        (note,) = notify([rep], "Deal won: 华为 ERP", body="¥1,200,000")

    wait_for(
        lambda: Notification.objects.filter(
            pk=note.pk, emailed_at__isnull=False
        ).exists()
    )

    (message,) = smtp_server.messages
    assert message["Subject"] == "Deal won: 华为 ERP"
    assert message.get_content().strip() == "¥1,200,000"
    assert message["From"] == "rapport@localhost"
