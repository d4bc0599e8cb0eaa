"""REST endpoints of the insight part of the AI engine.

Thin: reads go through `insight.selectors` (scoped to the caller), writes through
`insight.services`. Single records carry their ETag; writes honour If-Match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.core.api import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Id,
    Page,
    caller,
    expected_version,
    paginate,
    with_etag,
)
from rapport.core.errors import NotFound
from rapport.intelligence.insight import selectors, services
from rapport.intelligence.insight.schemas import (
    AlertActionIn,
    AlertFilter,
    AlertOut,
    AnalysisFilter,
    AnalysisOut,
    CustomerRiskOut,
    ProfileDetailOut,
    ProfileFilter,
    ProfileOut,
    RuleIn,
    RuleOut,
    RulePatch,
)
from rapport.intelligence.models import CustomerProfile, RiskAlert, RiskRule

router = Router(tags=["insight"])


def _one(response: HttpResponse, obj: Any) -> Any:
    with_etag(response, obj)
    return obj


# --- Analyses ----------------------------------------------------------------------


@router.get("/analyses", response={200: Page[AnalysisOut], **COMMON_ERRORS})
def list_analyses(
    request: HttpRequest, response: HttpResponse, query: Query[AnalysisFilter]
) -> dict[str, Any]:
    """Message analyses the caller may see."""
    rows = selectors.analyses(caller(request))
    if query.company:
        rows = rows.filter(company_id=query.company)
    if query.label:
        rows = rows.filter(label=query.label)
    if query.sent_after:
        rows = rows.filter(sent_at__gte=query.sent_after)
    page = paginate(request, response, rows, query)
    if query.topic:  # JSON containment differs by database; filter the page
        page["items"] = [a for a in page["items"] if query.topic in a.topics]
    return page


@router.get("/analyses/{message_id}", response={200: AnalysisOut, **COMMON_ERRORS})
def get_analysis(request: HttpRequest, message_id: Id) -> Any:
    """The analysis of one message, by the message's id."""
    found = selectors.analyses(caller(request)).filter(message_id=message_id).first()
    if found is None:
        raise NotFound()
    return found


# --- Profiles ----------------------------------------------------------------------


def _detail(profile: CustomerProfile) -> dict[str, Any]:
    from dataclasses import asdict

    from rapport.intelligence.insight.aggregates import monthly_trend

    got = selectors.figures(profile)
    figures = asdict(got)
    evidence = figures.pop("evidence")
    return {
        **{f: getattr(profile, f) for f in ProfileOut.model_fields},
        "figures": figures,
        "evidence": evidence,
        "trend": monthly_trend(profile.state),
    }


@router.get("/profiles", response={200: Page[ProfileOut], **COMMON_ERRORS})
def list_profiles(
    request: HttpRequest, response: HttpResponse, query: Query[ProfileFilter]
) -> dict[str, Any]:
    """Customer profiles the caller may see."""
    rows = selectors.profiles(caller(request))
    if query.kind:
        rows = rows.filter(kind=query.kind)
    if query.company:
        rows = rows.filter(kind="company", company_id=query.company)
    if query.contact:
        rows = rows.filter(kind="contact", contact_id=query.contact)
    if query.health_below is not None:
        rows = rows.filter(health__lt=query.health_below)
    return paginate(request, response, rows, query)


@router.get("/profiles/{profile_id}", response={200: ProfileDetailOut, **COMMON_ERRORS})
def get_profile(request: HttpRequest, response: HttpResponse, profile_id: Id) -> Any:
    """One profile with its figures as of now, the evidence and the trend."""
    profile = selectors.get(selectors.profiles(caller(request)), profile_id)
    with_etag(response, profile)
    return _detail(profile)


@router.get(
    "/profiles/company/{company_id}", response={200: ProfileDetailOut, **COMMON_ERRORS}
)
def get_company_profile(request: HttpRequest, company_id: Id) -> Any:
    """The profile of one company."""
    profile = selectors.profile_of(caller(request), company_id=company_id)
    if profile is None:
        raise NotFound()
    return _detail(profile)


@router.get(
    "/profiles/contact/{contact_id}", response={200: ProfileDetailOut, **COMMON_ERRORS}
)
def get_contact_profile(request: HttpRequest, contact_id: Id) -> Any:
    """The profile of one contact."""
    profile = selectors.profile_of(caller(request), contact_id=contact_id)
    if profile is None:
        raise NotFound()
    return _detail(profile)


