"""Progress snapshots, ranked schedule risks and utilisation by person and week."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query

from rapport.core.api import COMMON_ERRORS, Id, Page, paginate
from rapport.projects import selectors
from rapport.projects.api.common import actor, exact, router
from rapport.projects.schemas import (
    RiskFilter,
    RiskListOut,
    SnapshotFilter,
    SnapshotOut,
    UtilisationOut,
    UtilisationQuery,
)


@router.get(
    "/projects/{project_id}/snapshots",
    response={200: Page[SnapshotOut], **COMMON_ERRORS},
    tags=["projects"],
)
def list_snapshots(
    request: HttpRequest,
    response: HttpResponse,
    project_id: Id,
    query: Query[SnapshotFilter],
) -> Any:
    """The project's daily progress snapshots (planned and earned value, variance …)."""
    project = selectors.project(actor(request), project_id)
    rows = exact(
        selectors.snapshots(actor(request)).filter(project=project),
        date__gte=query.date_from,
        date__lte=query.date_to,
    )
    return paginate(request, response, rows, query)


@router.get(
    "/risks", response={200: Page[RiskListOut], **COMMON_ERRORS}, tags=["risks"]
)
def list_risks(
    request: HttpRequest, response: HttpResponse, query: Query[RiskFilter]
) -> Any:
    """Open projects by schedule risk, riskiest first, each with a suggestion."""
    rows = exact(selectors.risks(actor(request)), level=query.level)
    page = paginate(request, response, rows, query)
    page["items"] = [_risk(risk) for risk in page["items"]]
    return page


def _risk(risk: Any) -> dict[str, Any]:
    project = risk.project
    return {
        "id": risk.pk,
        "score": risk.score,
        "level": risk.level,
        "delay_days": risk.delay_days,
        "at_stake": risk.at_stake,
        "estimator": risk.estimator,
        "reasons": risk.reasons,
        "suggestion": risk.suggestion,
        "suggestion_text": selectors.suggestion_text(risk.suggestion),
        "computed_at": risk.computed_at,
        "project": {"id": project.pk, "name": project.name},
        "project_code": project.code,
        "company": {"id": project.company_id, "name": project.company.name},
        "contract_value": project.contract_value,
        "currency": project.currency,
        "forecast_finish": project.forecast_finish,
        "planned_finish": project.planned_finish,
    }


@router.get(
    "/utilisation", response={200: UtilisationOut, **COMMON_ERRORS}, tags=["resources"]
)
def utilisation(request: HttpRequest, query: Query[UtilisationQuery]) -> Any:
    """Booked and available hours by person and ISO week, with over-allocations."""
    return selectors.utilisation(
        actor(request), query.start, query.weeks, team_id=query.team
    )
