"""People's load by week (the utilisation heatmap) and the schedule risk list."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rapport.projects import selectors
from rapport.projects.models import Task, TimeEntry
from rapport.projects.views.common import SignedInRequest, page

MAX_WEEKS = 26
RISK_ROWS = 100


def _level(ratio: float | None) -> str:
    """The heatmap colour class of a booked/available ratio."""
    if not ratio:
        return "l0"
    if ratio > 1:
        return "over"
    if ratio > 0.85:
        return "l3"
    return "l2" if ratio > 0.5 else "l1"


def _window(request: SignedInRequest) -> tuple[date, int]:
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = timezone.localdate()
    try:
        weeks = min(MAX_WEEKS, max(1, int(request.GET.get("weeks", 8))))
    except ValueError:
        weeks = 8
    return start - timedelta(days=start.weekday()), weeks


@page
def utilisation(request: SignedInRequest) -> HttpResponse:
    """Person × ISO week heatmap; over-booked weeks come with concrete fixes."""
    start, weeks = _window(request)
    data = selectors.utilisation(request.user, start, weeks)
    for person in data["people"]:
        for cell in person["weeks"]:
            cell["level"] = _level(cell["ratio"])
            cell["percent"] = round(cell["ratio"] * 100) if cell["ratio"] else 0
    data["overallocations"].sort(key=lambda o: (o["person"], o["week"]))
    context = {
        **data,
        "start": start,
        "weeks_shown": weeks,
        "previous": (start - timedelta(days=7 * weeks)).isoformat(),
        "next": (start + timedelta(days=7 * weeks)).isoformat(),
    }
    return render(request, "projects/utilisation.html", context)


def _margins(project_ids: list[int]) -> dict[int, dict[str, Decimal | None]]:
    """Cost so far and forecast cost of several projects, in two grouped queries.

    The forecast prices the remaining estimated hours at the average rate paid
    so far, as `selectors.project_margin` does for one project; a project with
    no time logged yet has no forecast.
    """
    spent = {
        row["task__project_id"]: row
        for row in TimeEntry.objects.filter(task__project_id__in=project_ids)
        .values("task__project_id")
        .annotate(cost=Sum(F("hours") * F("cost_rate")), hours=Sum("hours"))
        .order_by()
    }
    remaining = {
        row["project_id"]: row["left"]
        for row in Task.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(left=Sum(F("estimated_hours") * (100 - F("percent_complete")) / 100))
        .order_by()
    }
    found: dict[int, dict[str, Decimal | None]] = {}
    for pk in project_ids:
        row = spent.get(pk)
        cost = Decimal(row["cost"] or 0) if row else Decimal(0)
        hours = Decimal(row["hours"] or 0) if row else Decimal(0)
        forecast = None
        if hours > 0:
            forecast = cost + Decimal(remaining.get(pk) or 0) * cost / hours
        found[pk] = {"cost": cost, "forecast": forecast}
    return found


@page
def risks(request: SignedInRequest) -> HttpResponse:
    """Open projects by schedule risk, riskiest first, each with a suggestion."""
    risks_ = list(selectors.risks(request.user)[:RISK_ROWS])
    margins = _margins([r.project_id for r in risks_])
    rows = []
    for risk in risks_:
        forecast = margins[risk.project_id]["forecast"]
        value = Decimal(risk.project.contract_value)
        margin = value - forecast if forecast is not None else None
        rows.append(
            {
                "risk": risk,
                "margin": margin,
                "margin_pct": float(margin / value * 100)
                if margin is not None and value
                else None,
            }
        )
    return render(request, "projects/risks.html", {"rows": rows})
