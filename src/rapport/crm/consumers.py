"""CRM reactions to domain events, run by the worker after the change committed.

Each consumer is idempotent: notifications carry a dedupe key made from the
event id, so a redelivered event notifies nobody twice.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django.utils.translation import override

from rapport.accounts import selectors as account_selectors
from rapport.core.events import consumer
from rapport.core.models import OutboxEvent
from rapport.core.services import notify
from rapport.crm.models import Deal, Lead

logger = logging.getLogger(__name__)


def _language(user: object) -> str:
    return getattr(user, "language", "") or "en"


@consumer("deal.won", name="crm.notify_team_manager_of_won_deal")
def notify_team_manager_of_won_deal(event: OutboxEvent) -> None:
    """Tell the owner's team manager that a deal was won."""
    deal = (
        Deal.objects.select_related("owner", "team", "company")
        .filter(pk=event.payload.get("id"))
        .first()
    )
    if deal is None or deal.team is None or deal.team.manager_id is None:
        return
    manager = account_selectors.get_user(deal.team.manager_id)
    if manager is None or manager.pk == event.actor_id:
        return
    with override(_language(manager)):
        title = _("Deal won: %(deal)s (%(company)s)") % {
            "deal": deal.title,
            "company": deal.company.name,
        }
        body = _("%(owner)s won %(amount)s %(currency)s.") % {
            "owner": deal.owner,
            "amount": f"{deal.amount:,.2f}",
            "currency": deal.currency,
        }
    notify(
        [manager],
        title,
        body,
        url=f"/crm/deals/{deal.pk}/",
        kind="deal.won",
        dedupe_key=f"event:{event.pk}",
    )


@consumer("lead.created", name="crm.notify_assigned_lead_owner")
def notify_assigned_lead_owner(event: OutboxEvent) -> None:
    """Tell a person that someone else gave them a new lead."""
    lead = (
        Lead.objects.select_related("owner").filter(pk=event.payload.get("id")).first()
    )
    if lead is None or lead.owner_id == event.actor_id:
        return
    with override(_language(lead.owner)):
        title = _("New lead assigned to you: %(title)s") % {"title": lead.title}
    notify(
        [lead.owner],
        title,
        lead.company_name,
        url=f"/crm/leads/{lead.pk}/",
        kind="lead.assigned",
        dedupe_key=f"event:{event.pk}",
    )
