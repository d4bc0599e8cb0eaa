"""The REST API at /api/v1/: one NinjaAPI instance, a router per app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rapport.accounts.api import SessionAuth, TokenAuth
from rapport.accounts.api import router as accounts_router
from rapport.comms.api import router as comms_router
from rapport.core.api import COMMON_ERRORS, RapportAPI, caller
from rapport.core.search import search
from rapport.crm.api import router as crm_router
from rapport.intelligence.api import router as intelligence_router
from rapport.projects.api import router as projects_router

api = RapportAPI(
    title="Rapport API",
    version="1",
    description=(
        "CRM, projects and AI for companies that sell projects and services.\n\n"
        "Authenticate with a personal API token (`Authorization: Bearer rpt_…`) or "
        "the browser session (unsafe methods then need `X-CSRFToken`). Errors are "
        "`application/problem+json` with a stable `code`. Single-record answers "
        "carry an `ETag`; PATCH and DELETE accept `If-Match` (optional; when sent, a "
        "stale version is refused with 412). POST accepts `Idempotency-Key`: the "
        "same key and body within 24 hours replays the first answer. Lists are "
        "cursor-paginated: follow `next` or the `Link` header."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


class HitOut(Schema):
    """One search result the caller may open."""

    kind: str
    object_id: int
    title: str
    snippet: str
    url: str
    label: str


class SearchQuery(Schema):
    """What to search for, and in which kinds of record."""

    q: str = Field(..., min_length=1, max_length=200)
    kinds: list[str] | None = Field(
        None, description="Model labels such as crm.company."
    )
    limit: int = Field(20, ge=1, le=100)


search_router = Router(tags=["search"])


@search_router.get("/search", response={200: list[HitOut], **COMMON_ERRORS})
def search_records(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Records of every kind matching the text, among those the caller may see."""
    return search(caller(request), query.q, query.kinds, query.limit)


api.add_router("", accounts_router)
api.add_router("", crm_router)
api.add_router("", projects_router)
api.add_router("", comms_router)
api.add_router("", intelligence_router)
api.add_router("", search_router)
