"""Insight reads: scoped analyses, profiles, alerts, rules and customer risks.

Every function that takes a user returns only what that user's data scope
allows. `customer_risks` and `risk_of_companies` are for other apps (the
projects risk ranking): plain values, no models of ours leak out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone

from rapport.core import permissions
from rapport.core.errors import NotFound
from rapport.intelligence.insight import aggregates, sources
from rapport.intelligence.models import (
    CustomerProfile,
    CustomerRisk,
    MessageAnalysis,
    RiskAlert,
    RiskRule,
)


def analyses(user: Any) -> QuerySet[MessageAnalysis]:
    return permissions.visible(user, MessageAnalysis.objects.all())


def analyses_of(user: Any, message_ids: Iterable[int]) -> dict[int, MessageAnalysis]:
    """The analyses of these messages the user may see, by message id."""
    rows = analyses(user).filter(message_id__in=list(message_ids))
    return {row.message_id: row for row in rows}


def is_analysed(message_id: int) -> bool:
    """Whether a message has its analysis (unscoped: for the worker)."""
    return MessageAnalysis.objects.filter(message_id=message_id).exists()


def analyses_for_messages(message_ids: Iterable[int]) -> dict[int, MessageAnalysis]:
    """The analyses of messages the caller already showed the viewer, by message id."""
    rows = MessageAnalysis.objects.filter(message_id__in=list(message_ids)).only(
        "message_id", "sentiment", "label", "keywords"
    )
    return {row.message_id: row for row in rows}


def profiles(user: Any) -> QuerySet[CustomerProfile]:
    return permissions.visible(
        user, CustomerProfile.objects.select_related("company", "contact")
    )


def profile_of(
    user: Any, *, company_id: int | None = None, contact_id: int | None = None
) -> CustomerProfile | None:
    """The profile of one company or contact, if any and visible."""
    if company_id is not None:
        return profiles(user).filter(kind="company", company_id=company_id).first()
    if contact_id is not None:
        return profiles(user).filter(kind="contact", contact_id=contact_id).first()
    return None


def rules(user: Any) -> QuerySet[RiskRule]:
    return permissions.visible(user, RiskRule.objects.all())


def alerts(user: Any) -> QuerySet[RiskAlert]:
    return permissions.visible(
        user,
        RiskAlert.objects.select_related(
            "rule", "company", "acknowledged_by", "resolved_by"
        ),
    )


def get(queryset: QuerySet[Any], pk: Any) -> Any:
    """One record of an already scoped queryset, or NotFound."""
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass(frozen=True)
class Evidence:
    """A message shown as evidence: enough to link to it and recognise it."""

    id: int
    url: str
    sent_at: datetime
    channel: str
    inbound: bool
    summary: str
    sentiment: float | None = None


def evidence(user: Any, ids: Iterable[int]) -> dict[int, Evidence]:
    """The evidence messages among `ids` the user may see (two queries)."""
    wanted = list(dict.fromkeys(ids))
    messages = sources.visible_messages(user, wanted)
    scores = {
        a.message_id: a.sentiment
        for a in MessageAnalysis.objects.filter(message_id__in=list(messages)).only(
            "message_id", "sentiment"
        )
    }
    return {
        pk: Evidence(
            id=pk,
            url=sources.message_url(pk),
            sent_at=m.sent_at,
            channel=m.channel,
            inbound=m.direction == "inbound",
            summary=" ".join(f"{m.subject} {m.text}".split())[:120],
            sentiment=scores.get(pk),
        )
        for pk, m in messages.items()
    }


def figures(
    profile: CustomerProfile, now: datetime | None = None
) -> aggregates.Figures:
    """The profile's figures as of now (windows counted back from today)."""
    return aggregates.figures(
        profile.state or aggregates.empty_state(), now or timezone.now()
    )


def evidence_ids(got: aggregates.Figures, per_list: int = 5) -> list[int]:
    """The message ids a profile panel links to, most telling first."""
    ev = got.evidence
    ids: list[int] = [*ev["negative"][:per_list], *ev["recent"][:per_list]]
    for word, _count in got.needs[:5]:
        ids += ev["needs"].get(word, [])[:2]
    for pair in [*ev["replies_ours"][:3], *ev["replies_theirs"][:3]]:
        ids += [pair[0], pair[1]]
    return list(dict.fromkeys(i for i in ids if i))


# --- For other apps (projects risk ranking, dashboards) ---------------------------


@dataclass(frozen=True)
class RiskOfCustomer:
    """A customer's risk as other apps read it."""

    company_id: int
    at_risk: bool
    severity: str
    open_alerts: int
    reasons: tuple[str, ...]
    health: int | None = None


def risk_of_companies(
    user: Any, company_ids: Iterable[int]
) -> dict[int, RiskOfCustomer]:
    """Risk and health of these companies (those the user may see), two queries."""
    ids = list(company_ids)
    risks = {
        r.company_id: r
        for r in permissions.visible(user, CustomerRisk.objects.all()).filter(
            company_id__in=ids
        )
    }
    health = dict(
        profiles(user)
        .filter(kind="company", company_id__in=ids)
        .values_list("company_id", "health")
    )
    found = {}
    for company_id in set(risks) | set(health):
        risk = risks.get(company_id)
        found[company_id] = RiskOfCustomer(
            company_id=company_id,
            at_risk=bool(risk and risk.at_risk),
            severity=risk.severity if risk else "",
            open_alerts=risk.open_alerts if risk else 0,
            reasons=tuple(risk.reasons) if risk else (),
            health=health.get(company_id),
        )
    return found


def customer_risks(user: Any, limit: int = 50) -> list[RiskOfCustomer]:
    """The customers at risk now, worst first."""
    rows = (
        permissions.visible(user, CustomerRisk.objects.all())
        .filter(at_risk=True)
        .order_by("-open_alerts", "since")[:limit]
    )
    return [
        RiskOfCustomer(
            company_id=r.company_id,
            at_risk=True,
            severity=r.severity,
            open_alerts=r.open_alerts,
            reasons=tuple(r.reasons),
        )
        for r in rows
    ]
