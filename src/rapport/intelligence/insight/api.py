"""REST endpoints of the insight part of the AI engine."""

from ninja import Router

router = Router(tags=["insight"])
