"""What comms adds to the rest of Rapport at start-up: permissions, navigation,
message panels on company, contact and deal pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.permissions import ALL_ACTIONS, NO_DELETE, READ_ONLY, Role
from rapport.core.registry import (
    NavEntry,
    Panel,
    extend_permissions,
    register_nav,
    register_panel,
)

_ADD_VIEW = frozenset({"view", "add"})

extend_permissions(
    {
        Role.SALES_REP: {
            "comms.message": NO_DELETE,
            "comms.mailbox": ALL_ACTIONS,
            "comms.import": _ADD_VIEW,
        },
        Role.SALES_MANAGER: {
            "comms.message": ALL_ACTIONS,
            "comms.mailbox": ALL_ACTIONS,
            "comms.import": ALL_ACTIONS,
        },
        Role.PROJECT_MANAGER: {
            "comms.message": NO_DELETE,
            "comms.mailbox": ALL_ACTIONS,
            "comms.import": _ADD_VIEW,
        },
        Role.SUPPORT: {
            "comms.message": NO_DELETE,
            "comms.mailbox": ALL_ACTIONS,
            "comms.import": _ADD_VIEW,
        },
        Role.EXECUTIVE: {"comms.message": READ_ONLY, "comms.import": READ_ONLY},
        Role.FINANCE: {"comms.message": READ_ONLY},
        Role.ADMIN: {
            "comms.message": ALL_ACTIONS,
            "comms.mailbox": ALL_ACTIONS,
            "comms.import": ALL_ACTIONS,
        },
    }
)

_GROUP = _("Communication")
register_nav(
    NavEntry(_GROUP, _("Messages"), "comms:message_list", "comms.message", 40),
    NavEntry(_GROUP, _("Imports"), "comms:import_list", "comms.import", 41),
    NavEntry(_GROUP, _("Mailboxes"), "comms:mailbox_list", "comms.mailbox", 42),
)


def _register_panels() -> None:
    from rapport.comms.views import messages_panel

    for kind, field in (
        ("crm.company", "company"),
        ("crm.contact", "contact"),
        ("crm.deal", "deal"),
    ):
        register_panel(
            Panel(
                kind=kind,
                name="comms.messages",
                render=messages_panel(field),
                order=30,
                column="side",
            )
        )


_register_panels()
