"""Template helpers shared by every app's pages: counts, money, links, badges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()

CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$"}

# Status words used across models, mapped to the badge colours of app.css.
BADGE_CLASSES = {
    "succeeded": "badge-success",
    "won": "badge-success",
    "accepted": "badge-success",
    "converted": "badge-success",
    "running": "badge-info",
    "sent": "badge-info",
    "contacted": "badge-info",
    "qualified": "badge-info",
    "queued": "badge-muted",
    "draft": "badge-muted",
    "new": "badge-muted",
    "open": "badge-muted",
    "expired": "badge-warning",
    "failed": "badge-danger",
    "lost": "badge-danger",
    "rejected": "badge-danger",
    "disqualified": "badge-danger",
}


@register.filter
def capped(value: Any, cap: int = 1000) -> str:
    """A count from `count_up_to`: "1,000+" once it went past the cap."""
    try:
        number, limit = int(value), int(cap)
    except (TypeError, ValueError):
        return ""
    if number > limit:
        return f"{limit:,}+"
    return f"{number:,}"


@register.filter
def money(value: Any, currency: str = "") -> str:
    """An amount with its currency sign and thousands separators, no decimals."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("1"))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return with_currency(amount, currency, places=0)


def with_currency(amount: Decimal, currency: str, places: int) -> str:
    """`amount` with `places` decimals, its currency sign and thousands separators.

    Grouped with commas in both languages (Chinese finance writes 1,234,000
    too); a loss reads "-¥9,960", the minus before the sign.
    """
    sign = CURRENCY_SIGNS.get(currency, f"{currency} " if currency else "")
    rounded = amount.quantize(Decimal(1).scaleb(-places))
    minus = "-" if rounded < 0 else ""  # -0.004 shows as 0.00, not -0.00
    return f"{minus}{sign}{abs(rounded):,.{places}f}"


@register.filter
def badge_class(status: Any) -> str:
    """The badge colour class for a status word."""
    return BADGE_CLASSES.get(str(status), "")


@register.filter
def safe_url(value: Any) -> str:
    """The link if it is a local path or http(s) address, else "" (no javascript:)."""
    url = str(value or "").strip()
    if url.startswith("/") and not url.startswith("//"):
        return url
    if url.lower().startswith(("http://", "https://")):
        return url
    return ""


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def amounts(value: Any) -> str:
    """Money in several currencies, biggest first: "¥1,200 · $30"; "—" if none."""
    pairs = value.items() if value is not None else []
    parts = [money(amount, currency) for currency, amount in pairs if amount]
    return " · ".join(parts) if parts else "—"


@register.simple_tag(takes_context=True)
def record_panels(context: Any, record: Any, column: str | None = None) -> str:
    """Panels other apps registered for this record's page (core.registry)."""
    from django.utils.safestring import mark_safe

    from rapport.core.registry import render_panels

    request = context.get("request")
    if request is None or record is None:
        return ""
    parts = render_panels(request, record, column)
    return mark_safe("\n".join(parts))  # noqa: S308 - panels return rendered templates


@register.simple_tag(takes_context=True)
def app_nav(context: Any) -> list[dict[str, Any]]:
    """Side-navigation groups that apps registered, filtered by what the user sees."""
    from django.urls import NoReverseMatch, reverse

    from rapport.core.permissions import VIEW, may
    from rapport.core.registry import nav_entries

    user = context.get("user")
    groups: dict[str, list[dict[str, str]]] = {}
    for entry in nav_entries():
        if entry.kind and (user is None or not may(user, VIEW, entry.kind)):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        item = {"label": str(entry.label), "url": url}
        groups.setdefault(str(entry.group), []).append(item)
    return [{"group": name, "links": links} for name, links in groups.items()]
