"""REST endpoints of the ml part: registry, training, predictions, review, alerts.

Reads go through `ml.selectors` (scoped to the caller), writes through
`ml.services` (which check the role and audit). A prediction is shown only for
a record the caller can see; review items follow the data scope of the record's
owner and team.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.core import permissions
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
from rapport.core.errors import NotFound, ValidationFailed
from rapport.crm import selectors as crm
from rapport.intelligence.ml import selectors, services, words
from rapport.intelligence.ml.schemas import (
    AlertOut,
    DecisionIn,
    JobOut,
    ModelVersionOut,
    PredictionOut,
    ReasonIn,
    ResolutionIn,
    ReviewFilter,
    ReviewItemOut,
    VersionFilter,
)
from rapport.intelligence.models import ModelKind, ModelVersion, ReviewItem
from rapport.projects import selectors as projects

router = Router(tags=["ml"])

SUBJECTS = {
    "crm.deal": (crm.deals, ["deal_conversion"]),
    "crm.lead": (crm.leads, ["lead_conversion"]),
    "crm.company": (crm.companies, ["churn", "clv"]),
    "projects.project": (projects.projects, ["delay"]),
}


def _version(user: Any, version_id: int) -> ModelVersion:
    version = selectors.versions(user).filter(pk=version_id).first()
    if version is None:
        raise NotFound()
    return version


@router.get("/ml/models", response={200: Page[ModelVersionOut], **COMMON_ERRORS})
def list_versions(
    request: HttpRequest, response: HttpResponse, query: Query[VersionFilter]
) -> Any:
    """Model versions in the registry, newest first."""
    user = caller(request)
    permissions.require(user, "view", "intelligence.modelversion")
    rows = selectors.versions(user, query.kind)
    if query.status:
        rows = rows.filter(status=query.status)
    return paginate(request, response, rows, query)


@router.get("/ml/models/{version_id}", response={200: ModelVersionOut, **COMMON_ERRORS})
def get_version(request: HttpRequest, response: HttpResponse, version_id: Id) -> Any:
    """One model version with its metrics and fairness report."""
    user = caller(request)
    permissions.require(user, "view", "intelligence.modelversion")
    version = _version(user, version_id)
    with_etag(response, version)
    return version


@router.post("/ml/kinds/{kind}/train", response={202: JobOut, **WRITE_ERRORS})
def train(request: HttpRequest, kind: str) -> Any:
    """Queue a training job; the new version is a candidate until activated."""
    if kind not in ModelKind.values:
        raise NotFound()
    job = services.start_training(caller(request), kind)
    return Status(202, {"job_id": job.pk, "kind": kind})


@router.post(
    "/ml/models/{version_id}/activate", response={200: ModelVersionOut, **WRITE_ERRORS}
)
def activate(
    request: HttpRequest, response: HttpResponse, version_id: Id, payload: ReasonIn
) -> Any:
    """Make this version active (with a reason while a fairness alert is open)."""
    user = caller(request)
    version = _version(user, version_id)
    expected = expected_version(request, version)
    if expected is not None and expected != version.version:
        from rapport.core.errors import PreconditionFailed

        raise PreconditionFailed()
    version = services.activate(user, version, payload.reason)
    with_etag(response, version)
    return version


@router.post(
    "/ml/kinds/{kind}/rollback", response={200: ModelVersionOut, **WRITE_ERRORS}
)
def rollback(
    request: HttpRequest, response: HttpResponse, kind: str, payload: ReasonIn
) -> Any:
    """Reactivate the version that was active before the current one."""
    if kind not in ModelKind.values:
        raise NotFound()
    version = services.rollback(caller(request), kind, payload.reason)
    with_etag(response, version)
    return version


@router.get("/ml/predictions", response={200: list[PredictionOut], **COMMON_ERRORS})
def predictions(request: HttpRequest, subject_kind: str, subject_id: Id) -> Any:
    """Newest scores of a visible deal, lead, company or project (delay: in days)."""
    user = caller(request)
    if subject_kind not in SUBJECTS:
        raise ValidationFailed.single(
            "subject_kind", "crm.deal, crm.lead, crm.company or projects.project"
        )
    scoped, kinds = SUBJECTS[subject_kind]
    crm.get(scoped(user), subject_id)  # 404 outside the caller's scope
    out = []
    for kind in kinds:
        found = selectors.latest_prediction(user, subject_kind, subject_id, kind)
        if found is None:
            continue
        currency = words.currency_of(found.model_version)
        out.append(
            {
                "model_kind": kind,
                "model_version": found.model_version.number,
                "score": found.score,
                "factors": [
                    f
                    | {
                        "text": words.delay_sentence(f)
                        if kind == ModelKind.DELAY
                        else words.sentence(f, currency)
                    }
                    for f in found.factors
                ],
                "created_at": found.created_at,
            }
        )
    return out


@router.get("/ml/review", response={200: Page[ReviewItemOut], **COMMON_ERRORS})
def review_queue(
    request: HttpRequest, response: HttpResponse, query: Query[ReviewFilter]
) -> Any:
    """Review items inside the caller's data scope (default: all statuses)."""
    rows = selectors.review_queue(caller(request), query.status)
    return paginate(request, response, rows, query)


def _item(user: Any, item_id: int) -> ReviewItem:
    item = selectors.review_queue(user, None).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


@router.get("/ml/review/{item_id}", response={200: ReviewItemOut, **COMMON_ERRORS})
def get_item(request: HttpRequest, response: HttpResponse, item_id: Id) -> Any:
    """One review item."""
    item = _item(caller(request), item_id)
    with_etag(response, item)
    return item


@router.post(
    "/ml/review/{item_id}/decide", response={200: ReviewItemOut, **WRITE_ERRORS}
)
def decide(
    request: HttpRequest, response: HttpResponse, item_id: Id, payload: DecisionIn
) -> Any:
    """Approve or reject a proposed action with a reason; If-Match is honoured."""
    user = caller(request)
    item = _item(user, item_id)
    item = services.decide(
        user, item, payload.approve, payload.reason, expected_version(request, item)
    )
    with_etag(response, item)
    return item


@router.post("/ml/alerts/{alert_id}/resolve", response={200: AlertOut, **WRITE_ERRORS})
def resolve_alert(request: HttpRequest, alert_id: Id, payload: ResolutionIn) -> Any:
    """Close a fairness alert with what was done about it (administrators)."""
    user = caller(request)
    alert = selectors.alerts(user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return services.resolve_alert(user, alert, payload.resolution)


@router.get("/ml/alerts", response={200: list[AlertOut], **COMMON_ERRORS})
def alerts(request: HttpRequest, status: str = "open") -> Any:
    """Fairness alerts (open by default), newest first."""
    rows = selectors.alerts(caller(request)).order_by("-id")
    if status:
        rows = rows.filter(status=status)
    return list(rows[:200])
