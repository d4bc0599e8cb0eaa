"""The REST API at /api/v1/: one NinjaAPI instance, a router per app."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Rapport API",
    version="1",
    description="CRM, projects and AI for companies that sell projects and services.",
    urls_namespace="api",
)
