"""Pages of the models: registry per kind, churn list and the review queue.

Views are thin: they read through `ml.selectors`, write through `ml.services`,
and turn refused actions into a message on the page they came from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import permissions
from rapport.core.errors import Forbidden, NotFound, RapportError, ValidationFailed
from rapport.intelligence.ml import selectors, services, words
from rapport.intelligence.models import ModelKind, ModelVersion, ReviewItem

logger = logging.getLogger(__name__)
MODEL = "intelligence.modelversion"


def page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; NotFound is a 404 page, Forbidden a 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from None

    return login_required(wrapper)


def _user(request: HttpRequest) -> Any:
    """The signed-in user (the `page` decorator has checked the sign-in)."""
    return request.user


def _kind(kind: str) -> ModelKind:
    try:
        return ModelKind(kind)
    except ValueError:
        raise NotFound() from None


def _refused(request: HttpRequest, exc: RapportError) -> None:
    if isinstance(exc, ValidationFailed):
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.error(request, exc.detail)


@page
def models_overview(request: HttpRequest) -> HttpResponse:
    """Every kind of model with its active and newest version."""
    permissions.require(_user(request), "view", MODEL)
    rows = []
    latest: dict[str, ModelVersion] = {}
    active: dict[str, ModelVersion] = {}
    for version in selectors.versions(_user(request)).order_by("kind", "-number")[:500]:
        latest.setdefault(version.kind, version)
        if version.status == ModelVersion.Status.ACTIVE:
            active[version.kind] = version
    for kind in ModelKind:
        rows.append(
            {"kind": kind, "latest": latest.get(kind), "active": active.get(kind)}
        )
    return render(request, "intelligence/ml/models.html", {"rows": rows})


def _chart(versions: list[ModelVersion], kind: str) -> dict[str, Any]:
    ordered = sorted(versions, key=lambda v: v.number)
    x = [f"v{v.number}" for v in ordered]
    if kind in (ModelKind.CLV, ModelKind.DELAY):
        series = [
            {"name": _("MAE"), "y": [v.metrics.get("mae") for v in ordered]},
            {
                "name": _("Baseline MAE"),
                "y": [v.metrics.get("baseline", {}).get("mae") for v in ordered],
            },
        ]
    else:
        series = [
            {"name": "AUC", "y": [v.metrics.get("auc") for v in ordered]},
            {
                "name": _("Baseline AUC"),
                "y": [v.metrics.get("baseline", {}).get("auc") for v in ordered],
            },
            {"name": _("Log loss"), "y": [v.metrics.get("log_loss") for v in ordered]},
            {"name": _("Brier score"), "y": [v.metrics.get("brier") for v in ordered]},
        ]
    return {"kind": "scatter", "x": x, "series": series} if ordered else {}


def _calibration(version: ModelVersion | None) -> dict[str, Any]:
    curve = (version.metrics.get("calibration") if version else None) or []
    if not curve:
        return {}
    return {
        "kind": "scatter",
        "x": [round(p["predicted"], 3) for p in curve],
        "series": [
            {"name": _("Observed rate"), "y": [round(p["observed"], 3) for p in curve]},
            {
                "name": _("Perfect calibration"),
                "y": [round(p["predicted"], 3) for p in curve],
            },
        ],
        "xTitle": _("Predicted probability"),
    }


@page
def model_detail(request: HttpRequest, kind: str) -> HttpResponse:
    """One kind: its versions, metric charts, calibration, fairness, actions."""
    permissions.require(_user(request), "view", MODEL)
    model_kind = _kind(kind)
    versions = list(selectors.versions(_user(request), kind).order_by("-number")[:50])
    chosen = None
    wanted = request.GET.get("v", "")
    for version in versions:
        if (wanted and str(version.pk) == wanted) or (
            not wanted and version.status == "active"
        ):
            chosen = version
    if chosen is None and versions and not wanted:
        chosen = versions[0]
    if wanted and chosen is None:
        raise NotFound()
    alerts = list(selectors.alerts(_user(request), chosen)) if chosen else []
    context = {
        "kind": model_kind,
        "versions": versions,
        "chosen": chosen,
        "chosen_rows": (chosen.params.get("rows") or chosen.params.get("projects"))
        if chosen
        else None,
        "alerts": alerts,
        "chart": _chart(versions, kind),
        "calibration": _calibration(chosen),
        "can_change": permissions.may(_user(request), "change", MODEL),
        "can_train": permissions.may(_user(request), "add", MODEL),
        "has_retired": any(v.status == "retired" and v.activated_at for v in versions),
        "classifier": kind not in (ModelKind.CLV, ModelKind.DELAY),
    }
    return render(request, "intelligence/ml/model.html", context)


def _attempt(
    request: HttpRequest, action: Callable[[], Any], success: Callable[[Any], str]
) -> None:
    """Run a service call; show its refusal (never a 403/404) or its success."""
    try:
        result = action()
    except RapportError as exc:
        if isinstance(exc, Forbidden | NotFound):
            raise
        _refused(request, exc)
    else:
        messages.success(request, success(result))


@page
@require_POST
def train(request: HttpRequest, kind: str) -> HttpResponse:
    """Queue a training job for this kind."""
    _kind(kind)
    _attempt(
        request,
        lambda: services.start_training(_user(request), kind),
        lambda job: (
            _(
                "Training started (job %(id)d). The new version appears here "
                "when it is done."
            )
            % {"id": job.pk}
        ),
    )
    return redirect("intelligence:ml_model", kind=kind)


@page
@require_POST
def activate(request: HttpRequest, kind: str, version_id: int) -> HttpResponse:
    """Activate one version (with a reason if a fairness alert is open)."""
    version = selectors.versions(_user(request), kind).filter(pk=version_id).first()
    if version is None:
        raise NotFound()
    _attempt(
        request,
        lambda: services.activate(
            _user(request), version, request.POST.get("reason", "")
        ),
        lambda done: _("%(version)s is now active.") % {"version": done},
    )
    return redirect(f"{reverse('intelligence:ml_model', args=[kind])}?v={version.pk}")


@page
@require_POST
def rollback(request: HttpRequest, kind: str) -> HttpResponse:
    """Go back to the previously active version."""
    _kind(kind)
    _attempt(
        request,
        lambda: services.rollback(_user(request), kind, request.POST.get("reason", "")),
        lambda done: _("Rolled back to %(version)s.") % {"version": done},
    )
    return redirect("intelligence:ml_model", kind=kind)


@page
def churn(request: HttpRequest) -> HttpResponse:
    """The visible customers at the highest risk of churning, with reasons."""
    permissions.require(_user(request), "view", "intelligence.prediction")
    rows = [
        {
            "company": c,
            "percent": round(c.churn * 100),
            "reasons": words.sentences(c.churn_factors or []),
        }
        for c in selectors.churn_list(_user(request))
    ]
    return render(request, "intelligence/ml/churn.html", {"rows": rows})


@page
def review(request: HttpRequest) -> HttpResponse:
    """The human review queue: proposed automated actions waiting for a decision."""
    permissions.require(_user(request), "view", "intelligence.reviewitem")
    status = request.GET.get("status", "pending")
    if status not in ReviewItem.Status.values:
        status = "pending"
    items = list(selectors.review_queue(_user(request), status).order_by("-id")[:100])
    return render(
        request,
        "intelligence/ml/review.html",
        {
            "items": items,
            "status": status,
            "statuses": ReviewItem.Status.choices,
            "can_decide": permissions.may(
                _user(request), "change", "intelligence.reviewitem"
            ),
        },
    )


@page
@require_POST
def decide(request: HttpRequest, item_id: int) -> HttpResponse:
    """Approve or reject one review item with a reason."""
    item = selectors.review_queue(_user(request), None).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    choice = request.POST.get("decision")
    version = request.POST.get("version", "")

    def decide_item() -> Any:
        if choice not in ("approve", "reject"):
            raise ValidationFailed({"decision": [_("Choose approve or reject.")]})
        return services.decide(
            _user(request),
            item,
            choice == "approve",
            request.POST.get("reason", ""),
            int(version) if version.isdigit() else None,
        )

    _attempt(request, decide_item, lambda _done: _("Decision recorded."))
    return redirect("intelligence:ml_review")
