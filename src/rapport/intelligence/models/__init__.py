"""The AI engine's own tables: what it read from messages and what it predicted.

Split by aggregate: `insight` (message analysis, customer profiles, risk rules and
alerts) and `ml` (model versions, predictions, fairness reports, the review queue).
"""

from rapport.intelligence.models.insight import *  # noqa: F403
from rapport.intelligence.models.ml import *  # noqa: F403
