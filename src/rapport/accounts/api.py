"""API authentication (tokens and sessions), the signed-in user and personal tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rapport.accounts import services
from rapport.accounts.models import ApiToken, User
from rapport.accounts.schemas import (
    JobFilter,
    JobOut,
    MarkedOut,
    MarkReadIn,
    MeOut,
    NotificationFilter,
    NotificationOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from rapport.core import services as core_services
from rapport.core.api import (
    COMMON_ERRORS,
    SAFE_METHODS,
    Id,
    Page,
    ProblemOut,
    caller,
    paginate,
)
from rapport.core.errors import Forbidden, NotFound
from rapport.core.models import Job, Notification

router = Router(tags=["account"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rpt_…`, a personal token; a read-only one only reads."""

    def __call__(self, request: HttpRequest) -> Any:
        if hasattr(request, "_rapport_token_user"):  # already checked for this request
            return request._rapport_token_user
        header = request.headers.get("Authorization", "")
        if header and not header.lower().startswith("bearer "):
            raise AuthenticationError()
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = services.authenticate_token(token.strip())
        if found is None:
            # A wrong token is refused outright, even beside a valid session.
            raise AuthenticationError()
        user, api_token = found
        if (
            api_token.access == ApiToken.Access.READ
            and request.method not in SAFE_METHODS
        ):
            raise Forbidden(_("This API token is read-only."), code="token_read_only")
        request.api_token = api_token  # type: ignore[attr-defined]
        request._rapport_token_user = user  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in user; unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        unsafe = request.method not in SAFE_METHODS
        if unsafe and request.user.is_authenticated and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user  # type: ignore[return-value]
        return None


# --- The signed-in user ---------------------------------------------------------------


@router.get("/me", response={200: MeOut, **COMMON_ERRORS})
def get_me(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user: role, data scope and team."""
    user: User = caller(request)
    token = getattr(request, "api_token", None)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "email": user.email,
        "role": user.role,
        "data_scope": user.data_scope,
        "team": user.team,
        "language": user.language,
        "token_access": token.access if token else None,
    }


# --- Personal API tokens --------------------------------------------------------------


@router.get("/tokens", response={200: list[TokenOut], **COMMON_ERRORS})
def list_tokens(request: HttpRequest) -> Any:
    """The caller's own API tokens, newest first (secrets are never shown)."""
    return ApiToken.objects.filter(user=caller(request)).order_by("-created_at", "-id")


@router.post("/tokens", response={201: TokenCreatedOut, **COMMON_ERRORS})
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    """Create a personal API token; its secret is in this answer only."""
    token, raw = services.create_api_token(
        caller(request),
        payload.name,
        payload.access,
        payload.expires_at,
    )
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}", response={204: None, 404: ProblemOut, 401: ProblemOut}
)
def revoke_token(request: HttpRequest, token_id: Id) -> HttpResponse:
    """Revoke one of the caller's tokens; it stops working at once."""
    services.revoke_api_token(caller(request), token_id)
    return HttpResponse(status=204)


# --- Notifications and jobs of the caller ---------------------------------------------


@router.get("/notifications", response={200: Page[NotificationOut], **COMMON_ERRORS})
def list_notifications(
    request: HttpRequest,
    response: HttpResponse,
    query: Query[NotificationFilter],
) -> dict[str, Any]:
    """The caller's notifications, newest first; `unread=true` for unread only."""
    rows = Notification.objects.filter(recipient=caller(request))
    if query.unread is not None:
        rows = rows.filter(read_at__isnull=query.unread)
    return paginate(request, response, rows, query)


@router.post("/notifications/read", response={200: MarkedOut, **COMMON_ERRORS})
def mark_notifications_read(
    request: HttpRequest, payload: MarkReadIn
) -> dict[str, int]:
    """Mark the caller's notifications read: the listed ones, or all."""
    return {"marked": core_services.mark_read(caller(request), payload.ids)}


@router.get("/jobs", response={200: Page[JobOut], **COMMON_ERRORS})
def list_jobs(
    request: HttpRequest,
    response: HttpResponse,
    query: Query[JobFilter],
) -> dict[str, Any]:
    """The background jobs the caller started, newest first."""
    rows = Job.objects.filter(user=caller(request))
    if query.status:
        rows = rows.filter(status=query.status)
    if query.kind:
        rows = rows.filter(kind=query.kind)
    return paginate(request, response, rows, query)


@router.get("/jobs/{job_id}", response={200: JobOut, **COMMON_ERRORS})
def get_job(request: HttpRequest, job_id: Id) -> Job:
    """One of the caller's jobs; another user's job is not found."""
    job = Job.objects.filter(user=caller(request), pk=job_id).first()
    if job is None:
        raise NotFound()
    return job
