"""Writes: field errors, versions (ETag / If-Match), idempotency and atomicity."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.core.models import AuditEntry, IdempotencyRecord, OutboxEvent
from rapport.crm.models import Company, Contact, Deal, Lead, Quote
from tests.factories import CompanyFactory, DealFactory, LeadFactory, PipelineFactory

pytestmark = pytest.mark.django_db


def fields(response):
    return {error["field"]: error["message"] for error in response.json()["errors"]}


# --- 422: every invalid field is listed -----------------------------------------------


def test_body_type_errors_list_each_field(api_as, manager):
    response = api_as(manager).post(
        "/deals", {"title": "", "company_id": "abc", "probability": 300}
    )

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "validation_failed" and body["status"] == 422
    assert {"title", "company_id", "probability"} <= set(fields(response))
    assert not Deal.objects.exists()


def test_model_validation_errors_list_each_field(api_as, manager):
    response = api_as(manager).post(
        "/companies", {"name": "Acme", "credit_code": "123", "industry": "mining"}
    )

    assert response.status_code == 422
    assert set(fields(response)) == {"credit_code", "industry"}
    assert not Company.objects.exists()


def test_nested_line_errors_name_the_line(api_as, manager):
    deal = DealFactory(owner=manager)

    response = api_as(manager).post(
        "/quotes",
        {"deal_id": deal.pk, "lines": [{"description": "x", "product_id": 999}]},
    )

    assert response.status_code == 422
    assert "lines.0.product" in fields(response)
    assert not Quote.objects.exists()


def test_unknown_body_fields_are_refused_not_ignored(api_as, manager):
    company = CompanyFactory(owner=manager)

    response = api_as(manager).patch(f"/companies/{company.pk}", {"nmae": "Typo"})

    assert response.status_code == 422
    assert "nmae" in fields(response)
    company.refresh_from_db()
    assert company.version == 1


def test_query_parameter_errors_are_field_errors(api_as, manager):
    response = api_as(manager).get("/companies", {"limit": "many"})

    assert response.status_code == 422
    assert "limit" in fields(response)


def test_malformed_json_is_a_problem(api_as, manager):
    client = api_as(manager)
    response = client.client.post(
        "/api/v1/companies", "{not json", content_type="application/json"
    )

    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


def test_relation_outside_scope_is_a_field_error(api_as, manager, outsider):
    foreign = CompanyFactory(owner=outsider)

    response = api_as(manager).post(
        "/deals", {"title": "Poach", "company_id": foreign.pk}
    )

    assert response.status_code == 422
    assert fields(response) == {"company": "No such record."}


# --- ETag and If-Match ----------------------------------------------------------------


def test_single_record_answers_carry_the_etag(api_as, manager):
    client = api_as(manager)
    created = client.post("/companies", {"name": "Acme"})
    pk = created.json()["id"]

    fetched = client.get(f"/companies/{pk}")
    changed = client.patch(
        f"/companies/{pk}", {"notes": "x"}, **{"If-Match": f'"{pk}-1"'}
    )

    assert created["ETag"] == fetched["ETag"] == f'"{pk}-1"'
    assert created["Location"].endswith(f"/api/v1/companies/{pk}")
    assert changed["ETag"] == f'"{pk}-2"' and changed.json()["version"] == 2


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_stale_if_match_is_refused_and_nothing_is_written(api_as, manager, method):
    # given a company someone changed after we read version 1
    company = CompanyFactory(owner=manager, notes="original")
    client = api_as(manager)
    client.patch(f"/companies/{company.pk}", {"notes": "theirs"})
    audit, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

    # when we write with the old ETag
    response = client.call(
        method,
        f"/companies/{company.pk}",
        {"notes": "ours"},
        **{"If-Match": f'"{company.pk}-1"'},
    )

    # then 412, and the record, the audit log and the outbox are unchanged
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    company.refresh_from_db()
    assert company.notes == "theirs" and company.version == 2
    assert AuditEntry.objects.count() == audit
    assert OutboxEvent.objects.count() == events


def test_if_match_of_another_record_is_refused(api_as, manager):
    company, other = CompanyFactory(owner=manager), CompanyFactory(owner=manager)

    response = api_as(manager).patch(
        f"/companies/{company.pk}", {"notes": "x"}, **{"If-Match": other.etag}
    )

    assert response.status_code == 412


def test_if_match_is_optional_and_star_matches_any(api_as, manager):
    company = CompanyFactory(owner=manager)
    client = api_as(manager)

    assert client.patch(f"/companies/{company.pk}", {"notes": "a"}).status_code == 200
    star = client.patch(f"/companies/{company.pk}", {"notes": "b"}, **{"If-Match": "*"})
    weak = client.patch(
        f"/companies/{company.pk}",
        {"notes": "c"},
        **{"If-Match": f'W/"{company.pk}-3"'},
    )

    assert star.status_code == 200 and weak.status_code == 200
    assert weak.json()["version"] == 4


def test_deal_move_honours_if_match(api_as, manager):
    deal = DealFactory(owner=manager)
    won = deal.pipeline.stages.get(outcome="won")
    client = api_as(manager)

    stale = client.post(
        f"/deals/{deal.pk}/move", {"stage_id": won.pk}, **{"If-Match": f'"{deal.pk}-7"'}
    )
    moved = client.post(
        f"/deals/{deal.pk}/move", {"stage_id": won.pk}, **{"If-Match": deal.etag}
    )

    assert stale.status_code == 412
    assert moved.status_code == 200
    assert moved.json()["stage"]["outcome"] == "won" and moved.json()["closed_at"]
    assert OutboxEvent.objects.filter(name="deal.won").count() == 1


# --- Idempotency-Key ------------------------------------------------------------------


def test_same_key_and_body_replays_the_first_answer(api_as, manager):
    client = api_as(manager)
    key = {"Idempotency-Key": "create-acme-1"}

    first = client.post("/companies", {"name": "Acme"}, **key)
    again = client.post("/companies", {"name": "Acme"}, **key)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["ETag"] == first["ETag"] and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Company.objects.count() == 1
    assert OutboxEvent.objects.filter(name="company.created").count() == 1


def test_same_key_with_another_body_is_refused(api_as, manager):
    client = api_as(manager)
    client.post("/companies", {"name": "Acme"}, **{"Idempotency-Key": "k1"})

    response = client.post("/companies", {"name": "Other"}, **{"Idempotency-Key": "k1"})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Company.objects.count() == 1


def test_keys_belong_to_one_user(api_as, manager, outsider):
    api_as(manager).post("/companies", {"name": "Acme"}, **{"Idempotency-Key": "k"})

    theirs = api_as(outsider).post(
        "/companies", {"name": "Acme"}, **{"Idempotency-Key": "k"}
    )

    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Company.objects.count() == 2


def test_a_failed_request_is_not_stored_and_can_be_retried(api_as, manager):
    client = api_as(manager)
    key = {"Idempotency-Key": "retry-me"}

    failed = client.post("/companies", {"name": "Acme", "credit_code": "bad"}, **key)
    fixed = client.post("/companies", {"name": "Acme", "credit_code": "bad"}, **key)

    assert failed.status_code == fixed.status_code == 422
    assert "Idempotent-Replayed" not in fixed
    assert not IdempotencyRecord.objects.exists()


def test_keys_expire_after_the_ttl(api_as, manager):
    client = api_as(manager)
    client.post("/companies", {"name": "Acme"}, **{"Idempotency-Key": "old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = client.post("/companies", {"name": "Acme"}, **{"Idempotency-Key": "old"})

    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Company.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_action_endpoints_are_idempotent_too(api_as, manager):
    PipelineFactory()
    lead = LeadFactory(owner=manager)
    client = api_as(manager)
    key = {"Idempotency-Key": f"convert-{lead.pk}"}

    first = client.post(f"/leads/{lead.pk}/convert", {}, **key)
    again = client.post(f"/leads/{lead.pk}/convert", {}, **key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Deal.objects.count() == 1


# --- Nothing half-written -------------------------------------------------------------


def test_failed_conversion_leaves_no_company_contact_or_event(api_as, manager):
    # given a lead whose conversion fails after the company would be created:
    # the chosen pipeline has only closed stages
    pipeline = PipelineFactory(name="Closed only")
    pipeline.stages.filter(outcome="open").delete()
    lead = LeadFactory(owner=manager, company_name="New Co", contact_name="Zhang Wei")

    response = api_as(manager).post(
        f"/leads/{lead.pk}/convert", {"pipeline_id": pipeline.pk}
    )

    assert response.status_code == 422
    assert not Company.objects.exists() and not Contact.objects.exists()
    assert not Deal.objects.exists()
    assert not OutboxEvent.objects.exists()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_quote_totals_are_computed(api_as, manager):
    deal = DealFactory(owner=manager)

    response = api_as(manager).post(
        "/quotes",
        {
            "deal_id": deal.pk,
            "discount_pct": "10",
            "tax_pct": "13",
            "lines": [
                {"description": "Licence", "quantity": "2", "unit_price": "1000"},
                {
                    "description": "Setup",
                    "quantity": "1",
                    "unit_price": "500",
                    "discount_pct": "20",
                },
            ],
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert Decimal(body["subtotal"]) == Decimal("2400.00")
    assert Decimal(body["discount_total"]) == Decimal("240.00")
    assert Decimal(body["tax_total"]) == Decimal("280.80")
    assert Decimal(body["total"]) == Decimal("2440.80")
    assert [line["net"] for line in body["lines"]] == ["2000.00", "400.00"]


def test_replacing_quote_lines_recomputes_totals(api_as, manager):
    deal = DealFactory(owner=manager)
    client = api_as(manager)
    quote = client.post(
        "/quotes",
        {
            "deal_id": deal.pk,
            "tax_pct": "0",
            "lines": [{"description": "A", "quantity": "1", "unit_price": "100"}],
        },
    ).json()

    changed = client.patch(
        f"/quotes/{quote['id']}",
        {"lines": [{"description": "B", "quantity": "3", "unit_price": "100"}]},
    )

    assert changed.status_code == 200
    assert Decimal(changed.json()["total"]) == Decimal("300.00")
    assert [line["description"] for line in changed.json()["lines"]] == ["B"]
    assert changed.json()["version"] == 2


def test_contact_methods_are_created_and_replaced(api_as, manager):
    client = api_as(manager)
    contact = client.post(
        "/contacts",
        {
            "name": "李雷",
            "methods": [
                {"kind": "email", "value": "LI@Example.cn"},
                {"kind": "phone", "value": "13900000000", "label": "mobile"},
                {"kind": "phone", "value": "01088888888", "is_primary": True},
            ],
        },
    ).json()

    assert [(m["kind"], m["value"], m["is_primary"]) for m in contact["methods"]] == [
        ("email", "li@example.cn", True),
        ("phone", "01088888888", True),
        ("phone", "13900000000", False),
    ]
    kept = client.patch(f"/contacts/{contact['id']}", {"title": "CTO"}).json()
    assert len(kept["methods"]) == 3
    replaced = client.patch(f"/contacts/{contact['id']}", {"methods": []}).json()
    assert replaced["methods"] == []


def test_bad_contact_method_is_a_field_error(api_as, manager):
    response = api_as(manager).post(
        "/contacts",
        {"name": "X", "methods": [{"kind": "email", "value": "not-an-address"}]},
    )

    assert response.status_code == 422
    assert "methods" in fields(response)
    assert not Contact.objects.exists()


def test_convert_lead_opens_a_deal(api_as, manager):
    PipelineFactory()
    lead = LeadFactory(
        owner=manager,
        company_name="深圳智造",
        contact_name="王伟",
        email="wang@example.cn",
        budget=Decimal("88000"),
    )

    response = api_as(manager).post(f"/leads/{lead.pk}/convert", {"deal_title": "ERP"})

    deal = response.json()
    assert response.status_code == 201
    assert deal["title"] == "ERP" and deal["company"]["name"] == "深圳智造"
    assert deal["contact"]["name"] == "王伟" and deal["lead_id"] == lead.pk
    assert Decimal(deal["amount"]) == Decimal("88000")
    assert response["Location"].endswith(f"/api/v1/deals/{deal['id']}")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED


def test_losing_a_deal_needs_a_reason(api_as, manager):
    deal = DealFactory(owner=manager)
    lost = deal.pipeline.stages.get(outcome="lost")
    client = api_as(manager)

    refused = client.post(f"/deals/{deal.pk}/move", {"stage_id": lost.pk})
    accepted = client.post(
        f"/deals/{deal.pk}/move", {"stage_id": lost.pk, "lost_reason": "Price"}
    )

    assert refused.status_code == 422 and "lost_reason" in fields(refused)
    assert accepted.status_code == 200 and accepted.json()["lost_reason"] == "Price"


def test_complete_activity_and_history(api_as, manager):
    client = api_as(manager)
    company = CompanyFactory(owner=manager)
    task = client.post(
        "/activities",
        {
            "kind": "task",
            "subject": "Send proposal",
            "company_id": company.pk,
            "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
        },
    ).json()

    done = client.post(f"/activities/{task['id']}/complete")
    history = client.get(f"/activities/{task['id']}/history").json()

    assert done.status_code == 200 and done.json()["done_at"]
    assert [entry["action"] for entry in history] == ["update", "create"]
    assert "done_at" in history[0]["changes"]
    assert history[0]["actor"]["id"] == manager.pk


def test_task_without_due_date_is_refused(api_as, manager):
    company = CompanyFactory(owner=manager)

    response = api_as(manager).post(
        "/activities",
        {"kind": "task", "subject": "Call back", "company_id": company.pk},
    )

    assert response.status_code == 422 and "due_at" in fields(response)


def test_admin_creates_a_pipeline_with_stages(api_as, admin_user):
    response = api_as(admin_user).post(
        "/pipelines",
        {
            "name": "Renewals",
            "stages": [
                {"name": "Due", "probability": 50},
                {"name": "Renewed", "probability": 100, "outcome": "won"},
                {"name": "Churned", "outcome": "lost"},
            ],
        },
    )

    assert response.status_code == 201
    assert [s["name"] for s in response.json()["stages"]] == [
        "Due",
        "Renewed",
        "Churned",
    ]
    duplicate = api_as(admin_user).post(
        "/pipelines",
        {"name": "Renewals", "stages": [{"name": "Won", "outcome": "won"}]},
    )
    assert duplicate.status_code == 422 and "name" in fields(duplicate)


def test_deleting_a_company_with_deals_is_a_conflict(api_as, admin_user):
    deal = DealFactory(owner=admin_user)

    response = api_as(admin_user).delete(f"/companies/{deal.company_id}")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Company.objects.filter(pk=deal.company_id).exists()