@router.get("/customer-risks", response={200: list[CustomerRiskOut], **COMMON_ERRORS})
def list_customer_risks(request: HttpRequest) -> Any:
    """Customers at risk now, most open alerts first (at most 200)."""
    return selectors.customer_risks(caller(request), limit=200)


# --- Rules -------------------------------------------------------------------------


def _rule(request: HttpRequest, rule_id: int) -> RiskRule:
    return selectors.get(selectors.rules(caller(request)), rule_id)  # type: ignore[no-any-return]


@router.get("/risk-rules", response={200: list[RuleOut], **COMMON_ERRORS})
def list_rules(request: HttpRequest) -> Any:
    """Every risk rule."""
    return list(selectors.rules(caller(request)).order_by("name", "id"))


@router.post("/risk-rules", response={201: RuleOut, **WRITE_ERRORS})
def create_rule(request: HttpRequest, response: HttpResponse, payload: RuleIn) -> Any:
    """Add a risk rule."""
    rule = services.create_rule(caller(request), payload.dict(exclude_unset=True))
    response["Location"] = request.build_absolute_uri(f"{request.path}/{rule.pk}")
    with_etag(response, rule)
    return Status(201, rule)


@router.get("/risk-rules/{rule_id}", response={200: RuleOut, **COMMON_ERRORS})
def get_rule(request: HttpRequest, response: HttpResponse, rule_id: Id) -> Any:
    """One risk rule."""
    return _one(response, _rule(request, rule_id))


@router.patch("/risk-rules/{rule_id}", response={200: RuleOut, **WRITE_ERRORS})
def update_rule(
    request: HttpRequest, response: HttpResponse, rule_id: Id, payload: RulePatch
) -> Any:
    """Change the fields sent; If-Match, when sent, must name the current version."""
    rule = _rule(request, rule_id)
    services.update_rule(
        caller(request),
        rule,
        payload.dict(exclude_unset=True),
        expected_version(request, rule),
    )
    return _one(response, _rule(request, rule_id))


@router.delete("/risk-rules/{rule_id}", response={204: None, **WRITE_ERRORS})
def delete_rule(request: HttpRequest, rule_id: Id) -> HttpResponse:
    """Delete a risk rule and its alerts."""
    rule = _rule(request, rule_id)
    services.delete_rule(caller(request), rule, expected_version(request, rule))
    return HttpResponse(status=204)


# --- Alerts ------------------------------------------------------------------------


def _alert(request: HttpRequest, alert_id: int) -> RiskAlert:
    return selectors.get(selectors.alerts(caller(request)), alert_id)  # type: ignore[no-any-return]


@router.get("/risk-alerts", response={200: Page[AlertOut], **COMMON_ERRORS})
def list_alerts(
    request: HttpRequest, response: HttpResponse, query: Query[AlertFilter]
) -> dict[str, Any]:
    """Risk alerts of the customers the caller may see."""
    rows = selectors.alerts(caller(request))
    if query.status:
        rows = rows.filter(status=query.status)
    if query.company:
        rows = rows.filter(company_id=query.company)
    if query.rule:
        rows = rows.filter(rule_id=query.rule)
    return paginate(request, response, rows, query)


@router.get("/risk-alerts/{alert_id}", response={200: AlertOut, **COMMON_ERRORS})
def get_alert(request: HttpRequest, response: HttpResponse, alert_id: Id) -> Any:
    """One risk alert."""
    return _one(response, _alert(request, alert_id))


def _act(
    request: HttpRequest,
    response: HttpResponse,
    alert_id: int,
    note: str,
    action: Callable[..., Any],
) -> Any:
    alert = _alert(request, alert_id)
    action(caller(request), alert, expected_version(request, alert), note)
    return _one(response, _alert(request, alert_id))


@router.post(
    "/risk-alerts/{alert_id}/acknowledge", response={200: AlertOut, **WRITE_ERRORS}
)
def acknowledge_alert(
    request: HttpRequest, response: HttpResponse, alert_id: Id, payload: AlertActionIn
) -> Any:
    """Say that someone is on it; If-Match, when sent, must name the current version."""
    return _act(request, response, alert_id, payload.note, services.acknowledge_alert)


@router.post(
    "/risk-alerts/{alert_id}/resolve", response={200: AlertOut, **WRITE_ERRORS}
)
def resolve_alert(
    request: HttpRequest, response: HttpResponse, alert_id: Id, payload: AlertActionIn
) -> Any:
    """Close an alert; If-Match, when sent, must name the current version."""
    return _act(request, response, alert_id, payload.note, services.resolve_alert)
