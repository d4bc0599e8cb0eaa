"""CRM forms: create, edit, errors in place, stale versions, delete, repeated rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from rapport.core.models import AuditEntry
from rapport.crm.models import Activity, Company, Contact, Deal, Quote
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactMethodFactory,
    DealFactory,
    ProductFactory,
    QuoteFactory,
    QuoteLineFactory,
)

pytestmark = pytest.mark.django_db


def _company_post(**fields):
    data = {
        "name": "Acme",
        "industry": "manufacturing",
        "region": "east_china",
        "size": "small",
        "tier": "C",
    }
    data.update(fields)
    return data


def test_create_company_through_the_form(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("crm:company_create"), _company_post(name="华为技术")
    )

    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:company_detail", args=[company.pk])
    assert company.name == "华为技术" and company.owner == rep


def test_service_errors_show_in_place_and_keep_the_input(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("crm:company_create"),
        _company_post(name="Kept Name Ltd", credit_code="not-a-code", address="1 Road"),
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "A unified social credit code has 18 digits and capital letters." in body
    assert 'value="Kept Name Ltd"' in body and 'value="1 Road"' in body
    assert 'value="not-a-code"' in body
    assert not Company.objects.exists()


def test_form_field_errors_show_in_place(client, rep):
    client.force_login(rep)

    response = client.post(reverse("crm:company_create"), _company_post(name=""))

    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()


def test_edit_with_a_stale_version_keeps_the_input_and_says_why(client, manager):
    # given a company someone else changed after the form was loaded
    company = CompanyFactory(owner=manager, name="Old name")
    client.force_login(manager)
    loaded_version = company.version
    Company.objects.filter(pk=company.pk).update(version=loaded_version + 1)

    # when the form is sent with the version it was loaded at
    response = client.post(
        reverse("crm:company_edit", args=[company.pk]),
        _company_post(name="My new name", version=loaded_version),
    )

    # then nothing is saved, the input is kept and the reason is shown
    body = response.content.decode()
    assert response.status_code == 422
    assert "Someone else changed this record while you were editing." in body
    assert 'value="My new name"' in body
    assert Company.objects.get(pk=company.pk).name == "Old name"


def test_edit_records_history_shown_on_the_detail_page(client, manager):
    company = CompanyFactory(owner=manager, name="Old name")
    client.force_login(manager)

    client.post(
        reverse("crm:company_edit", args=[company.pk]),
        _company_post(name="New name", tier="A", version=company.version),
    )
    body = client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()

    assert AuditEntry.objects.filter(kind="crm.company", action="update").exists()
    assert "Old name" in body and "New name" in body
    assert "A: strategic" in body


def test_owner_left_out_keeps_the_owner(client, manager, make_user):
    colleague = make_user("sales_rep")
    company = CompanyFactory(owner=colleague)
    client.force_login(manager)

    client.post(
        reverse("crm:company_edit", args=[company.pk]),
        _company_post(name="Renamed", version=company.version),
    )

    company.refresh_from_db()
    assert company.name == "Renamed" and company.owner == colleague


def test_contact_with_several_phones_and_emails(client, rep):
    company = CompanyFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        reverse("crm:contact_create"),
        {
            "name": "Zhang Wei",
            "company": company.pk,
            "method_kind": ["phone", "phone", "email", "email"],
            "method_value": ["13800000001", "010-5555 1234", "Zhang@Example.com", ""],
            "method_label": ["mobile", "office", "", ""],
            "method_primary": ["1"],
        },
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    values = [(m.kind, m.value, m.is_primary) for m in contact.methods.order_by("id")]
    assert values == [
        ("phone", "13800000001", False),
        ("phone", "010-5555 1234", True),
        ("email", "zhang@example.com", True),
    ]


def test_contact_with_a_bad_email_keeps_every_row(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("crm:contact_create"),
        {
            "name": "Zhang Wei",
            "method_kind": ["phone", "email"],
            "method_value": ["13800000001", "not-an-address"],
            "method_label": ["", ""],
        },
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "not-an-address is not an e-mail address" in body
    assert 'value="13800000001"' in body and 'value="not-an-address"' in body
    assert not Contact.objects.exists()


def test_contact_edit_shows_and_replaces_methods(client, rep):
    contact = ContactFactory(owner=rep)
    ContactMethodFactory(contact=contact, kind="email", value="old@example.com")
    client.force_login(rep)

    page = client.get(reverse("crm:contact_edit", args=[contact.pk])).content.decode()
    client.post(
        reverse("crm:contact_edit", args=[contact.pk]),
        {
            "name": contact.name,
            "version": contact.version,
            "method_kind": ["email"],
            "method_value": ["new@example.com"],
            "method_label": [""],
        },
    )

    assert 'value="old@example.com"' in page
    assert [m.value for m in contact.methods.all()] == ["new@example.com"]


def test_quote_with_lines_and_totals(client, manager):
    deal = DealFactory(owner=manager)
    product = ProductFactory(list_price=Decimal("1000"), name="Survey day")
    client.force_login(manager)

    response = client.post(
        reverse("crm:quote_create"),
        {
            "deal": deal.pk,
            "status": "draft",
            "currency": "CNY",
            "discount_pct": "10",
            "tax_pct": "13",
            "line_product": [str(product.pk), "", ""],
            "line_description": ["", "Travel", ""],
            "line_quantity": ["2", "1", ""],
            "line_unit_price": ["", "500", ""],
            "line_discount_pct": ["", "", ""],
        },
    )

    quote = Quote.objects.get()
    assert response.status_code == 302
    assert [line.description for line in quote.lines.all()] == ["Survey day", "Travel"]
    assert quote.subtotal == Decimal("2500.00")
    assert quote.total == Decimal("2542.50")  # (2500 - 250) * 1.13
    detail = client.get(reverse("crm:quote_detail", args=[quote.pk])).content.decode()
    assert "¥2,542.50" in detail


def test_quote_line_errors_show_on_their_line(client, manager):
    deal = DealFactory(owner=manager)
    client.force_login(manager)

    response = client.post(
        reverse("crm:quote_create"),
        {
            "deal": deal.pk,
            "status": "draft",
            "currency": "CNY",
            "discount_pct": "0",
            "tax_pct": "13",
            "line_product": ["", ""],
            "line_description": ["Design", "Build"],
            "line_quantity": ["1", "lots"],
            "line_unit_price": ["100", "-5"],
            "line_discount_pct": ["", ""],
        },
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "Enter a number." in body
    assert 'value="lots"' in body and 'value="Design"' in body
    assert not Quote.objects.exists()


def test_quote_edit_replaces_lines(client, manager):
    quote = QuoteFactory(owner=manager)
    QuoteLineFactory(quote=quote, description="Old line")
    client.force_login(manager)

    page = client.get(reverse("crm:quote_edit", args=[quote.pk])).content.decode()
    client.post(
        reverse("crm:quote_edit", args=[quote.pk]),
        {
            "deal": quote.deal_id,
            "status": "draft",
            "currency": "CNY",
            "discount_pct": "0",
            "tax_pct": "0",
            "version": quote.version,
            "line_product": [""],
            "line_description": ["New line"],
            "line_quantity": ["3"],
            "line_unit_price": ["10"],
            "line_discount_pct": [""],
        },
    )

    quote.refresh_from_db()
    assert 'value="Old line"' in page
    assert [line.description for line in quote.lines.all()] == ["New line"]
    assert quote.total == Decimal("30.00")


def test_deal_form_offers_only_visible_companies(client, rep, outsider):
    CompanyFactory(owner=rep, name="Mine Ltd")
    theirs = CompanyFactory(owner=outsider, name="Theirs Ltd")
    client.force_login(rep)

    page = client.get(reverse("crm:deal_create")).content.decode()
    response = client.post(
        reverse("crm:deal_create"),
        {
            "title": "Sneaky",
            "company": theirs.pk,
            "amount": "1",
            "currency": "CNY",
            "discount_pct": "0",
        },
    )

    assert "Mine Ltd" in page and "Theirs Ltd" not in page
    assert response.status_code == 422
    assert not Deal.objects.exists()


def test_delete_asks_then_deletes(client, manager):
    company = CompanyFactory(owner=manager)
    client.force_login(manager)

    confirm = client.get(reverse("crm:company_delete", args=[company.pk]))
    response = client.post(
        reverse("crm:company_delete", args=[company.pk]), {"version": company.version}
    )

    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert response["Location"] == reverse("crm:company_list")
    assert not Company.objects.exists()


def test_delete_of_a_company_with_deals_is_refused_with_a_message(client, manager):
    deal = DealFactory(owner=manager)
    client.force_login(manager)

    response = client.post(
        reverse("crm:company_delete", args=[deal.company_id]),
        {"version": deal.company.version},
        follow=True,
    )

    assert Company.objects.filter(pk=deal.company_id).exists()
    assert "still referenced" in response.content.decode()


def test_rep_may_not_delete_companies(client, rep):
    company = CompanyFactory(owner=rep)
    client.force_login(rep)

    response = client.post(reverse("crm:company_delete", args=[company.pk]))

    assert response.status_code == 403
    assert Company.objects.filter(pk=company.pk).exists()


def test_every_form_has_a_csrf_token(client, manager):
    company = CompanyFactory(owner=manager)
    client.force_login(manager)

    for name in (
        "company_create",
        "contact_create",
        "lead_create",
        "deal_create",
        "activity_create",
        "quote_create",
        "product_create",
    ):
        body = client.get(reverse(f"crm:{name}")).content.decode()
        assert body.count('name="csrfmiddlewaretoken"') >= 2, (
            name
        )  # page form + sign-out
    body = client.get(reverse("crm:company_edit", args=[company.pk])).content.decode()
    assert 'name="version"' in body


def test_activity_task_needs_a_due_date(client, rep):
    company = CompanyFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        reverse("crm:activity_create"),
        {
            "kind": "task",
            "subject": "Send the offer",
            "company": company.pk,
            "occurred_at": "2026-01-05T09:30",
        },
    )

    assert response.status_code == 422
    assert "A task needs a due date." in response.content.decode()
    assert not Activity.objects.exists()


def test_form_and_model_rules_are_reported_together(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("crm:company_create"),
        _company_post(credit_code="12345", website="not a url"),
    )

    body = response.content.decode()
    assert "A unified social credit code has 18 digits and capital letters." in body
    assert "Enter a valid URL." in body
    assert not Company.objects.exists()
