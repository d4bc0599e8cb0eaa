"""CRM event consumers, run through the real outbox dispatcher."""

from __future__ import annotations

import pytest

from rapport.core.models import Notification, OutboxEvent
from rapport.core.tasks import deliver, deliver_pending
from rapport.crm import services
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def test_winning_a_deal_notifies_the_team_manager_once(rep, manager, team):
    team.manager = manager
    team.save()
    deal = DealFactory(owner=rep)
    services.move_deal(rep, deal, deal.pipeline.stages.get(outcome="won").pk)

    deliver_pending()
    event = OutboxEvent.objects.get(name="deal.won")
    event.status = OutboxEvent.Status.PENDING
    event.deliveries.all().delete()  # force a full redelivery
    deliver(event)

    notes = Notification.objects.filter(recipient=manager, kind="deal.won")
    assert notes.count() == 1
    assert deal.title in notes.get().title


def test_manager_winning_own_deal_is_not_notified(manager, team):
    team.manager = manager
    team.save()
    deal = DealFactory(owner=manager)

    services.move_deal(manager, deal, deal.pipeline.stages.get(outcome="won").pk)
    deliver_pending()

    assert not Notification.objects.filter(recipient=manager, kind="deal.won").exists()


def test_lead_given_to_someone_else_notifies_them(manager, rep):
    services.create_lead(manager, {"title": "Warehouse automation", "owner_id": rep.pk})

    deliver_pending()

    note = Notification.objects.get(recipient=rep, kind="lead.assigned")
    assert "Warehouse automation" in note.title
    assert not Notification.objects.filter(recipient=manager).exists()
