"""REST endpoints of the ml part of the AI engine."""

from ninja import Router

router = Router(tags=["ml"])
