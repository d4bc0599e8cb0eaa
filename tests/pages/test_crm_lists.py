"""CRM list pages: render, scope, search, filters, sorting, paging, inline edit, CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from rapport.crm.lists import KINDS
from rapport.crm.models import Company, Deal, Lead
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    ContactMethodFactory,
    DealFactory,
    LeadFactory,
    PipelineFactory,
    ProductFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db

SCOPED = {
    "company": (CompanyFactory, "name"),
    "contact": (ContactFactory, "name"),
    "lead": (LeadFactory, "title"),
    "deal": (DealFactory, "title"),
    "activity": (ActivityFactory, "subject"),
    "quote": (QuoteFactory, "number"),
}


def _label(record, field):
    return getattr(record, field)


@pytest.mark.parametrize("kind", [*SCOPED, "product"])
def test_every_list_renders(client, manager, kind):
    # given a record of the kind in the manager's team
    if kind == "product":
        record, text = ProductFactory(name="Survey drone"), "Survey drone"
    else:
        factory, field = SCOPED[kind]
        record = factory(owner=manager)
        text = _label(record, field)
    client.force_login(manager)

    # when the list is opened
    response = client.get(reverse(f"crm:{kind}_list"))

    # then it shows the record with a link to it
    assert response.status_code == 200
    body = response.content.decode()
    assert text in body
    assert reverse(f"crm:{kind}_detail", args=[record.pk]) in body


@pytest.mark.parametrize("kind", list(SCOPED))
def test_outsider_neither_sees_nor_touches_a_record(client, rep, outsider, kind):
    # given a rep's record and a manager of another team
    factory, field = SCOPED[kind]
    record = factory(owner=rep)
    model = type(record)
    version = record.version
    client.force_login(outsider)

    # when the outsider lists, opens, edits, changes in place, exports and deletes it
    listed = client.get(reverse(f"crm:{kind}_list")).content.decode()
    exported = b"".join(client.get(reverse(f"crm:{kind}_export")).streaming_content)
    detail = client.get(reverse(f"crm:{kind}_detail", args=[record.pk]))
    edit_page = client.get(reverse(f"crm:{kind}_edit", args=[record.pk]))
    edit = client.post(reverse(f"crm:{kind}_edit", args=[record.pk]), {field: "Mine"})
    delete = client.post(reverse(f"crm:{kind}_delete", args=[record.pk]))
    inline = [
        client.post(reverse(f"crm:{kind}_inline", args=[record.pk, name]), {name: "1"})
        for name in KINDS[kind].inline
    ]

    # then every answer is "not found" and nothing changed
    assert _label(record, field) not in listed
    assert _label(record, field).encode() not in exported
    assert [
        detail.status_code,
        edit_page.status_code,
        edit.status_code,
        delete.status_code,
    ] == [404, 404, 404, 404]
    assert all(response.status_code == 404 for response in inline)
    fresh = model.objects.get(pk=record.pk)
    assert fresh.version == version and _label(fresh, field) == _label(record, field)


@pytest.mark.parametrize("kind", list(SCOPED))
def test_list_query_count_does_not_grow_with_rows(
    client, manager, kind, django_assert_max_num_queries
):
    # given 3 records, then 30
    factory, _field = SCOPED[kind]
    client.force_login(manager)
    url = reverse(f"crm:{kind}_list")
    factory.create_batch(3, owner=manager)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    factory.create_batch(27, owner=manager)

    # when the list is read again
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    # then the same number of queries served ten times the rows
    assert response.content.decode().count("<tr id=") == 30


def test_search_filters_and_sorts_companies(client, manager):
    # given companies in two industries
    CompanyFactory(owner=manager, name="Alpha Steel", industry="manufacturing")
    CompanyFactory(owner=manager, name="Beta Cloud", industry="software")
    CompanyFactory(owner=manager, name="Gamma Steel", industry="software")
    client.force_login(manager)
    url = reverse("crm:company_list")

    # when searching, filtering and sorting
    steel = client.get(url, {"q": "steel"}).content.decode()
    software = client.get(
        url, {"industry": "software", "sort": "-name"}
    ).content.decode()

    # then only the matching rows show, in the asked order
    assert (
        "Alpha Steel" in steel and "Gamma Steel" in steel and "Beta Cloud" not in steel
    )
    assert "Alpha Steel" not in software
    assert software.index("Gamma Steel") < software.index("Beta Cloud")


def test_htmx_request_gets_only_the_list_body(client, manager):
    CompanyFactory(owner=manager, name="Alpha Steel")
    client.force_login(manager)

    response = client.get(
        reverse("crm:company_list"), {"q": "alpha"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert "Alpha Steel" in body
    assert "<html" not in body and "<table" in body


def test_next_page_without_exact_count(client, manager, settings):
    # given more rows than a page holds
    from rapport.crm import views

    CompanyFactory.create_batch(views.PAGE_SIZE + 5, owner=manager)
    client.force_login(manager)

    # when the first and second pages are read
    first = client.get(reverse("crm:company_list")).content.decode()
    second = client.get(reverse("crm:company_list"), {"page": 2}).content.decode()

    # then the first offers a next page, the second holds the rest
    assert "page=2" in first
    assert first.count("<tr id=") == views.PAGE_SIZE
    assert second.count("<tr id=") == 5


def test_count_is_capped(client, manager, monkeypatch):
    from rapport.crm import views

    monkeypatch.setattr(views, "COUNT_CAP", 4)
    CompanyFactory.create_batch(6, owner=manager)
    client.force_login(manager)

    body = client.get(reverse("crm:company_list")).content.decode()

    assert "4+ found" in body


def test_inline_edit_changes_tier_through_the_service(client, manager):
    company = CompanyFactory(owner=manager, tier="C")
    client.force_login(manager)

    response = client.post(
        reverse("crm:company_inline", args=[company.pk, "tier"]),
        {"tier": "A", "version": company.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert f'id="company-{company.pk}"' in response.content.decode()
    company.refresh_from_db()
    assert company.tier == "A" and company.version == 2


def test_inline_edit_with_stale_version_shows_the_message(client, manager):
    company = CompanyFactory(owner=manager, tier="C")
    client.force_login(manager)

    response = client.post(
        reverse("crm:company_inline", args=[company.pk, "tier"]),
        {"tier": "A", "version": company.version + 5},
        HTTP_HX_REQUEST="true",
    )

    assert "Someone else changed this record" in response.content.decode()
    company.refresh_from_db()
    assert company.tier == "C"


def test_inline_edit_of_deal_amount_and_refused_lost_stage(client, manager):
    deal = DealFactory(owner=manager, amount=Decimal("100"))
    lost = deal.pipeline.stages.get(outcome="lost")
    client.force_login(manager)
    url = reverse("crm:deal_inline", args=[deal.pk, "amount"])

    client.post(url, {"amount": "4200.50", "version": deal.version})
    deal.refresh_from_db()
    refused = client.post(
        reverse("crm:deal_inline", args=[deal.pk, "stage"]),
        {"stage": lost.pk, "version": deal.version},
    ).content.decode()

    assert deal.amount == Decimal("4200.50")
    assert "Say why the deal was lost." in refused
    assert Deal.objects.get(pk=deal.pk).stage.outcome == "open"


def test_inline_edit_of_lead_status(client, manager):
    lead = LeadFactory(owner=manager)
    client.force_login(manager)

    client.post(
        reverse("crm:lead_inline", args=[lead.pk, "status"]),
        {"status": "qualified", "version": lead.version},
    )

    assert Lead.objects.get(pk=lead.pk).status == "qualified"


def test_field_not_offered_inline_is_404(client, manager):
    company = CompanyFactory(owner=manager)
    client.force_login(manager)

    response = client.post(
        reverse("crm:company_inline", args=[company.pk, "name"]), {"name": "x"}
    )

    assert response.status_code == 404


def test_csv_export_is_filtered_and_scoped(client, rep, manager, outsider):
    # given companies of a rep, of the manager, and of another team
    CompanyFactory(owner=rep, name="Rep Steel")
    CompanyFactory(owner=manager, name="Manager Steel")
    CompanyFactory(owner=manager, name="Manager Cloud")
    CompanyFactory(owner=outsider, name="Outsider Steel")
    client.force_login(rep)

    # when the rep exports the "steel" companies
    response = client.get(reverse("crm:company_export"), {"q": "steel"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))

    # then only the rep's own matching company is in the file
    assert response["Content-Type"].startswith("text/csv")
    assert [row[0] for row in rows[1:]] == ["Rep Steel"]


def test_csv_cells_cannot_become_formulas(client, manager):
    CompanyFactory(owner=manager, name='=HYPERLINK("x")')
    client.force_login(manager)

    text = b"".join(
        client.get(reverse("crm:company_export")).streaming_content
    ).decode()

    assert "'=HYPERLINK" in text


def test_script_in_a_name_is_escaped_on_list_and_detail(client, manager):
    company = CompanyFactory(owner=manager, name="<script>alert(1)</script>")
    client.force_login(manager)

    listed = client.get(reverse("crm:company_list")).content.decode()
    detail = client.get(
        reverse("crm:company_detail", args=[company.pk])
    ).content.decode()

    for body in (listed, detail):
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_pages_have_no_inline_scripts_or_handlers(client, manager):
    import re

    company = CompanyFactory(owner=manager)
    DealFactory(owner=manager, company=company)
    client.force_login(manager)

    for url in (
        reverse("crm:company_list"),
        reverse("crm:deal_board"),
        reverse("crm:company_detail", args=[company.pk]),
    ):
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert not re.search(r"\son[a-z]+=", body), url


def test_contacts_are_found_by_phone(client, manager):
    contact = ContactFactory(owner=manager, name="Wang Fang")
    ContactMethodFactory(contact=contact, kind="phone", value="13800138000")
    ContactFactory(owner=manager, name="Li Lei")
    client.force_login(manager)

    body = client.get(reverse("crm:contact_list"), {"q": "138001"}).content.decode()

    assert "Wang Fang" in body and "Li Lei" not in body


def test_deals_filter_by_stage_outcome(client, manager):
    pipeline = PipelineFactory()
    won = pipeline.stages.get(outcome="won")
    DealFactory(owner=manager, title="Open one", pipeline=pipeline)
    DealFactory(owner=manager, title="Won one", pipeline=pipeline, stage=won)
    client.force_login(manager)

    body = client.get(reverse("crm:deal_list"), {"outcome": "won"}).content.decode()

    assert "Won one" in body and "Open one" not in body


def test_rep_sees_products_but_cannot_edit_them(client, rep):
    product = ProductFactory()
    client.force_login(rep)

    listed = client.get(reverse("crm:product_list"))
    edit = client.get(reverse("crm:product_edit", args=[product.pk]))

    assert product.name in listed.content.decode()
    assert edit.status_code == 403
    assert Company.objects.count() == 0


def _every_sort_and_filter():
    for name, kind in KINDS.items():
        for key in kind.listing.sorts:
            yield name, {"sort": key}
            yield name, {"sort": f"-{key}"}
        for filter_ in kind.listing.filters:
            if filter_.conditions:
                for value in filter_.conditions:
                    yield name, {filter_.param: value}


@pytest.mark.parametrize("kind,params", list(_every_sort_and_filter()))
def test_every_sort_and_filter_works(client, manager, kind, params):
    # given one record of the kind
    if kind == "product":
        ProductFactory()
    else:
        SCOPED[kind][0](owner=manager)
    client.force_login(manager)

    # when the list is sorted or filtered
    response = client.get(reverse(f"crm:{kind}_list"), params)

    # then it answers, and a sorted list still shows the record
    assert response.status_code == 200
    if "sort" in params:
        assert response.content.decode().count("<tr id=") == 1


def test_overdue_tasks_filter(client, manager):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    ActivityFactory(
        owner=manager, kind="task", subject="Late one", due_at=now - timedelta(days=1)
    )
    ActivityFactory(
        owner=manager, kind="task", subject="Later one", due_at=now + timedelta(days=1)
    )
    client.force_login(manager)

    body = client.get(
        reverse("crm:activity_list"), {"state": "overdue"}
    ).content.decode()

    assert "Late one" in body and "Later one" not in body


def test_inline_edit_with_unreadable_input_shows_the_error(client, manager):
    deal = DealFactory(owner=manager, amount=Decimal("100"))
    client.force_login(manager)

    body = client.post(
        reverse("crm:deal_inline", args=[deal.pk, "amount"]),
        {"amount": "lots", "version": deal.version},
    ).content.decode()

    assert 'class="field-error"' in body
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("100")


def test_rep_cannot_change_a_product_price_inline(client, rep):
    product = ProductFactory(list_price=Decimal("10"))
    client.force_login(rep)

    response = client.post(
        reverse("crm:product_inline", args=[product.pk, "list_price"]),
        {"list_price": "1", "version": product.version},
    )

    assert response.status_code == 403
    product.refresh_from_db()
    assert product.list_price == Decimal("10")
