"""Template helpers for the CRM pages: money, stage names, sortable headers, history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.db import models
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from rapport.core.templatetags.rapport_tags import with_currency

register = template.Library()

# The standard stages are stored in English and translated on display.
STAGE_NAMES = [
    gettext_noop("Qualification"),
    gettext_noop("Needs analysis"),
    gettext_noop("Proposal"),
    gettext_noop("Negotiation"),
    gettext_noop("Won"),
    gettext_noop("Lost"),
    gettext_noop("Sales"),
]


@register.filter
def stage_name(stage: Any) -> str:
    """A stage's or pipeline's name, translated when it is one of the standard ones."""
    name = str(getattr(stage, "name", stage) or "")
    return gettext(name) if name in STAGE_NAMES else name


@register.filter
def money(amount: Any, currency: str = "CNY") -> str:
    """An amount with its currency sign and thousands separators: ¥1,250,000.00."""
    if amount in (None, ""):
        return "–"
    return with_currency(Decimal(str(amount)), currency, places=2)


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], label: str, key: str) -> SafeString:
    """A column header that sorts by `key`, and reverses when it already does."""
    if not key:
        return format_html("{}", label)
    request = context["request"]
    current = request.GET.get("sort", context.get("sort", ""))
    descending = current == f"-{key}"
    target = key if descending or current != key else f"-{key}"
    params: QueryDict = request.GET.copy()
    params["sort"] = target
    params.pop("page", None)
    arrow = "▲" if current == key else "▼" if descending else ""
    return format_html(
        '<a href="?{}" hx-get="?{}" hx-target="#list" hx-push-url="true" '
        'class="sort{}">{}<span aria-hidden="true">{}</span></a>',
        params.urlencode(),
        params.urlencode(),
        " active" if arrow else "",
        label,
        arrow,
    )


@register.filter
def field_label(model: type[models.Model] | models.Model, name: str) -> str:
    """The verbose name of a model field, for the history table."""
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except Exception:
        return {"methods": gettext("phones and e-mails")}.get(name, name)


@register.filter
def field_value(value: Any, arg: str) -> str:
    """A recorded field value as a reader sees it: choice labels, '–' for empty.

    `arg` is "<app_label.model>:<field>" so the filter can find the field's choices.
    """
    if value in (None, ""):
        return "–"
    from django.apps import apps

    label, _sep, name = arg.partition(":")
    try:
        field = apps.get_model(label)._meta.get_field(name)
    except (LookupError, Exception):
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(v[1] if isinstance(v, list | tuple) else v) for v in value)
    return str(value)


@register.simple_tag
def crm_url(kind: Any, action: str, *args: Any) -> str:
    """The URL of one of a kind's pages: {% crm_url kind "detail" record.pk %}."""
    from django.urls import reverse

    return reverse(f"crm:{getattr(kind, 'name', kind)}_{action}", args=args)


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template, or nothing."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def money_whole(amount: Any, currency: str = "CNY") -> str:
    """An amount rounded to whole units, for the narrow cards of the deal board."""
    if amount in (None, ""):
        return "–"
    return with_currency(Decimal(str(amount)), currency, places=0)
