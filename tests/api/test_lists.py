"""Lists: cursor pagination with sorting, filters, capped counts and query counts."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.core.models import Job, Notification
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
    QuoteLineFactory,
)

pytestmark = pytest.mark.django_db


def walk(client, path, **params):
    """Every item of a list, following `next` cursors; also the pages' sizes."""
    ids, sizes, cursor = [], [], None
    while True:
        page = client.get(path, {**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.content
        body = page.json()
        ids += [item["id"] for item in body["items"]]
        sizes.append(len(body["items"]))
        cursor = body["next"]
        if cursor is None:
            assert "Link" not in page
            return ids, sizes
        assert 'rel="next"' in page["Link"] and cursor in page["Link"]


@pytest.mark.parametrize(
    "sort", ["-id", "id", "name", "-name", "created_at", "-updated_at"]
)
def test_walking_all_pages_returns_every_row_once_in_order(api_as, manager, sort):
    # given companies with many equal names and timestamps, so ties need the id
    moment = timezone.now()
    companies = [
        CompanyFactory(
            owner=manager,
            name=f"Firm {i % 3}",
            created_at=moment,
            updated_at=moment - timedelta(seconds=i % 4),
        )
        for i in range(23)
    ]

    # when the list is walked four rows at a time
    ids, sizes = walk(api_as(manager), "/companies", sort=sort, limit=4)

    # then each company appears once, pages are full but the last, order is stable
    assert sorted(ids) == sorted(c.pk for c in companies)
    assert len(ids) == len(set(ids))
    assert sizes == [4, 4, 4, 4, 4, 3]
    field = sort.lstrip("-")
    rows = {c.pk: c for c in companies}
    keys = [(getattr(rows[i], field), i) for i in ids]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


def test_walking_deals_by_amount_with_ties(api_as, manager):
    deals = [
        DealFactory(owner=manager, amount=Decimal(1000 * (i % 4))) for i in range(10)
    ]

    ids, _sizes = walk(api_as(manager), "/deals", sort="-amount", limit=3)

    expected = sorted(deals, key=lambda d: (d.amount, d.pk), reverse=True)
    assert ids == [d.pk for d in expected]


def test_page_size_is_capped(api_as, manager, settings):
    settings.API_MAX_PAGE_SIZE = 5
    for _ in range(7):
        CompanyFactory(owner=manager)

    body = api_as(manager).get("/companies", {"limit": 100}).json()

    assert len(body["items"]) == 5 and body["next"]


def test_unknown_sort_and_bad_cursor_are_field_errors(api_as, manager):
    client = api_as(manager)
    CompanyFactory(owner=manager)

    bad_sort = client.get("/companies", {"sort": "notes"})
    bad_cursor = client.get("/companies", {"cursor": "not-a-cursor"})
    # a cursor made for one sort is refused by another
    for _ in range(3):
        CompanyFactory(owner=manager)
    cursor = client.get("/companies", {"limit": 1, "sort": "name"}).json()["next"]
    other_sort = client.get("/companies", {"cursor": cursor, "sort": "-id"})

    assert bad_sort.status_code == 422
    assert bad_sort.json()["errors"][0]["field"] == "sort"
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["errors"][0]["field"] == "cursor"
    assert other_sort.status_code == 422


@pytest.mark.parametrize(
    "payload",
    [
        {"s": "-created_at", "v": "not a time", "id": 5},
        {"s": "-created_at", "v": None, "id": 5},
        {"s": "-created_at", "v": "2026-01-01T00:00:00+00:00", "id": 2**70},
        ["not", "an", "object"],
    ],
)
def test_tampered_cursors_are_field_errors(api_as, manager, payload):
    raw = json.dumps(payload).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")

    response = api_as(manager).get(
        "/companies", {"sort": "-created_at", "cursor": cursor}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("0776-12-07T05:19:37+23:30", 422),  # before the year 1000
        ("0001-01-01T00:00:00+01:00", 422),  # before year 1 in UTC
        ("1760-01-16T23:12:12-22:43", 200),  # an odd offset, normalised to UTC
    ],
)
def test_odd_dates_in_filters(api_as, manager, moment, status):
    CompanyFactory(owner=manager)

    response = api_as(manager).get("/companies", {"created_after": moment})

    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == "created_after"


def test_offsets_are_normalised_to_utc(api_as, manager):
    company = CompanyFactory(owner=manager)
    just_before = (company.created_at - timedelta(seconds=1)).astimezone(
        timezone.get_fixed_timezone(-(13 * 60 + 30))
    )

    ids = [
        c["id"]
        for c in api_as(manager)
        .get("/companies", {"created_after": just_before.isoformat()})
        .json()["items"]
    ]

    assert ids == [company.pk]


def test_count_is_capped_never_exact_beyond_the_cap(api_as, manager, monkeypatch):
    monkeypatch.setattr("rapport.core.api.API_COUNT_CAP", 3)
    for _ in range(5):
        CompanyFactory(owner=manager)
    client = api_as(manager)

    assert client.get("/companies", {"count": "true"}).json()["count"] == "3+"
    assert (
        client.get("/companies", {"count": "true", "industry": "energy"}).json()[
            "count"
        ]
        == "0"
    )
    assert client.get("/companies").json()["count"] is None


def test_company_filters(api_as, manager, make_user):
    colleague = make_user("sales_rep")
    energy = CompanyFactory(
        owner=manager, name="华能 Power", industry="energy", region="north_china"
    )
    CompanyFactory(owner=colleague, name="Other", industry="software")
    client = api_as(manager)

    def ids(**params):
        return [c["id"] for c in client.get("/companies", params).json()["items"]]

    assert ids(industry="energy") == [energy.pk]
    assert ids(region="north_china") == [energy.pk]
    assert ids(q="华能") == [energy.pk]
    assert ids(q="power") == [energy.pk]
    assert ids(owner=manager.pk) == [energy.pk]
    assert len(ids(team=manager.team_id)) == 2
    assert ids(created_after=(timezone.now() + timedelta(hours=1)).isoformat()) == []


def test_deal_filters(api_as, manager):
    pipeline = PipelineFactory()
    won = pipeline.stages.get(outcome="won")
    company = CompanyFactory(owner=manager)
    big = DealFactory(
        owner=manager,
        company=company,
        amount=Decimal("900000"),
        stage=won,
        expected_close=timezone.localdate(),
    )
    small = DealFactory(owner=manager, amount=Decimal("1000"))
    client = api_as(manager)

    def ids(**params):
        return [d["id"] for d in client.get("/deals", params).json()["items"]]

    assert ids(stage=won.pk) == [big.pk]
    assert ids(outcome="open") == [small.pk]
    assert ids(company=company.pk) == [big.pk]
    assert ids(amount_min="5000") == [big.pk]
    assert ids(pipeline=pipeline.pk, sort="amount") == [small.pk, big.pk]
    assert ids(close_after=timezone.localdate().isoformat()) == [big.pk]


def test_other_list_filters(api_as, manager):
    client = api_as(manager)
    lead = LeadFactory(owner=manager, status="qualified", source="referral")
    LeadFactory(owner=manager)
    task = ActivityFactory(
        owner=manager, kind="task", due_at=timezone.now() + timedelta(days=1)
    )
    ActivityFactory(owner=manager, done_at=timezone.now())
    product = ProductFactory(name="Implementation day", is_active=True)
    ProductFactory(is_active=False)

    def ids(path, **params):
        return [x["id"] for x in client.get(path, params).json()["items"]]

    assert ids("/leads", status="qualified") == [lead.pk]
    assert ids("/leads", source="referral") == [lead.pk]
    assert ids("/activities", kind="task") == [task.pk]
    assert ids("/activities", done="false") == [task.pk]
    assert ids("/products", q="implementation", is_active="true") == [product.pk]


# --- Query counts: the same for 5 rows as for 50 -------------------------------------


def _contacts(owner, n):
    for _ in range(n):
        ContactMethodFactory(contact=ContactFactory(owner=owner))


def _quotes(owner, n):
    for _ in range(n):
        QuoteLineFactory(quote=QuoteFactory(owner=owner))


MAKERS = {
    "/companies": lambda owner, n: CompanyFactory.create_batch(n, owner=owner),
    "/contacts": _contacts,
    "/leads": lambda owner, n: LeadFactory.create_batch(n, owner=owner),
    "/deals": lambda owner, n: DealFactory.create_batch(n, owner=owner),
    "/activities": lambda owner, n: ActivityFactory.create_batch(n, owner=owner),
    "/products": lambda owner, n: ProductFactory.create_batch(n),
    "/quotes": _quotes,
    "/pipelines": lambda owner, n: [
        PipelineFactory(name=f"P{owner.pk}-{i}-{n}") for i in range(n)
    ],
    "/notifications": lambda owner, n: [
        Notification.objects.create(recipient=owner, title=f"N{i}") for i in range(n)
    ],
    "/jobs": lambda owner, n: [
        Job.objects.create(user=owner, kind="k", title=f"J{i}") for i in range(n)
    ],
}


@pytest.mark.parametrize("path", list(MAKERS))
def test_list_query_count_does_not_grow_with_rows(api_as, manager, path):
    # given a client already authenticated once (the token's last use is recorded)
    client = api_as(manager)
    client.get("/me")
    MAKERS[path](manager, 5)

    # when the list is read with 5 rows and again with 50
    with CaptureQueriesContext(connection) as five:
        first = client.get(path, {"limit": 50})
    MAKERS[path](manager, 45)
    with CaptureQueriesContext(connection) as fifty:
        second = client.get(path, {"limit": 50})

    # then both pages are full and took the same, small number of queries
    assert len(first.json()["items"]) == 5
    assert len(second.json()["items"]) == 50
    assert len(five.captured_queries) == len(fifty.captured_queries)
    assert len(fifty.captured_queries) <= 6


def test_list_query_count_bound(api_as, manager, django_assert_max_num_queries):
    client = api_as(manager)
    client.get("/me")
    DealFactory.create_batch(30, owner=manager)

    with django_assert_max_num_queries(3):
        client.get("/deals", {"limit": 50})
