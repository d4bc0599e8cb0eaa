"""Comms reads: scoped messages, mailboxes and imports.

Other apps (the analysis in `rapport.intelligence`) read messages through these
functions, never through the models: `messages(user)` for what a person may see,
`message_for_analysis(id)` and `messages_between(...)` for the worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Substr

from rapport.comms.models import Import, Mailbox, Message
from rapport.core import permissions
from rapport.core.errors import NotFound


def messages(user: Any) -> QuerySet[Message]:
    """The messages the user may see, with their company, deal and contacts."""
    return permissions.visible(
        user,
        Message.objects.select_related("company", "deal", "owner").defer("html"),
    )


def with_contacts(queryset: QuerySet[Message]) -> QuerySet[Message]:
    from rapport.comms.models import Message as M

    contacts = M.contacts.field.related_model
    return queryset.prefetch_related(
        Prefetch("contacts", queryset=contacts._default_manager.only("id", "name"))
    )


def filtered(user: Any, params: dict[str, Any]) -> QuerySet[Message]:
    """Visible messages filtered by channel, direction, company, contact, deal,
    project and free text (subject, sender, text)."""
    qs = messages(user)
    for name in ("channel", "direction"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    for name in ("company", "deal", "project"):
        value = params.get(name) or params.get(f"{name}_id")
        if value:
            qs = qs.filter(**{f"{name}_id": _int(value)})
    if params.get("contact") or params.get("contact_id"):
        qs = qs.filter(contacts__id=_int(params.get("contact") or params["contact_id"]))
    if params.get("thread"):
        qs = qs.filter(thread_key=params["thread"])
    if q := (params.get("q") or "").strip():
        qs = qs.filter(
            Q(subject__icontains=q)
            | Q(sender_name__icontains=q)
            | Q(sender_address__icontains=q)
            | Q(text__icontains=q)
        )
    return qs.order_by("-sent_at", "-id")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def get_message(user: Any, pk: Any) -> Message:
    """One visible message with its HTML, or NotFound."""
    try:
        return with_contacts(
            permissions.visible(user, Message.objects.select_related("company", "deal"))
        ).get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def latest_for(user: Any, limit: int = 10, **link: Any) -> list[Message]:
    """The newest visible messages of one company, contact or deal."""
    qs = messages(user).filter(**link).order_by("-sent_at", "-id")
    qs = qs.defer("text", "html", "recipients", "attachments")
    return list(qs.annotate(snippet=Substr("text", 1, 80))[:limit])


def thread(user: Any, message: Message, limit: int = 50) -> list[Message]:
    """The other visible messages of a message's thread, oldest first."""
    if not message.thread_key:
        return []
    return list(
        messages(user)
        .filter(thread_key=message.thread_key)
        .exclude(pk=message.pk)
        .order_by("sent_at")[:limit]
    )


def mailboxes(user: Any) -> QuerySet[Mailbox]:
    return permissions.visible(user, Mailbox.objects.select_related("owner"))


def imports(user: Any) -> QuerySet[Import]:
    return permissions.visible(
        user, Import.objects.select_related("owner", "mailbox")
    ).order_by("-id")


def get(queryset: QuerySet[Any], pk: Any) -> Any:
    """One record of an already scoped queryset, or NotFound."""
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- for the analysis in the worker (unscoped: it runs as the system) ----------


def message_for_analysis(message_id: int) -> dict[str, Any] | None:
    """The fields the analysis of one message needs, or None if it is gone."""
    row: Any = (
        Message.objects.filter(pk=message_id)
        .values(
            "id",
            "channel",
            "direction",
            "subject",
            "text",
            "language",
            "sent_at",
            "company_id",
            "deal_id",
            "project_id",
            "owner_id",
            "team_id",
            "thread_key",
            "in_reply_to",
            "sender_address",
        )
        .first()
    )
    return dict(row) if row is not None else None


def contact_ids_of(message_id: int) -> list[int]:
    """The contacts a message is linked to."""
    return list(
        Message.contacts.through.objects.filter(message_id=message_id).values_list(
            "contact_id", flat=True
        )
    )


def messages_between(
    start: datetime | None = None,
    end: datetime | None = None,
    company_id: int | None = None,
    after_id: int = 0,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Messages by id order (for batch analysis), optionally for one company."""
    qs = Message.objects.filter(pk__gt=after_id)
    if start is not None:
        qs = qs.filter(sent_at__gte=start)
    if end is not None:
        qs = qs.filter(sent_at__lt=end)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    rows: Any = qs.order_by("pk").values(
        "id",
        "channel",
        "direction",
        "subject",
        "text",
        "sent_at",
        "company_id",
        "deal_id",
        "project_id",
        "thread_key",
    )[:limit]
    return [dict(row) for row in rows]


def set_language(message_id: int, language: str) -> None:
    """Record the language the analysis found (the only field it may write here)."""
    Message.objects.filter(pk=message_id).update(language=language[:8])


def history_rows(fields: list[str]) -> Any:
    """Unscoped rows of chosen message fields, for model training and scoring.

    Only the AI engine's worker jobs (no user) read this, in one query per run;
    what they store is shown to users through scoped pages.
    """
    return Message.objects.filter(company__isnull=False).values_list(*fields)
