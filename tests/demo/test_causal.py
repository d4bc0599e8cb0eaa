"""The demo's hidden causes show in its rows, measured with plain queries.

Each test compares two groups of records on an outcome the generator drew from a
hidden rule (docs/demo-data.md). On data without that rule the two groups would
look alike, and the assertion (a clear gap, not just any difference) would fail.
"""

from __future__ import annotations

from statistics import mean, median

import pytest
from django.db.models import Count, F, Min, Q

from rapport.crm.models import Activity, Deal, Lead
from rapport.demo.people import PEOPLE

pytestmark = pytest.mark.django_db

COMPLAINT = Q(subject__startswith="投诉") | Q(subject__startswith="Complaint")


def win_rate(deals) -> tuple[float, int]:
    """Won share of the closed deals among `deals`, and how many were closed."""
    won = deals.filter(stage__outcome="won").count()
    lost = deals.filter(stage__outcome="lost").count()
    return won / max(1, won + lost), won + lost


def test_bigger_discounts_win_more_often(small_demo):
    # given closed deals with big and with small discounts
    big, n_big = win_rate(Deal.objects.filter(discount_pct__gt=10))
    small, n_small = win_rate(Deal.objects.filter(discount_pct__lt=5))
    # then big discounts win clearly more often
    assert n_big >= 15 and n_small >= 15
    assert big > small + 0.2


def test_referrals_convert_more_often_than_cold_calls(small_demo):
    # given leads by source
    def conversion(source: str) -> float:
        leads = Lead.objects.filter(source=source)
        return leads.filter(status="converted").count() / leads.count()

    # then referrals and trade shows convert far more often than cold calls
    assert conversion("referral") > 3 * conversion("cold_call")
    assert conversion("trade_show") > 2 * conversion("cold_call")


def test_leads_with_bigger_budgets_convert_more_often(small_demo):
    # given the decided leads ranked by the budget they stated
    decided = list(
        Lead.objects.filter(status__in=["converted", "disqualified"])
        .order_by("budget")
        .values_list("status", flat=True)
    )
    third = len(decided) // 3

    def rate(part: list[str]) -> float:
        return part.count("converted") / len(part)

    # then the biggest third converts clearly more often than the smallest
    assert rate(decided[-third:]) > 1.5 * rate(decided[:third])


def test_customers_who_complain_lose_more_deals(small_demo):
    # given each company's share of complaint activities
    complaints = dict(
        Activity.objects.filter(COMPLAINT)
        .values_list("company")
        .annotate(n=Count("id"))
    )
    totals = dict(
        Activity.objects.exclude(company=None)
        .values_list("company")
        .annotate(n=Count("id"))
    )
    ranked = sorted(totals, key=lambda c: complaints.get(c, 0) / totals[c])
    third = len(ranked) // 3
    # when the most and the least complaining thirds are compared
    calm, n_calm = win_rate(Deal.objects.filter(company__in=ranked[:third]))
    angry, n_angry = win_rate(Deal.objects.filter(company__in=ranked[-third:]))
    # then the complaining customers' deals are won much less often
    assert n_calm >= 15 and n_angry >= 10
    assert angry < calm - 0.15


def test_busy_reps_answer_later_and_win_less(small_demo):
    # given the reps the generator overloads (twice a normal share of accounts,
    # docs/demo-data.md), and the other reps; in the small demo the busiest rep
    # by deal count is a matter of chance
    overloaded = {p.username for p in PEOPLE if p.role == "sales_rep" and p.overloaded}
    owners = Deal.objects.filter(owner__role="sales_rep").values_list(
        "owner_id", "owner__username"
    )
    busy = sorted({owner for owner, name in owners if name in overloaded})
    others = sorted({owner for owner, name in owners if name not in overloaded})
    # when their first activity on each deal is compared with its opening
    first = Deal.objects.annotate(first=Min("activities__occurred_at")).exclude(
        first=None
    )

    def lag(owner_ids: list[int]) -> float:
        return median(
            (d.first - d.created_at).total_seconds() / 86400
            for d in first.filter(owner_id__in=owner_ids)
        )

    # then the busiest reps answer days later and win less
    assert lag(busy) > 2 * lag(others) and lag(busy) > 2
    busy_rate, _ = win_rate(Deal.objects.filter(owner_id__in=busy))
    other_rate, _ = win_rate(Deal.objects.filter(owner_id__in=others))
    assert busy_rate < other_rate - 0.1


def test_deals_with_frequent_activity_close_faster(small_demo):
    # given closed deals with their activity per week of their life
    # (the closing note written when the deal closed is left out)
    closed = Deal.objects.exclude(closed_at=None).annotate(
        n=Count("activities", filter=Q(activities__occurred_at__lt=F("closed_at")))
    )
    rows = []
    for deal in closed:
        days = max((deal.closed_at - deal.created_at).total_seconds() / 86400, 1)
        rows.append((deal.n / days, days))
    rows.sort()
    half = len(rows) // 2
    # then the busier half closed in clearly fewer days
    slow = median(days for _, days in rows[:half])
    fast = median(days for _, days in rows[half:])
    assert fast < 0.7 * slow


def test_bigger_customers_buy_bigger_deals(small_demo):
    # given deal amounts by the customer's size
    def average(size: str) -> float:
        amounts = Deal.objects.filter(company__size=size).values_list(
            "amount", flat=True
        )
        return mean(float(a) for a in amounts)

    # then large and enterprise customers buy several times more than small ones
    assert average("large") > 2 * average("small")
    assert average("enterprise") > 3 * average("small")
