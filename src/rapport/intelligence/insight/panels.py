"""Insight on other apps' pages: the profile panel and the message badges.

The panel on a company or contact page shows the living profile (figures, a
trend chart, top needs, the open risk alerts) with links to the messages behind
each figure. Badges put each message's sentiment and keywords on the comms
timeline. Both read a handful of indexed rows and check the viewer's scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from rapport.core import permissions
from rapport.intelligence.insight import aggregates, selectors

PROFILE = "intelligence.customerprofile"


def profile_context(user: Any, record: Any, kind: str) -> dict[str, Any] | None:
    """Everything the profile panel shows, or None when there is nothing to show."""
    if not permissions.may(user, permissions.VIEW, PROFILE):
        return None
    if kind == "company":
        profile = selectors.profile_of(user, company_id=record.pk)
    else:
        profile = selectors.profile_of(user, contact_id=record.pk)
    if profile is None or not profile.message_count:
        return None
    got = selectors.figures(profile)
    found = selectors.evidence(user, selectors.evidence_ids(got))
    ev = got.evidence

    def pick(ids: Sequence[int], limit: int = 5) -> list[selectors.Evidence]:
        return [found[i] for i in ids if i in found][:limit]

    trend = aggregates.monthly_trend(profile.state)
    alerts = []
    if kind == "company":
        alerts = list(
            selectors.alerts(user)
            .filter(company_id=record.pk, status__in=["open", "acknowledged"])
            .order_by("-raised_at")[:5]
        )
    return {
        "profile": profile,
        "figures": got,
        "kind": kind,
        "record": record,
        "negative": pick(ev["negative"]),
        "recent": pick(ev["recent"]),
        "needs": [
            (word, count, pick(ev["needs"].get(word, []), 2))
            for word, count in got.needs[:8]
        ],
        "replies_ours": [
            (found.get(a), found.get(b), hours)
            for a, b, hours in ev["replies_ours"][:3]
        ],
        "alerts": alerts,
        "chart": {
            "kind": "scatter",
            "x": trend["x"],
            "yTitle": _("Sentiment ×100"),
            "series": [
                {
                    "name": _("Mean sentiment ×100"),
                    "y": [
                        None if s is None else round(100 * s)
                        for s in trend["sentiment"]
                    ],
                },
                {"name": _("Messages"), "y": trend["count"]},
            ],
        }
        if trend["x"]
        else {},
    }


def profile_panel(request: HttpRequest, record: Any) -> str | None:
    """The living profile of a company or contact, for its record page."""
    kind = record._meta.model_name
    context = profile_context(request.user, record, kind)
    if context is None:
        return None
    context["chart_id"] = f"insight-trend-{kind}-{record.pk}"
    return render_to_string(
        "intelligence/insight/partials/profile_panel.html", context, request=request
    )


def sentiment_badges(messages: Sequence[Any]) -> dict[int, list[Any]]:
    """A sentiment badge and up to three keywords for each analysed message."""
    from rapport.comms.badges import Badge

    found = selectors.analyses_for_messages([m.pk for m in messages])
    tones = {"negative": "danger", "positive": "success", "neutral": "info"}
    labels = {
        "negative": _("Negative"),
        "positive": _("Positive"),
        "neutral": _("Neutral"),
    }
    badges: dict[int, list[Any]] = {}
    for message_id, row in found.items():
        title = _("Sentiment %(score)+.2f") % {"score": row.sentiment}
        items = [
            Badge(
                str(labels.get(row.label, row.label)),
                tones.get(row.label, "info"),
                title,
            )
        ]
        items += [Badge(word, "info") for word in (row.keywords or [])[:3]]
        badges[message_id] = items
    return badges


def register_badges() -> None:
    from rapport.comms.badges import register_badges as register

    register("insight.sentiment", sentiment_badges)
