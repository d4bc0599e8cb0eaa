"""Pages of the AI engine: insight (profiles, rules, alerts) and models."""

from rapport.intelligence.insight.urls import urlpatterns as insight_patterns
from rapport.intelligence.ml.urls import urlpatterns as ml_patterns

app_name = "intelligence"

urlpatterns = [*insight_patterns, *ml_patterns]
