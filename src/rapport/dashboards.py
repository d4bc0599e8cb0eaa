"""Reads for the home page of each role, combined from the apps' scoped selectors.

Each function returns the figures one role's home page shows. Every query goes
through a scoped selector, so a home page never shows a record the user could not
open; lists are short and counts are capped, so the page costs the same number of
queries however much data there is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from rapport.accounts import selectors as accounts
from rapport.core.models import Job
from rapport.core.permissions import Role
from rapport.core.selectors import count_up_to
from rapport.crm import selectors as crm
from rapport.crm.models import Activity, Deal, Quote, Stage

COUNT_CAP = 1000
LIST_SIZE = 8
STALE_AFTER = timedelta(days=30)
TASK_HORIZON = timedelta(days=7)


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> int:
    """How many rows, counted only just past `cap` (shown as "1,000+")."""
    return count_up_to(queryset, cap)


@dataclass
class Amounts:
    """Money per currency: amounts in different currencies are never added up."""

    by_currency: dict[str, Decimal] = field(default_factory=dict)

    def add(self, currency: str, amount: Decimal | None) -> None:
        self.by_currency[currency] = self.by_currency.get(currency, Decimal(0)) + (
            amount or Decimal(0)
        )

    def items(self) -> list[tuple[str, Decimal]]:
        return sorted(self.by_currency.items(), key=lambda item: -item[1])

    def get(self, currency: str) -> Decimal:
        return self.by_currency.get(currency, Decimal(0))


@dataclass
class StageRow:
    name: str
    position: int
    count: int = 0
    amounts: Amounts = field(default_factory=Amounts)


@dataclass
class OwnerRow:
    name: str
    count: int = 0
    amounts: Amounts = field(default_factory=Amounts)


def open_deals(user: Any) -> QuerySet[Deal]:
    return crm.deals(user).filter(stage__outcome=Stage.Outcome.OPEN)


def won_deals(user: Any) -> QuerySet[Deal]:
    return crm.deals(user).filter(stage__outcome=Stage.Outcome.WON)


def open_tasks(user: Any) -> QuerySet[Activity]:
    return crm.activities(user).filter(kind=Activity.Kind.TASK, done_at__isnull=True)


def stale_deals(deals: QuerySet[Deal], cutoff: datetime) -> QuerySet[Deal]:
    """Open deals nobody has logged an activity on since `cutoff`, quietest first.

    A deal with no activity at all counts from its creation, so a new deal is not
    stale on its first day.
    """
    return (
        deals.annotate(
            last_touch=Coalesce(Max("activities__occurred_at"), F("created_at"))
        )
        .filter(last_touch__lt=cutoff)
        .order_by("last_touch", "id")
    )


def pipeline_by_stage(deals: QuerySet[Deal]) -> list[StageRow]:
    """Open deals per stage name with their amounts per currency, in stage order."""
    rows: dict[str, StageRow] = {}
    grouped = (
        deals.order_by()
        .values("stage__name", "stage__position", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    for group in grouped:
        row = rows.setdefault(
            group["stage__name"],
            StageRow(group["stage__name"], group["stage__position"]),
        )
        row.count += group["n"]
        row.amounts.add(group["currency"], group["total"])
    return sorted(rows.values(), key=lambda row: (row.position, row.name))


def pipeline_by_owner(deals: QuerySet[Deal]) -> list[OwnerRow]:
    """Open deals per owner with their amounts per currency, biggest first."""
    rows: dict[int, OwnerRow] = {}
    grouped = (
        deals.order_by()
        .values("owner_id", "owner__display_name", "owner__username", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    for group in grouped:
        name = group["owner__display_name"] or group["owner__username"]
        row = rows.setdefault(group["owner_id"], OwnerRow(name))
        row.count += group["n"]
        row.amounts.add(group["currency"], group["total"])
    return sorted(rows.values(), key=lambda row: (-row.count, row.name))


def totals(deals: QuerySet[Deal], weighted: bool = False) -> Amounts:
    """The deals' amounts per currency; weighted by each deal's probability if asked."""
    value: Any = F("amount")
    if weighted:
        value = ExpressionWrapper(
            F("amount") * F("probability") / 100,
            output_field=DecimalField(max_digits=18, decimal_places=2),
        )
    amounts = Amounts()
    for group in deals.order_by().values("currency").annotate(total=Sum(value)):
        amounts.add(group["currency"], group["total"])
    return amounts


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter_start(day: date) -> date:
    start = quarter_start(day)
    return quarter_start(start - timedelta(days=1))


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def stage_chart(rows: list[StageRow]) -> dict[str, Any]:
    """Bar chart data: one bar group per stage, one series per currency; {} if none.

    An empty answer keeps plotly (several megabytes) off a page with nothing to draw.
    """
    if not rows:
        return {}
    currencies = sorted({c for row in rows for c in row.amounts.by_currency})
    return {
        "kind": "bar",
        "x": [row.name for row in rows],
        "series": [
            {"name": currency, "y": [float(row.amounts.get(currency)) for row in rows]}
            for currency in currencies
        ],
    }


# --- one function per role -----------------------------------------------------


def sales_rep_home(user: Any) -> dict[str, Any]:
    """My open deals by stage, my tasks due or overdue, my recent leads."""
    now = timezone.now()
    mine = open_deals(user).filter(owner=user)
    tasks = open_tasks(user).filter(owner=user, due_at__lte=now + TASK_HORIZON)
    stages = pipeline_by_stage(mine)
    return {
        "open_deal_count": capped_count(mine),
        "open_amounts": totals(mine),
        "overdue_count": capped_count(tasks.filter(due_at__lt=now)),
        "stages": stages,
        "chart": stage_chart(stages),
        "deals": list(mine.order_by("expected_close", "-amount")[:LIST_SIZE]),
        "tasks": list(tasks.order_by("due_at")[:LIST_SIZE]),
        "leads": list(crm.leads(user).filter(owner=user).order_by("-id")[:LIST_SIZE]),
        "now": now,
    }


def sales_manager_home(user: Any) -> dict[str, Any]:
    """The team's pipeline value by stage, each member's open deals, stale deals."""
    now = timezone.now()
    team = open_deals(user)
    stale = stale_deals(team, now - STALE_AFTER)
    stages = pipeline_by_stage(team)
    return {
        "open_deal_count": capped_count(team),
        "open_amounts": totals(team),
        "weighted_amounts": totals(team, weighted=True),
        "stale_count": capped_count(stale),
        "stages": stages,
        "chart": stage_chart(stages),
        "owners": pipeline_by_owner(team),
        "stale_deals": list(stale[:LIST_SIZE]),
        "stale_days": STALE_AFTER.days,
        "now": now,
    }


def team_work_home(user: Any) -> dict[str, Any]:
    """For project managers and support: the team's recent activities and open tasks."""
    now = timezone.now()
    tasks = open_tasks(user)
    return {
        "open_task_count": capped_count(tasks),
        "overdue_count": capped_count(tasks.filter(due_at__lt=now)),
        "activities": list(
            crm.activities(user).order_by("-occurred_at", "-id")[: LIST_SIZE + 4]
        ),
        "tasks": list(tasks.order_by("due_at")[: LIST_SIZE + 4]),
        "now": now,
    }


