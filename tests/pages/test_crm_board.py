"""Lead conversion and the deal board: pages and the move endpoint."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from rapport.crm.models import Company, Contact, Deal, Lead
from tests.factories import (
    CompanyFactory,
    DealFactory,
    LeadFactory,
    PipelineFactory,
)

pytestmark = pytest.mark.django_db


def test_convert_lead_creates_company_contact_and_deal(client, rep):
    # given a qualified lead with a company and contact name
    PipelineFactory()
    lead = LeadFactory(
        owner=rep,
        company_name="新能源科技",
        contact_name="Li Lei",
        status="qualified",
        budget=Decimal("80000"),
    )
    client.force_login(rep)

    # when the conversion page is sent with the defaults
    page = client.get(reverse("crm:lead_convert", args=[lead.pk]))
    response = client.post(
        reverse("crm:lead_convert", args=[lead.pk]),
        {
            "company": "",
            "contact": "",
            "deal_title": "Solar roof",
            "amount": "90000",
            "pipeline": "",
            "version": lead.version,
        },
    )

    # then a deal exists for a new company and contact, and we land on it
    deal = Deal.objects.get()
    assert page.status_code == 200
    assert response["Location"] == reverse("crm:deal_detail", args=[deal.pk])
    assert deal.title == "Solar roof" and deal.amount == Decimal("90000")
    assert deal.company == Company.objects.get(name="新能源科技")
    assert deal.contact == Contact.objects.get(name="Li Lei")
    assert Lead.objects.get(pk=lead.pk).status == "converted"


def test_convert_lead_into_an_existing_company(client, rep):
    PipelineFactory()
    company = CompanyFactory(owner=rep, name="Existing Ltd")
    lead = LeadFactory(owner=rep, contact_name="")
    client.force_login(rep)

    client.post(
        reverse("crm:lead_convert", args=[lead.pk]),
        {
            "company": company.pk,
            "deal_title": lead.title,
            "version": lead.version,
        },
    )

    assert Deal.objects.get().company == company


def test_convert_refusal_keeps_the_form(client, rep):
    lead = LeadFactory(owner=rep, company_name="", contact_name="")
    client.force_login(rep)

    response = client.post(
        reverse("crm:lead_convert", args=[lead.pk]),
        {
            "deal_title": "Kept title",
            "version": lead.version,
        },
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "The lead has no company name: choose a company." in body
    assert 'value="Kept title"' in body
    assert not Deal.objects.exists()


def test_convert_with_stale_version(client, rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep)
    client.force_login(rep)
    Lead.objects.filter(pk=lead.pk).update(version=lead.version + 1)

    response = client.post(
        reverse("crm:lead_convert", args=[lead.pk]),
        {
            "deal_title": "T",
            "version": lead.version,
        },
    )

    assert "Someone else changed this record" in response.content.decode()
    assert not Deal.objects.exists()


def test_outsider_cannot_convert(client, rep, outsider):
    lead = LeadFactory(owner=rep)
    client.force_login(outsider)

    assert client.get(reverse("crm:lead_convert", args=[lead.pk])).status_code == 404
    assert (
        client.post(
            reverse("crm:lead_convert", args=[lead.pk]), {"deal_title": "x"}
        ).status_code
        == 404
    )


def test_board_shows_columns_cards_and_totals(client, manager):
    pipeline = PipelineFactory()
    proposal = pipeline.stages.get(name="Proposal")
    DealFactory(
        owner=manager,
        pipeline=pipeline,
        stage=proposal,
        title="Big one",
        amount=Decimal("1000000"),
    )
    DealFactory(
        owner=manager, pipeline=pipeline, stage=proposal, amount=Decimal("250000")
    )
    client.force_login(manager)

    body = client.get(reverse("crm:deal_board")).content.decode()

    assert "Big one" in body
    assert "¥1,250,000" in body
    for stage in pipeline.stages.all():
        assert f'data-stage="{stage.pk}"' in body


def test_board_leaves_out_other_teams_deals(client, rep, outsider):
    DealFactory(owner=rep, title="Ours")
    DealFactory(owner=outsider, title="Theirs")
    client.force_login(rep)

    body = client.get(reverse("crm:deal_board")).content.decode()

    assert "Ours" in body and "Theirs" not in body


def _move(client, deal, stage, **extra):
    return client.post(
        reverse("crm:deal_move", args=[deal.pk]),
        {"stage_id": stage.pk, "version": deal.version, **extra},
        HTTP_ACCEPT="application/json",
    )


def test_move_deal_from_the_board(client, rep):
    deal = DealFactory(owner=rep)
    negotiation = deal.pipeline.stages.get(name="Negotiation")
    client.force_login(rep)

    response = _move(client, deal, negotiation)

    answer = json.loads(response.content)
    deal.refresh_from_db()
    assert response.status_code == 200 and answer["ok"] is True
    assert deal.stage == negotiation and deal.probability == 75
    assert answer["version"] == deal.version
    assert answer["totals"][str(negotiation.pk)]["deals"] == 1


def test_move_to_lost_without_reason_is_refused_and_with_reason_closes(client, rep):
    deal = DealFactory(owner=rep)
    lost = deal.pipeline.stages.get(outcome="lost")
    client.force_login(rep)

    refused = _move(client, deal, lost)
    deal.refresh_from_db()
    accepted = _move(client, deal, lost, lost_reason="Price too high")

    assert refused.status_code == 422
    assert json.loads(refused.content)["error"] == "Say why the deal was lost."
    assert json.loads(refused.content)["stage_id"] != lost.pk
    deal.refresh_from_db()
    assert accepted.status_code == 200
    assert deal.stage == lost and deal.lost_reason == "Price too high"
    assert deal.closed_at is not None


def test_move_with_stale_version_is_refused(client, rep):
    deal = DealFactory(owner=rep)
    proposal = deal.pipeline.stages.get(name="Proposal")
    client.force_login(rep)
    Deal.objects.filter(pk=deal.pk).update(version=deal.version + 1)

    response = _move(client, deal, proposal)

    assert response.status_code == 412
    assert Deal.objects.get(pk=deal.pk).stage != proposal


def test_move_to_a_stage_of_another_pipeline_is_refused(client, rep):
    deal = DealFactory(owner=rep)
    other = PipelineFactory(name="Service", is_default=False)
    client.force_login(rep)

    response = _move(client, deal, other.stages.first())

    assert response.status_code == 422
    assert "another pipeline" in json.loads(response.content)["error"]


def test_move_form_without_javascript_redirects_to_the_board(client, rep):
    deal = DealFactory(owner=rep)
    won = deal.pipeline.stages.get(outcome="won")
    client.force_login(rep)

    response = client.post(
        reverse("crm:deal_move", args=[deal.pk]),
        {"stage_id": won.pk, "version": deal.version},
    )

    assert response.status_code == 302
    assert reverse("crm:deal_board") in response["Location"]
    assert Deal.objects.get(pk=deal.pk).stage == won


def test_outsider_cannot_move_or_open_a_deal(client, rep, outsider):
    deal = DealFactory(owner=rep)
    won = deal.pipeline.stages.get(outcome="won")
    client.force_login(outsider)

    assert client.get(reverse("crm:deal_detail", args=[deal.pk])).status_code == 404
    assert _move(client, deal, won).status_code == 404
    assert Deal.objects.get(pk=deal.pk).stage != won
