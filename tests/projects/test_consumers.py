"""A won deal becomes a scheduled project, once, and its project manager hears of it."""

from __future__ import annotations

import pytest

from rapport.core.models import Notification, OutboxEvent
from rapport.core.tasks import deliver, deliver_pending
from rapport.crm import services as crm_services
from rapport.projects.models import Project
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def _win(actor, deal):
    crm_services.move_deal(actor, deal, deal.pipeline.stages.get(outcome="won").pk)
    deliver_pending()


def test_a_won_deal_becomes_a_project_from_its_types_template(rep, make_user):
    pm = make_user("project_manager")
    deal = DealFactory(owner=rep, project_type="consulting", amount=360000)

    _win(rep, deal)

    project = Project.objects.get(deal=deal)
    assert project.template.code == "consulting"
    assert project.owner == pm and project.team_id == deal.team_id
    assert project.company_id == deal.company_id
    assert project.contract_value == 360000
    assert project.tasks.count() == 6
    assert project.forecast_finish is not None
    assert project.tasks.filter(is_critical=True).exists()
    note = Notification.objects.get(recipient=pm, kind="project.created")
    assert deal.title in note.title


def test_redelivery_makes_no_second_project(rep, make_user):
    make_user("project_manager")
    deal = DealFactory(owner=rep)
    _win(rep, deal)

    event = OutboxEvent.objects.get(name="deal.won")
    event.status = OutboxEvent.Status.PENDING
    event.deliveries.all().delete()
    deliver(event)

    assert Project.objects.filter(deal=deal).count() == 1
    assert Notification.objects.filter(kind="project.created").count() == 1


def test_without_a_project_manager_the_team_manager_runs_it(rep, manager, team):
    team.manager = manager
    team.save()
    deal = DealFactory(owner=rep)

    _win(rep, deal)

    assert Project.objects.get(deal=deal).owner == manager


def test_a_deal_moved_back_to_open_gets_no_project(rep):
    deal = DealFactory(owner=rep)
    crm_services.move_deal(rep, deal, deal.pipeline.stages.get(outcome="won").pk)
    crm_services.move_deal(rep, deal, deal.pipeline.stages.get(position=1).pk)

    deliver_pending()

    assert not Project.objects.filter(deal=deal).exists()


def test_the_project_manager_is_told_in_their_language(rep, make_user):
    pm = make_user("project_manager", language="zh-hans")
    deal = DealFactory(owner=rep, title="仓储自动化")

    _win(rep, deal)

    note = Notification.objects.get(recipient=pm, kind="project.created")
    assert note.title == "新项目：仓储自动化"
    assert "赢单商机已转为项目" in note.body
