"""CRM detail pages: fields, related records, timeline, quick log and history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.crm import services
from rapport.crm.models import Activity
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    LeadFactory,
    ProductFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


def test_company_page_shows_related_records_and_timeline(client, manager):
    # given a company with a contact, a deal, a lead, a quote and a call
    company = CompanyFactory(owner=manager, name="Acme")
    ContactFactory(owner=manager, company=company, name="Zhang Wei")
    deal = DealFactory(owner=manager, company=company, title="Factory upgrade")
    LeadFactory(owner=manager, company=company, title="Second site")
    QuoteFactory(owner=manager, deal=deal, number="Q-1")
    ActivityFactory(owner=manager, company=company, subject="Intro call")
    client.force_login(manager)

    # when its page is opened
    body = client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()

    # then all of it is there
    for text in ("Zhang Wei", "Factory upgrade", "Second site", "Q-1", "Intro call"):
        assert text in body


def test_related_lists_leave_out_records_outside_the_scope(client, rep, make_user):
    # given a company of the rep with a deal of a teammate (rep sees own records only)
    company = CompanyFactory(owner=rep)
    teammate = make_user("sales_rep")
    DealFactory(owner=teammate, company=company, title="Teammate deal")
    client.force_login(rep)

    body = client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()

    assert "Teammate deal" not in body


def test_quick_log_adds_a_call_to_the_timeline_with_htmx(client, rep):
    company = CompanyFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        reverse("crm:company_timeline", args=[company.pk]),
        {"kind": "call", "subject": "Asked about delivery dates"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="timeline">')
    assert "Asked about delivery dates" in body
    activity = Activity.objects.get()
    assert activity.company == company and activity.kind == "call"


def test_quick_task_without_due_date_shows_the_error_and_keeps_the_text(client, rep):
    deal = DealFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        reverse("crm:deal_timeline", args=[deal.pk]),
        {"kind": "task", "subject": "Send the contract"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert "A task needs a due date." in body
    assert 'value="Send the contract"' in body
    assert not Activity.objects.exists()


def test_quick_log_without_htmx_redirects_back(client, rep):
    contact = ContactFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        reverse("crm:contact_timeline", args=[contact.pk]),
        {"kind": "note", "subject": "Prefers WeChat"},
    )

    assert response["Location"] == reverse("crm:contact_detail", args=[contact.pk])
    # the note also lands on the company's timeline
    assert Activity.objects.get().company_id == contact.company_id


def test_outsider_cannot_log_on_a_timeline(client, rep, outsider):
    company = CompanyFactory(owner=rep)
    client.force_login(outsider)

    response = client.post(
        reverse("crm:company_timeline", args=[company.pk]),
        {"kind": "call", "subject": "x"},
    )

    assert response.status_code == 404
    assert not Activity.objects.exists()


def test_history_shows_who_when_field_and_change(client, manager):
    company = CompanyFactory(owner=manager, industry="software")
    services.update_company(manager, company, {"industry": "energy"})
    client.force_login(manager)

    body = client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()

    assert str(manager) in body
    assert "Software and SaaS" in body and "Energy" in body


def test_complete_a_task_from_the_activity_page(client, rep):
    task = ActivityFactory(
        owner=rep, kind="task", subject="Call back", due_at="2030-01-01T10:00Z"
    )
    client.force_login(rep)

    client.post(
        reverse("crm:activity_complete", args=[task.pk]), {"version": task.version}
    )

    task.refresh_from_db()
    assert task.done_at is not None


@pytest.mark.parametrize(
    "kind,factory",
    [
        ("contact", ContactFactory),
        ("lead", LeadFactory),
        ("deal", DealFactory),
        ("activity", ActivityFactory),
        ("quote", QuoteFactory),
    ],
)
def test_every_detail_page_renders_for_its_owner(client, rep, kind, factory):
    record = factory(owner=rep)
    client.force_login(rep)

    response = client.get(reverse(f"crm:{kind}_detail", args=[record.pk]))

    assert response.status_code == 200
    assert str(record) in response.content.decode()


def test_product_page_renders(client, rep):
    product = ProductFactory(name="Site survey")
    client.force_login(rep)

    response = client.get(reverse("crm:product_detail", args=[product.pk]))

    assert "Site survey" in response.content.decode()


def test_unknown_id_is_404(client, rep):
    client.force_login(rep)

    assert client.get(reverse("crm:company_detail", args=[999999])).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("crm:company_list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_pages_render_in_chinese(client, manager):
    company = CompanyFactory(owner=manager, industry="energy")
    client.force_login(manager)

    body = client.get(
        reverse("crm:company_detail", args=[company.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "能源" in body and "时间线" in body


def test_company_page_queries_do_not_grow_with_related_rows(
    client, manager, django_assert_max_num_queries
):
    # given a company with 3 of each related record, then 30
    company = CompanyFactory(owner=manager)
    client.force_login(manager)
    url = reverse("crm:company_detail", args=[company.pk])

    def add(n):
        for _ in range(n):
            contact = ContactFactory(owner=manager, company=company)
            deal = DealFactory(owner=manager, company=company, contact=contact)
            QuoteFactory(owner=manager, deal=deal)
            ActivityFactory(owner=manager, company=company, contact=contact, deal=deal)
            services.update_company(manager, company, {"notes": f"note {_}"})
            company.refresh_from_db()

    add(3)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(27)

    # when the page is read again
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    # then the same queries served ten times the related rows
    assert response.status_code == 200
