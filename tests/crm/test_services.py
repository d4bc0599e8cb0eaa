"""CRM services: permissions, validation, conversion, versions and events."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rapport.core.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.crm import services
from rapport.crm.models import Company, Deal, Lead
from tests.factories import CompanyFactory, DealFactory, LeadFactory, PipelineFactory

pytestmark = pytest.mark.django_db


def test_create_company_records_audit_and_event(rep):
    company = services.create_company(
        rep, {"name": "华为技术有限公司", "short_name": "华为"}
    )

    assert company.owner == rep and company.team == rep.team
    entry = AuditEntry.objects.get(kind="crm.company", object_id=str(company.pk))
    assert entry.changes["name"] == [None, "华为技术有限公司"]
    assert OutboxEvent.objects.filter(
        name="company.created", aggregate_id=str(company.pk)
    ).exists()


def test_invalid_company_writes_nothing(rep):
    with pytest.raises(ValidationFailed) as exc:
        services.create_company(rep, {"name": "", "credit_code": "bad"})

    assert set(exc.value.errors) == {"name", "credit_code"}
    assert not Company.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_stale_version_is_refused(rep):
    company = services.create_company(rep, {"name": "Acme"})
    services.update_company(rep, company, {"short_name": "A"}, version=1)

    stale = Company.objects.get(pk=company.pk)
    stale.version = 1
    with pytest.raises(PreconditionFailed):
        services.update_company(rep, stale, {"short_name": "B"}, version=1)
    assert Company.objects.get(pk=company.pk).short_name == "A"


def test_record_outside_scope_is_not_found(rep, outsider):
    company = CompanyFactory(owner=rep)

    with pytest.raises(NotFound):
        services.update_company(outsider, company, {"name": "Mine now"})


def test_rep_may_not_delete_companies(rep):
    company = CompanyFactory(owner=rep)

    with pytest.raises(Forbidden):
        services.delete_company(rep, company)


def test_convert_lead_creates_company_contact_and_deal(rep):
    PipelineFactory()
    lead = LeadFactory(
        owner=rep,
        company_name="上海电气",
        contact_name="李雷",
        email="li.lei@example.cn",
        budget=Decimal("880000"),
    )

    deal = services.convert_lead(rep, lead)

    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED
    assert deal.company.name == "上海电气" and lead.company == deal.company
    assert deal.contact.name == "李雷"
    assert deal.contact.methods.get().value == "li.lei@example.cn"
    assert deal.amount == Decimal("880000") and deal.stage.position == 0


def test_convert_lead_twice_is_refused(rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep)
    services.convert_lead(rep, lead)

    with pytest.raises(ValidationFailed):
        services.convert_lead(rep, lead)
    assert Deal.objects.count() == 1


def test_winning_a_deal_closes_it_and_emits_deal_won(rep):
    deal = DealFactory(owner=rep)
    won = deal.pipeline.stages.get(outcome="won")

    services.move_deal(rep, deal, won.pk)

    deal.refresh_from_db()
    assert deal.closed_at is not None and deal.probability == 100
    assert OutboxEvent.objects.filter(
        name="deal.won", aggregate_id=str(deal.pk)
    ).exists()


def test_losing_a_deal_needs_a_reason(rep):
    deal = DealFactory(owner=rep)
    lost = deal.pipeline.stages.get(outcome="lost")

    with pytest.raises(ValidationFailed) as exc:
        services.move_deal(rep, deal, lost.pk)
    assert "lost_reason" in exc.value.errors

    services.move_deal(rep, deal, lost.pk, lost_reason="Price too high")
    deal.refresh_from_db()
    assert deal.lost_reason == "Price too high"


def test_quote_totals_follow_lines_and_discounts(rep):
    deal = DealFactory(owner=rep)

    quote = services.create_quote(
        rep,
        {"deal_id": deal.pk, "discount_pct": Decimal("10"), "tax_pct": Decimal("13")},
        lines=[
            {"description": "Design", "quantity": 2, "unit_price": "1000"},
            {
                "description": "Build",
                "quantity": 1,
                "unit_price": "5000",
                "discount_pct": 20,
            },
        ],
    )

    quote.refresh_from_db()
    assert quote.subtotal == Decimal("6000.00")
    assert quote.discount_total == Decimal("600.00")
    assert quote.tax_total == Decimal("702.00")
    assert quote.total == Decimal("6102.00")
