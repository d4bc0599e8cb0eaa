"""Start-up registrations of the ml part: permissions, jobs, consumers, panels, nav."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

import rapport.intelligence.ml.providers_comms  # noqa: F401 - registers
from rapport.core.registry import (
    NavEntry,
    Panel,
    extend_permissions,
    register_nav,
    register_panel,
)
from rapport.intelligence.ml import consumers, tasks, trainers  # noqa: F401 - registers
from rapport.intelligence.ml.delay_panel import estimator, project_panel
from rapport.intelligence.ml.panels import company_panel, deal_panel, lead_panel
from rapport.projects.selectors import register_delay_estimator

VIEW = {"view"}
ALL = {"view", "add", "change", "delete"}
PREDICTION = "intelligence.prediction"
MODEL = "intelligence.modelversion"
REVIEW = "intelligence.reviewitem"
ALERT = "intelligence.fairnessalert"

extend_permissions(
    {
        "sales_rep": {PREDICTION: VIEW},
        "sales_manager": {
            PREDICTION: VIEW,
            MODEL: VIEW,
            REVIEW: {"view", "change"},
            ALERT: VIEW,
        },
        "project_manager": {PREDICTION: VIEW},
        "executive": {PREDICTION: VIEW, MODEL: VIEW, REVIEW: VIEW, ALERT: VIEW},
        "finance": {PREDICTION: VIEW},
        "support": {PREDICTION: VIEW},
        "admin": {PREDICTION: VIEW, MODEL: ALL, REVIEW: {"view", "change"}, ALERT: ALL},
    }
)

register_nav(
    NavEntry(_("Intelligence"), _("Models"), "intelligence:ml_models", MODEL, 60),
    NavEntry(_("Intelligence"), _("Churn risk"), "intelligence:ml_churn", MODEL, 61),
    NavEntry(
        _("Intelligence"), _("Review queue"), "intelligence:ml_review", REVIEW, 62
    ),
)

register_panel(Panel("crm.deal", "ml.win_probability", deal_panel, order=20))
register_panel(Panel("crm.lead", "ml.conversion", lead_panel, order=20))
register_panel(Panel("crm.company", "ml.churn", company_panel, order=20))
register_panel(Panel("projects.project", "ml.delay", project_panel, order=20))

# The projects app's risk alerts ask this first: the active delay model's
# latest stored forecast (made by the worker), else its own estimate.
register_delay_estimator("ml.delay", estimator)
