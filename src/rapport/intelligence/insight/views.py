"""Insight pages: risk alerts (acknowledge, resolve), risk rules, customer health.

Views are thin: they parse the request, call one selector or service, and render.
A record outside the user's scope is a 404 page, a forbidden action a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import permissions
from rapport.core.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from rapport.intelligence.insight import selectors, services
from rapport.intelligence.insight.forms import AlertNoteForm, RiskRuleForm
from rapport.intelligence.models import RiskAlert

if TYPE_CHECKING:
    from rapport.accounts.models import User

PAGE_SIZE = 50
ALERT, RULE, PROFILE = (
    "intelligence.riskalert",
    "intelligence.riskrule",
    "intelligence.customerprofile",
)
STALE = _("Someone else changed this record meanwhile; reload it and try again.")


class SignedInRequest(HttpRequest):
    """A request that passed the sign-in check."""

    user: User


def page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; NotFound becomes the 404 page and Forbidden the 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            raise PermissionDenied(exc.detail) from None

    return login_required(wrapper)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- Alerts ------------------------------------------------------------------------


@page
def alert_list(request: SignedInRequest) -> HttpResponse:
    """Risk alerts of the customers the user may see, open ones first."""
    permissions.require(request.user, permissions.VIEW, ALERT)
    status = request.GET.get("status", "active")
    rows = selectors.alerts(request.user)
    if status == "active":
        rows = rows.filter(status__in=["open", "acknowledged"])
    elif status in RiskAlert.Status.values:
        rows = rows.filter(status=status)
    if company := _int(request.GET.get("company")):
        rows = rows.filter(company_id=company)
    alerts = list(rows.order_by("-raised_at", "-id")[: PAGE_SIZE + 1])
    context = {
        "alerts": alerts[:PAGE_SIZE],
        "more": len(alerts) > PAGE_SIZE,
        "status": status,
        "statuses": [("active", _("Open and acknowledged")), *RiskAlert.Status.choices],
        "can_change": permissions.may(request.user, permissions.CHANGE, ALERT),
    }
    return render(request, "intelligence/insight/alert_list.html", context)


@page
def alert_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """One alert with the messages that raised it."""
    alert = selectors.get(selectors.alerts(request.user), pk)
    return _alert_page(
        request, alert, AlertNoteForm(initial={"version": alert.version})
    )


def _alert_page(
    request: SignedInRequest, alert: RiskAlert, form: AlertNoteForm, status: int = 200
) -> HttpResponse:
    found = selectors.evidence(request.user, alert.evidence)
    context = {
        "alert": alert,
        "evidence": [found[i] for i in alert.evidence if i in found],
        "hidden_evidence": len([i for i in alert.evidence if i not in found]),
        "form": form,
        "can_change": permissions.may(request.user, permissions.CHANGE, ALERT)
        and permissions.in_scope(request.user, alert),
    }
    return render(
        request, "intelligence/insight/alert_detail.html", context, status=status
    )


def _alert_action(
    request: SignedInRequest, pk: int, action: Callable[..., Any]
) -> HttpResponse:
    alert = selectors.get(selectors.alerts(request.user), pk)
    form = AlertNoteForm(request.POST)
    if not form.is_valid():
        return _alert_page(request, alert, form, status=422)
    try:
        action(
            request.user,
            alert,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except ValidationFailed as exc:
        for messages_ in exc.errors.values():
            for message in messages_:
                form.add_error(None, message)
        return _alert_page(request, alert, form, status=422)
    except PreconditionFailed:
        form.add_error(None, STALE)
        return _alert_page(request, alert, form, status=412)
    messages.success(request, _("Saved."))
    return redirect("intelligence:alert_detail", pk=alert.pk)


@require_POST
@page
def alert_acknowledge(request: SignedInRequest, pk: int) -> HttpResponse:
    """Say that someone is on it."""
    return _alert_action(request, pk, services.acknowledge_alert)


@require_POST
@page
def alert_resolve(request: SignedInRequest, pk: int) -> HttpResponse:
    """Close an alert."""
    return _alert_action(request, pk, services.resolve_alert)


# --- Rules -------------------------------------------------------------------------


@page
def rule_list(request: SignedInRequest) -> HttpResponse:
    """The risk rules, with what each counts and where."""
    permissions.require(request.user, permissions.VIEW, RULE)
    context = {
        "rules": list(selectors.rules(request.user).order_by("name")),
        "can": {
            action: permissions.may(request.user, action, RULE)
            for action in (permissions.ADD, permissions.CHANGE, permissions.DELETE)
        },
    }
    return render(request, "intelligence/insight/rule_list.html", context)


@page
def rule_form(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a risk rule; refused input comes back with the errors in place."""
    rule = selectors.get(selectors.rules(request.user), pk) if pk else None
    action = permissions.CHANGE if rule else permissions.ADD
    permissions.require(request.user, action, RULE)
    form = RiskRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                services.create_rule(request.user, form.data_for_service())
            else:
                services.update_rule(
                    request.user,
                    rule,
                    form.data_for_service(),
                    form.cleaned_data["version"],
                )
        except ValidationFailed as exc:
            form.show_errors(exc)
        except PreconditionFailed:
            form.add_error(None, STALE)
        else:
            messages.success(request, _("Saved."))
            return redirect("intelligence:rule_list")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "rule": rule}
    return render(
        request, "intelligence/insight/rule_form.html", context, status=status
    )


@require_POST
@page
def rule_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Delete a risk rule and its alerts."""
    rule = selectors.get(selectors.rules(request.user), pk)
    services.delete_rule(request.user, rule)
    messages.success(request, _("Deleted."))
    return redirect("intelligence:rule_list")


# --- Customer health ---------------------------------------------------------------


@page
def profile_list(request: SignedInRequest) -> HttpResponse:
    """Companies by health score, weakest first, with their risk."""
    permissions.require(request.user, permissions.VIEW, PROFILE)
    order = "-health" if request.GET.get("sort") == "-health" else "health"
    rows = list(
        selectors.profiles(request.user)
        .filter(kind="company")
        .order_by(order, "id")[:PAGE_SIZE]
    )
    ids = [p.company_id for p in rows if p.company_id is not None]
    risks = selectors.risk_of_companies(request.user, ids)
    context = {
        "rows": [(p, risks.get(p.company_id or 0)) for p in rows],
        "sort": order,
    }
    return render(request, "intelligence/insight/profile_list.html", context)
