"""Top factors in plain words, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.intelligence.models import ModelKind

LABELS = {
    "activities_30d": gettext_lazy("Activities in the last 30 days"),
    "activities_90d": gettext_lazy("Activities in the last 90 days"),
    "activities_365d": gettext_lazy("Activities in the last year"),
    "activities_days_since_last": gettext_lazy("Days since the last activity"),
    "calls_90d": gettext_lazy("Calls in the last 90 days"),
    "meetings_90d": gettext_lazy("Meetings in the last 90 days"),
    "emails_90d": gettext_lazy("E-mails in the last 90 days"),
    "activity_trend": gettext_lazy("Recent activity compared with the quarter"),
    "inbound_messages_30d": gettext_lazy("Messages received in the last 30 days"),
    "inbound_messages_90d": gettext_lazy("Messages received in the last 90 days"),
    "outbound_messages_30d": gettext_lazy("Messages sent in the last 30 days"),
    "outbound_messages_90d": gettext_lazy("Messages sent in the last 90 days"),
    "days_since_inbound": gettext_lazy("Days since the customer last wrote"),
    "sentiment_30d": gettext_lazy("Tone of the customer's messages, 30 days"),
    "sentiment_90d": gettext_lazy("Tone of the customer's messages, 90 days"),
    "sentiment_trend": gettext_lazy("Change in the customer's tone"),
    "negative_share_90d": gettext_lazy("Share of negative messages, 90 days"),
    "deals_won": gettext_lazy("Deals won"),
    "deals_lost": gettext_lazy("Deals lost"),
    "deals_open": gettext_lazy("Open deals"),
    "deals_lost_180d": gettext_lazy("Deals lost in the last six months"),
    "deals_won_180d": gettext_lazy("Deals won in the last six months"),
    "won_value_log": gettext_lazy("Value of won deals"),
    "days_since_last_win": gettext_lazy("Days since the last won deal"),
    "company_age_days": gettext_lazy("Days as a customer"),
    "industry": gettext_lazy("Industry"),
    "region": gettext_lazy("Region"),
    "size": gettext_lazy("Company size"),
    "tier": gettext_lazy("Tier"),
    "source": gettext_lazy("Lead source"),
    "budget_log": gettext_lazy("Budget"),
    "has_email": gettext_lazy("E-mail address given"),
    "has_phone": gettext_lazy("Phone number given"),
    "existing_company": gettext_lazy("Linked to a known company"),
    "owner_open_deals": gettext_lazy("Open deals of the owner"),
    "currency": gettext_lazy("Currency"),
    "amount_log": gettext_lazy("Amount"),
    "discount_pct": gettext_lazy("Discount %"),
    "days_open": gettext_lazy("Days open"),
    "quotes": gettext_lazy("Quotes sent"),
    "repeat_customer": gettext_lazy("Repeat customer"),
    "p_alive": gettext_lazy("Chance the customer is still active"),
    "repeat_purchases": gettext_lazy("Repeat purchases"),
    "expected_spend": gettext_lazy("Expected value per purchase"),
}
LOGGED = {"won_value_log", "budget_log", "amount_log"}
FLAGS = {"has_email", "has_phone", "existing_company", "repeat_customer"}
MONEY = {"expected_spend"}  # in the model's base currency
SHARES = {"p_alive"}  # a probability, shown as a percentage


def currency_of(version: Any) -> str:
    """The currency a version's amounts are in: lifetime value records it; "" else."""
    if version.kind != ModelKind.CLV:
        return ""
    return str((version.params or {}).get("currency") or settings.BASE_CURRENCY)


def label(feature: str) -> str:
    return str(LABELS.get(feature, feature.replace("_", " ")))


def value_text(feature: str, value: Any, currency: str = "") -> str:
    import math

    if value is None:
        return _("unknown")
    if feature in FLAGS:
        return _("yes") if value else _("no")
    if feature in SHARES and isinstance(value, int | float):
        return f"{value * 100:.0f} %"
    if feature in MONEY and currency:
        from rapport.core.templatetags.rapport_tags import money

        return money(value, currency)
    if feature in LOGGED and isinstance(value, int | float):
        return f"{math.expm1(value):,.0f}"
    if isinstance(value, float):
        return (
            f"{value:,.1f}".rstrip("0").rstrip(".")
            if abs(value) < 1000
            else f"{value:,.0f}"
        )
    return str(value)


def sentence(factor: dict[str, Any], currency: str = "") -> str:
    """One factor as a sentence: what it is, its value, and how it moved the score."""
    name = label(factor["feature"])
    value = value_text(factor["feature"], factor.get("value"), currency)
    effect = factor.get("effect")
    if effect is None:
        return _("%(name)s: %(value)s") % {"name": name, "value": value}
    points = abs(effect) * 100
    size = f"{points:.1f}" if points < 10 else f"{points:.0f}"
    if effect >= 0:
        return _("%(name)s is %(value)s: raises it by %(points)s points") % {
            "name": name,
            "value": value,
            "points": size,
        }
    return _("%(name)s is %(value)s: lowers it by %(points)s points") % {
        "name": name,
        "value": value,
        "points": size,
    }


def sentences(
    factors: list[dict[str, Any]], currency: str = ""
) -> list[dict[str, Any]]:
    """The factors as sentences; amounts are shown in `currency` when it is given."""
    return [
        {
            "text": sentence(f, currency),
            "up": (f.get("effect") or 0) >= 0,
            "effect": f.get("effect"),
        }
        for f in factors
    ]


DELAY_TEXT = {
    "behind_plan": gettext_lazy("Work behind plan is %(value)s %% of the budget"),
    "slipped_tasks": gettext_lazy("Slipped tasks: %(value)s"),
    "resource_load": gettext_lazy("The busiest person is booked at %(value)s %%"),
    "forecast_slip": gettext_lazy(
        "The critical path ends %(value)s working days after the planned finish"
    ),
}


def delay_sentence(factor: dict[str, Any]) -> str:
    """A delay factor: the project's value and how many working days it adds."""
    feature = factor["feature"]
    value = factor.get("value") or 0.0
    shown = value * 100 if feature == "resource_load" else value
    text = str(DELAY_TEXT.get(feature, feature.replace("_", " ") + ": %(value)s"))
    head = text % {"value": value_text(feature, round(float(shown), 1))}
    effect = float(factor.get("effect") or 0.0)
    days = f"{abs(effect):.1f}"
    if effect >= 0:
        return _("%(head)s: adds %(days)s working days") % {"head": head, "days": days}
    return _("%(head)s: takes off %(days)s working days") % {
        "head": head,
        "days": days,
    }


def delay_sentences(factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "text": delay_sentence(f),
            "up": (f.get("effect") or 0) >= 0,
            "effect": f.get("effect"),
        }
        for f in factors
    ]
