"""What insight adds to Rapport at start-up: permissions, navigation, panels, badges.

Imported by `IntelligenceConfig.ready`; importing it twice is harmless.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.permissions import ALL_ACTIONS, READ_ONLY, Role
from rapport.core.registry import (
    NavEntry,
    Panel,
    extend_permissions,
    register_nav,
    register_panel,
)
from rapport.intelligence.insight import consumers, tasks  # noqa: F401

_VIEW_CHANGE = frozenset({"view", "change"})
_READ = {
    "intelligence.messageanalysis": READ_ONLY,
    "intelligence.customerprofile": READ_ONLY,
    "intelligence.customerrisk": READ_ONLY,
    "intelligence.riskrule": READ_ONLY,
}
# Everyone who can see a customer sees its insight; those who work the customer
# handle its alerts; managers and administrators edit the rules.
extend_permissions(
    {
        Role.SALES_REP: _READ | {"intelligence.riskalert": _VIEW_CHANGE},
        Role.PROJECT_MANAGER: _READ | {"intelligence.riskalert": _VIEW_CHANGE},
        Role.SUPPORT: _READ | {"intelligence.riskalert": _VIEW_CHANGE},
        Role.SALES_MANAGER: _READ
        | {
            "intelligence.riskalert": _VIEW_CHANGE,
            "intelligence.riskrule": ALL_ACTIONS,
        },
        Role.EXECUTIVE: _READ | {"intelligence.riskalert": READ_ONLY},
        Role.FINANCE: _READ | {"intelligence.riskalert": READ_ONLY},
        Role.ADMIN: _READ
        | {
            "intelligence.riskalert": _VIEW_CHANGE,
            "intelligence.riskrule": ALL_ACTIONS,
        },
    }
)

_GROUP = _("Insight")
register_nav(
    NavEntry(
        _GROUP,
        _("Risk alerts"),
        "intelligence:alert_list",
        "intelligence.riskalert",
        50,
    ),
    NavEntry(
        _GROUP,
        _("Customer health"),
        "intelligence:profile_list",
        "intelligence.customerprofile",
        51,
    ),
    NavEntry(
        _GROUP, _("Risk rules"), "intelligence:rule_list", "intelligence.riskrule", 52
    ),
)


def _register_panels() -> None:
    from rapport.intelligence.insight import panels

    for kind in ("crm.company", "crm.contact"):
        register_panel(
            Panel(
                kind=kind,
                name="insight.profile",
                render=panels.profile_panel,
                order=20,
                column="main",
            )
        )
    panels.register_badges()


_register_panels()
