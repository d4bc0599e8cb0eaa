"""What every projects endpoint shares: the router and small answer helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from rapport.core.api import WRITE_ERRORS, with_etag

if TYPE_CHECKING:
    from rapport.accounts.models import User

router = Router()

DELETED = {204: None, **WRITE_ERRORS}


def actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def one(response: HttpResponse, obj: Any) -> Any:
    with_etag(response, obj)
    return obj


def created(request: HttpRequest, response: HttpResponse, obj: Any, path: str) -> Any:
    with_etag(response, obj)
    response["Location"] = request.build_absolute_uri(f"/api/v1{path}/{obj.pk}")
    return Status(201, obj)


def deleted() -> HttpResponse:
    return HttpResponse(status=204)


def fields(payload: Any) -> dict[str, Any]:
    """The fields the caller sent."""
    return payload.dict(exclude_unset=True)  # type: ignore[no-any-return]


def exact(rows: QuerySet[Any], **lookups: Any) -> QuerySet[Any]:
    """Filter on each lookup whose value was given."""
    given = {name: value for name, value in lookups.items() if value not in (None, "")}
    return rows.filter(**given) if given else rows
