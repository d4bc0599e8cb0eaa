"""What insight reads from the business apps, all through their selectors.

The worker reads as `SYSTEM`, an actor whose role and scope see every record;
pages read as the signed-in user, so evidence outside their scope stays hidden.
Keeping every such read here means one file to change when a selector does.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet

from rapport.comms import selectors as comms
from rapport.crm import selectors as crm


@dataclass(frozen=True)
class _SystemActor:
    """The worker reading on nobody's behalf: every record, no writes of its own."""

    pk: None = None
    role: str = "admin"
    data_scope: str = "all"
    team_id: None = None
    is_active: bool = True


SYSTEM: Any = _SystemActor()


def messages(ids: Iterable[int]) -> list[Any]:
    """The messages with these ids, with their contacts, oldest first."""
    return list(
        comms.messages(SYSTEM)
        .filter(pk__in=list(ids))
        .prefetch_related("contacts")
        .order_by("sent_at", "id")
    )


def visible_messages(user: Any, ids: Iterable[int]) -> dict[int, Any]:
    """The messages among `ids` that `user` may see, by id (one query)."""
    rows = (
        comms.messages(user)
        .filter(pk__in=list(ids))
        .select_related(None)
        .only("id", "subject", "text", "sent_at", "channel", "direction")
    )
    return {message.pk: message for message in rows}


def message_ids(**filters: Any) -> QuerySet[Any]:
    """Ids of all messages matching `filters`, oldest first (for batch work)."""
    return (
        comms.messages(SYSTEM).filter(**filters).order_by("sent_at", "id")
    ).values_list("id", flat=True)


def message_url(message_id: int) -> str:
    return f"/comms/messages/{message_id}/"


def companies(ids: Iterable[int]) -> dict[int, Any]:
    """Companies by id, unscoped (for owners, teams and names)."""
    return {c.pk: c for c in crm.companies(SYSTEM).filter(pk__in=list(ids))}


def contacts(ids: Iterable[int]) -> dict[int, Any]:
    """Contacts by id, unscoped (for owners and teams)."""
    rows = crm.contacts(SYSTEM).filter(pk__in=list(ids)).prefetch_related(None)
    return {c.pk: c for c in rows}


_DICTIONARY: dict[str, Any] = {"at": 0.0, "value": None}
DICTIONARY_TTL = 600.0


def dictionary() -> Any:
    """The NLP domain dictionary from the CRM's products and customers (cached)."""
    if _DICTIONARY["value"] is not None and (
        time.monotonic() - _DICTIONARY["at"] < DICTIONARY_TTL
    ):
        return _DICTIONARY["value"]
    from rapport.intelligence.nlp import DomainDictionary

    products = list(crm.products(SYSTEM).values_list("name", flat=True)[:5000])
    customers = list(crm.companies(SYSTEM).values_list("name", flat=True)[:20000])
    value = DomainDictionary(products=products, customers=customers)
    _DICTIONARY.update(at=time.monotonic(), value=value)
    return value


def forget_dictionary() -> None:
    _DICTIONARY.update(at=0.0, value=None)


@dataclass(frozen=True)
class ProjectRef:
    """An open project of a customer and the person managing it."""

    id: int
    name: str
    manager_id: int


def open_projects(company_id: int) -> list[ProjectRef]:
    """The customer's open projects, or none when the projects app cannot say."""
    try:
        import rapport.projects.selectors as projects
    except ImportError:  # the projects app has no selectors yet
        return []
    finder = getattr(projects, "open_projects_of_company", None)
    if finder is None:
        return []
    return [ProjectRef(p.pk, str(p), p.owner_id) for p in finder(SYSTEM, company_id)]


def set_project_risk(company_id: int, *, at_risk: bool) -> int:
    """Give the customer's open projects a high risk level, or back to normal.

    The projects' risk list weighs what is at stake by this level.
    """
    from rapport.projects import services as projects

    # Levels of `Project.Risk`; the services check them (apps meet only there).
    return projects.set_customer_risk(company_id, "high" if at_risk else "normal")


def channels() -> Sequence[tuple[str, str]]:
    """The message channels (value, label), as the comms app defines them."""
    from rapport.intelligence.models import MessageAnalysis

    message = MessageAnalysis._meta.get_field("message").related_model
    field = cast(Any, message)._meta.get_field("channel")
    return [(str(value), str(label)) for value, label in field.choices or []]
