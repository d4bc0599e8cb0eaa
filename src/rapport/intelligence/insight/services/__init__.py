"""Every insight write: analyses, profiles, risk rules and alerts.

Split by aggregate; import from here. Each function checks permission (when a
person acts), validates, and writes in one transaction with its audit entry
and event. The worker calls `analyse_messages`; pages and the API call the rest.
"""

from rapport.intelligence.insight.services.analysis import (
    analyse_messages,
    analyse_pending,
)
from rapport.intelligence.insight.services.profiles import (
    fold,
    rebuild_profiles,
    refresh_profile_figures,
    relink_analysis,
)
from rapport.intelligence.insight.services.risks import (
    acknowledge_alert,
    create_rule,
    delete_rule,
    install_default_rules,
    resolve_alert,
    run_rules,
    update_rule,
)

__all__ = [
    "acknowledge_alert",
    "analyse_messages",
    "analyse_pending",
    "create_rule",
    "delete_rule",
    "fold",
    "install_default_rules",
    "rebuild_profiles",
    "refresh_profile_figures",
    "relink_analysis",
    "resolve_alert",
    "run_rules",
    "update_rule",
]
