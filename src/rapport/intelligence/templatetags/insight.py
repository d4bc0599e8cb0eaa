"""Template filters of the insight pages: signed sentiment, hours, badge tones."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def signed(value: float | None) -> str:
    """A sentiment as +0.42 / −0.30, or a dash when unknown."""
    if value is None:
        return "–"
    return f"{value:+.2f}".replace("-", "−")


@register.filter
def hours(value: float | None) -> str:
    """A duration in hours, shown in hours below two days and in days above."""
    if value is None:
        return "–"
    if value < 48:
        return _("%(hours).1f h") % {"hours": value}
    return _("%(days).1f d") % {"days": value / 24}


@register.filter
def health_tone(score: int | None) -> str:
    if score is None:
        return "badge-muted"
    if score < 40:
        return "badge-danger"
    if score < 60:
        return "badge-warning"
    return "badge-success"


@register.filter
def sentiment_tone(value: float | None) -> str:
    if value is None:
        return "badge-muted"
    if value <= -0.2:
        return "badge-danger"
    if value >= 0.2:
        return "badge-success"
    return "badge-info"
