"""Score panels on the CRM's deal, lead and company pages."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from rapport.intelligence.ml import selectors, words


def _panel(
    request: Any, record: Any, subject: str, items: list[tuple[str, str, bool]]
) -> str | None:
    blocks = []
    for model_kind, title, money in items:
        prediction = selectors.latest_prediction(
            request.user, subject, record.pk, model_kind
        )
        if prediction is None:
            continue
        currency = words.currency_of(prediction.model_version)
        blocks.append(
            {
                "title": title,
                "score": prediction.score,
                "percent": round(prediction.score * 100),
                "money": money,
                "currency": currency,
                "reasons": words.sentences(prediction.factors, currency),
                "version": prediction.model_version,
                "created_at": prediction.created_at,
            }
        )
    if not blocks:
        return None
    return render_to_string(
        "intelligence/ml/panel.html", {"blocks": blocks}, request=request
    )


def deal_panel(request: Any, deal: Any) -> str | None:
    """The deal's win probability and the three reasons behind it."""
    return _panel(
        request, deal, "crm.deal", [("deal_conversion", _("Win probability"), False)]
    )


def lead_panel(request: Any, lead: Any) -> str | None:
    """The lead's conversion probability and its reasons."""
    return _panel(
        request,
        lead,
        "crm.lead",
        [("lead_conversion", _("Conversion probability"), False)],
    )


def company_panel(request: Any, company: Any) -> str | None:
    """The customer's churn risk and 12-month lifetime value."""
    return _panel(
        request,
        company,
        "crm.company",
        [
            ("churn", _("Churn risk"), False),
            ("clv", _("12-month customer value"), True),
        ],
    )