def executive_home(user: Any) -> dict[str, Any]:
    """Pipeline totals, deals won this quarter against last, the biggest open deals."""
    today = timezone.localdate()
    this_start = _local_midnight(quarter_start(today))
    last_start = _local_midnight(previous_quarter_start(today))
    pipeline = open_deals(user)
    won = won_deals(user)
    this_quarter = won.filter(closed_at__gte=this_start)
    last_quarter = won.filter(closed_at__gte=last_start, closed_at__lt=this_start)
    this_amounts, last_amounts = totals(this_quarter), totals(last_quarter)
    currencies = sorted(set(this_amounts.by_currency) | set(last_amounts.by_currency))
    stages = pipeline_by_stage(pipeline)
    return {
        "open_deal_count": capped_count(pipeline),
        "open_amounts": totals(pipeline),
        "weighted_amounts": totals(pipeline, weighted=True),
        "won_this_count": capped_count(this_quarter),
        "won_last_count": capped_count(last_quarter),
        "won_rows": [(c, this_amounts.get(c), last_amounts.get(c)) for c in currencies],
        "stages": stages,
        "chart": stage_chart(stages),
        "top_deals": list(pipeline.order_by("-amount", "-id")[:LIST_SIZE]),
        "quarter_start": this_start,
        "last_quarter_start": last_start,
    }


def finance_home(user: Any) -> dict[str, Any]:
    """Accepted quotes and won deals, the work that becomes contracts and invoices."""
    accepted = (
        crm.quotes(user).prefetch_related(None).filter(status=Quote.Status.ACCEPTED)
    )
    won = won_deals(user)
    this_start = _local_midnight(quarter_start(timezone.localdate()))
    return {
        "accepted_count": capped_count(accepted),
        "accepted_amounts": totals_of_quotes(accepted),
        "won_quarter_amounts": totals(won.filter(closed_at__gte=this_start)),
        "quotes": list(accepted.order_by("-updated_at", "-id")[:LIST_SIZE]),
        "won_deals": list(won.order_by("-closed_at", "-id")[:LIST_SIZE]),
    }


def totals_of_quotes(quotes: QuerySet[Quote]) -> Amounts:
    amounts = Amounts()
    for group in quotes.order_by().values("currency").annotate(total=Sum("total")):
        amounts.add(group["currency"], group["total"])
    return amounts


def admin_home(user: Any) -> dict[str, Any]:
    """People, teams and the latest background jobs."""
    users = accounts.assignable_users(user)
    return {
        "user_count": capped_count(users),
        "users": list(users.order_by("-date_joined", "-id")[:LIST_SIZE]),
        "teams": list(
            accounts.teams()
            .select_related("manager")
            .annotate(member_count=Count("members"))
        ),
        "jobs": list(Job.objects.select_related("user").order_by("-id")[:LIST_SIZE]),
        "failed_job_count": capped_count(Job.objects.filter(status=Job.Status.FAILED)),
    }


HOMES = {
    Role.SALES_REP: ("home/sales_rep.html", sales_rep_home),
    Role.SALES_MANAGER: ("home/sales_manager.html", sales_manager_home),
    Role.PROJECT_MANAGER: ("home/team_work.html", team_work_home),
    Role.SUPPORT: ("home/team_work.html", team_work_home),
    Role.EXECUTIVE: ("home/executive.html", executive_home),
    Role.FINANCE: ("home/finance.html", finance_home),
    Role.ADMIN: ("home/admin.html", admin_home),
}


def home_for(user: Any) -> tuple[str, dict[str, Any]]:
    """The template and figures of the user's home page, chosen by role."""
    template, build = HOMES.get(user.role, HOMES[Role.SALES_REP])
    return template, build(user)
