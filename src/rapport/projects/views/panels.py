"""Blocks the project pages add to the CRM's company and deal pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from rapport.projects import selectors

PANEL_ROWS = 10


def _panel(request: HttpRequest, projects: list[Any]) -> str | None:
    if not projects:
        return None
    return render_to_string(
        "projects/partials/panel.html", {"projects": projects}, request=request
    )


def company_projects(request: HttpRequest, company: Any) -> str | None:
    """The company's projects the viewer may see, newest first."""
    rows = (
        selectors.projects(request.user)
        .filter(company_id=company.pk)
        .order_by("-start_date", "-id")[:PANEL_ROWS]
    )
    return _panel(request, list(rows))


def deal_project(request: HttpRequest, deal: Any) -> str | None:
    """The project a won deal became, if the viewer may see it."""
    return _panel(
        request, list(selectors.projects(request.user).filter(deal_id=deal.pk))
    )
