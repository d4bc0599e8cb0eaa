"""The AI engine's endpoints: insight and models, each from its own router."""

from ninja import Router

from rapport.intelligence.insight.api import router as insight_router
from rapport.intelligence.ml.api import router as ml_router

router = Router()
router.add_router("", insight_router)
router.add_router("", ml_router)
