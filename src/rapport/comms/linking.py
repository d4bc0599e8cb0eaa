"""Find the company, contacts, deal and project a message belongs to.

In order: links given explicitly (API, CSV columns); the thread (a reply
inherits the links of the message it answers); the counterpart's e-mail address
or phone number (the sender of an inbound message, the recipients of an
outbound one); and last the counterpart's name when no address matched. The
project is the company's open project (the deal's, if it has several).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from rapport.comms.models import Message
from rapport.comms.parsing import Incoming
from rapport.crm import selectors as crm_selectors


@dataclass
class Links:
    """Where a message belongs and whose scope it takes."""

    company_id: int | None = None
    owner_id: int | None = None
    team_id: int | None = None
    deal_id: int | None = None
    project_id: int | None = None
    contact_ids: list[int] = field(default_factory=list)


def _variants(address: str) -> list[str]:
    """An address as stored by people: as given, lower-case, and digits only."""
    forms = {address, address.lower()}
    digits = re.sub(r"[^\d+]", "", address)
    if "@" not in address and len(digits) >= 6:
        forms |= {digits, digits.removeprefix("+86"), digits.lstrip("+")}
    return [f for f in forms if f]


def counterpart(incoming: Incoming) -> tuple[list[str], list[str]]:
    """The addresses and names of the customer side of a message."""
    if incoming.direction == "outbound":
        people = [
            (r.get("name", ""), r.get("address", "")) for r in incoming.recipients
        ]
    else:
        people = [(incoming.sender_name, incoming.sender_address)]
    addresses = [v for _, a in people if a for v in _variants(a)]
    names = [n for n, _ in people if n]
    return addresses, names


def _from_thread(incoming: Incoming) -> Message | None:
    keys = {k for k in (*incoming.references, incoming.in_reply_to) if k}
    if incoming.thread_key:
        keys.add(incoming.thread_key)
    if not keys:
        return None
    return (
        Message.objects.filter(company__isnull=False)
        .filter(thread_key__in=keys)
        .only("company_id", "deal_id", "project_id", "owner_id", "team_id")
        .order_by("-sent_at")
        .first()
    )


def _matches(
    addresses: list[str], names: list[str], memo: dict[Any, Any] | None
) -> list[dict[str, Any]]:
    """Contacts matching the addresses, else the names; remembered in `memo`
    (one import run), since the same people write many messages."""
    key = (tuple(addresses), tuple(names))
    if memo is not None and key in memo:
        return [dict(row) for row in memo[key]]
    rows = crm_selectors.message_links(addresses, []) if addresses else []
    if not rows and names:
        rows = crm_selectors.message_links([], names)
    if memo is not None:
        memo[key] = [dict(row) for row in rows]
    return rows


# Linking is the system's work, not a person's: it reads the projects app
# through its selectors as an actor that sees everything.
_SYSTEM = SimpleNamespace(
    pk=None, role="admin", data_scope="all", team_id=None, is_active=True
)


def _open_project(
    company_id: int, deal_id: int | None, memo: dict[Any, Any] | None
) -> int | None:
    """The company's open project (the deal's, when it has several), or None."""
    key = ("project", company_id, deal_id)
    if memo is not None and key in memo:
        return memo[key]  # type: ignore[no-any-return]
    from rapport.projects import selectors as project_selectors

    rows = list(
        project_selectors.open_projects_of_company(_SYSTEM, company_id).values_list(
            "id", "deal_id"
        )[:20]
    )
    found = next((pid for pid, did in rows if deal_id and did == deal_id), None)
    if found is None and len(rows) == 1:
        found = rows[0][0]
    if memo is not None:
        memo[key] = found
    return found


def resolve(incoming: Incoming, memo: dict[Any, Any] | None = None) -> Links:
    """The links of a message not yet stored (a few indexed queries)."""
    links = Links(
        deal_id=incoming.deal_id,
        project_id=incoming.project_id,
        contact_ids=list(incoming.contact_ids),
    )
    parent = _from_thread(incoming)
    if parent is not None:
        links.company_id = parent.company_id
        links.owner_id, links.team_id = parent.owner_id, parent.team_id
        links.deal_id = links.deal_id or parent.deal_id
        links.project_id = links.project_id or parent.project_id

    addresses, names = counterpart(incoming)
    rows = _matches(addresses, names, memo)
    if incoming.company_id:
        rows = [r for r in rows if r["company_id"] == incoming.company_id]
    elif links.company_id:
        rows = [r for r in rows if r["company_id"] == links.company_id] or []
    if rows and not links.company_id:
        best = Counter(r["company_id"] for r in rows).most_common(1)[0][0]
        rows = [r for r in rows if r["company_id"] == best]
        first = rows[0]
        links.company_id = best
        links.owner_id = first["company__owner_id"]
        links.team_id = first["company__team_id"]
        links.deal_id = links.deal_id or first["deal_id"]
    links.contact_ids = sorted({*links.contact_ids, *(r["id"] for r in rows)})
    if links.company_id and not links.project_id:
        links.project_id = _open_project(links.company_id, links.deal_id, memo)
    return links
