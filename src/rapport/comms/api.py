"""Comms endpoints of the REST API: messages, mailboxes and imports.

Thin: reads go through `comms.selectors` (scoped to the caller), writes through
`comms.services`. Creating a message is idempotent by its fingerprint: the
first call answers 201, a repeat 200 with the stored message.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import ValidationError

from rapport.comms import imap, selectors, services
from rapport.comms.parsing import Incoming
from rapport.comms.sanitize import clean_html
from rapport.comms.schemas import (
    BatchOut,
    ConnectionOut,
    ImportFilter,
    ImportOut,
    MailboxIn,
    MailboxOut,
    MailboxPatch,
    MessageBatchIn,
    MessageDetailOut,
    MessageFilter,
    MessageIn,
    MessageOut,
    RelinkIn,
)
from rapport.core.api import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Id,
    Page,
    caller,
    expected_version,
    paginate,
    with_etag,
)
from rapport.core.errors import RapportError, ValidationFailed

router = Router(tags=["messages"])


def _incoming(payload: MessageIn) -> Incoming:
    data = payload.dict()
    data["recipients"] = [dict(r) for r in data["recipients"]]
    return Incoming(**data)


def _detail(message: Any) -> dict[str, Any]:
    out = MessageOut.from_orm(message).dict()
    out["html_sanitised"] = clean_html(message.html) if message.html else ""
    out["contact_ids"] = [c.pk for c in message.contacts.all()]
    return out


@router.get("/messages", response={200: Page[MessageOut], **COMMON_ERRORS})
def list_messages(
    request: HttpRequest, response: HttpResponse, query: Query[MessageFilter]
) -> dict[str, Any]:
    """Messages the caller may see, newest first, filtered."""
    params = query.dict(exclude_none=True)
    rows = selectors.filtered(caller(request), params)
    if query.sent_after:
        rows = rows.filter(sent_at__gte=query.sent_after)
    if query.sent_before:
        rows = rows.filter(sent_at__lt=query.sent_before)
    return paginate(request, response, rows, query)


@router.post(
    "/messages", response={200: MessageDetailOut, 201: MessageDetailOut, **WRITE_ERRORS}
)
def create_message(
    request: HttpRequest, response: HttpResponse, payload: MessageIn
) -> Any:
    """Store one message (201), or return the same message stored before (200)."""
    user = caller(request)
    message, created = services.create_message(user, _incoming(payload))
    message = selectors.get_message(user, message.pk)
    with_etag(response, message)
    if created:
        response["Location"] = request.build_absolute_uri(
            f"/api/v1/messages/{message.pk}"
        )
    return Status(201 if created else 200, _detail(message))


@router.post("/messages/batch", response={200: BatchOut, **WRITE_ERRORS})
def create_messages(request: HttpRequest, payload: MessageBatchIn) -> Any:
    """Store up to 500 messages; each one's outcome is reported in order."""
    user = caller(request)
    items, counts = [], {"created": 0, "duplicate": 0, "error": 0}
    for index, raw in enumerate(payload.messages):
        try:
            message, created = services.create_message(
                user, _incoming(MessageIn.model_validate(raw))
            )
        except ValidationError as exc:
            errors = [
                {"field": ".".join(map(str, e["loc"])), "message": e["msg"]}
                for e in exc.errors()
            ]
            items.append({"index": index, "status": "error", "errors": errors})
        except ValidationFailed as exc:
            errors = [
                {"field": field, "message": str(m)}
                for field, messages in exc.errors.items()
                for m in messages
            ]
            items.append({"index": index, "status": "error", "errors": errors})
        except RapportError as exc:
            items.append(
                {
                    "index": index,
                    "status": "error",
                    "errors": [{"field": "", "message": str(exc.detail)}],
                }
            )
        else:
            status = "created" if created else "duplicate"
            items.append({"index": index, "status": status, "id": message.pk})
        counts[str(items[-1]["status"])] += 1
    return {
        "created": counts["created"],
        "duplicates": counts["duplicate"],
        "errors": counts["error"],
        "items": items,
    }


@router.get("/messages/{message_id}", response={200: MessageDetailOut, **COMMON_ERRORS})
def get_message(request: HttpRequest, response: HttpResponse, message_id: Id) -> Any:
    """One message with its sanitised HTML and its contacts."""
    message = selectors.get_message(caller(request), message_id)
    with_etag(response, message)
    return _detail(message)


@router.patch(
    "/messages/{message_id}", response={200: MessageDetailOut, **WRITE_ERRORS}
)
def relink_message(
    request: HttpRequest, response: HttpResponse, message_id: Id, payload: RelinkIn
) -> Any:
    """Correct the company, deal or project a message is linked to."""
    user = caller(request)
    message = selectors.get_message(user, message_id)
    services.relink_message(
        user,
        message,
        payload.dict(exclude_unset=True),
        expected_version(request, message),
    )
    message = selectors.get_message(user, message_id)
    with_etag(response, message)
    return _detail(message)


# --- mailboxes ----------------------------------------------------------------


@router.get(
    "/mailboxes", response={200: list[MailboxOut], **COMMON_ERRORS}, tags=["mailboxes"]
)
def list_mailboxes(request: HttpRequest) -> Any:
    """The IMAP mailboxes the caller may see."""
    return list(selectors.mailboxes(caller(request)).order_by("name")[:500])


@router.post(
    "/mailboxes", response={201: MailboxOut, **WRITE_ERRORS}, tags=["mailboxes"]
)
def create_mailbox(
    request: HttpRequest, response: HttpResponse, payload: MailboxIn
) -> Any:
    """Add an IMAP mailbox; the worker polls it every five minutes."""
    mailbox = services.create_mailbox(caller(request), payload.dict())
    with_etag(response, mailbox)
    return Status(201, mailbox)


def _mailbox(request: HttpRequest, mailbox_id: int) -> Any:
    return selectors.get(selectors.mailboxes(caller(request)), mailbox_id)


@router.get(
    "/mailboxes/{mailbox_id}",
    response={200: MailboxOut, **COMMON_ERRORS},
    tags=["mailboxes"],
)
def get_mailbox(request: HttpRequest, response: HttpResponse, mailbox_id: Id) -> Any:
    """One mailbox."""
    mailbox = _mailbox(request, mailbox_id)
    with_etag(response, mailbox)
    return mailbox


@router.patch(
    "/mailboxes/{mailbox_id}",
    response={200: MailboxOut, **WRITE_ERRORS},
    tags=["mailboxes"],
)
def update_mailbox(
    request: HttpRequest, response: HttpResponse, mailbox_id: Id, payload: MailboxPatch
) -> Any:
    """Change a mailbox's settings."""
    mailbox = _mailbox(request, mailbox_id)
    services.update_mailbox(
        caller(request),
        mailbox,
        payload.dict(exclude_unset=True),
        expected_version(request, mailbox),
    )
    mailbox = _mailbox(request, mailbox_id)
    with_etag(response, mailbox)
    return mailbox


@router.delete(
    "/mailboxes/{mailbox_id}", response={204: None, **WRITE_ERRORS}, tags=["mailboxes"]
)
def delete_mailbox(request: HttpRequest, mailbox_id: Id) -> Any:
    """Remove a mailbox; its messages stay."""
    mailbox = _mailbox(request, mailbox_id)
    services.delete_mailbox(
        caller(request), mailbox, expected_version(request, mailbox)
    )
    return Status(204, None)


@router.post(
    "/mailboxes/{mailbox_id}/test",
    response={200: ConnectionOut, **WRITE_ERRORS},
    tags=["mailboxes"],
)
def test_mailbox(request: HttpRequest, mailbox_id: Id) -> Any:
    """Log in to the mailbox now and report the outcome."""
    mailbox = _mailbox(request, mailbox_id)
    try:
        return {"ok": True, "detail": services.test_mailbox(caller(request), mailbox)}
    except (imap.MailboxError, ValueError) as exc:
        return {"ok": False, "detail": str(exc)}


@router.post(
    "/mailboxes/{mailbox_id}/poll",
    response={202: ImportOut, **WRITE_ERRORS},
    tags=["mailboxes"],
)
def poll_mailbox(request: HttpRequest, mailbox_id: Id) -> Any:
    """Fetch the mailbox's new messages now, in the worker; follow the import."""
    run = services.poll_mailbox_now(caller(request), _mailbox(request, mailbox_id))
    return Status(202, selectors.get(selectors.imports(caller(request)), run.pk))


# --- imports ------------------------------------------------------------------


@router.get(
    "/imports", response={200: Page[ImportOut], **COMMON_ERRORS}, tags=["imports"]
)
def list_imports(
    request: HttpRequest, response: HttpResponse, query: Query[ImportFilter]
) -> dict[str, Any]:
    """Import runs the caller may see, newest first."""
    return paginate(request, response, selectors.imports(caller(request)), query)


@router.post("/imports", response={202: ImportOut, **WRITE_ERRORS}, tags=["imports"])
def create_import(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    channel: Form[str] = "call",
) -> Any:
    """Upload .eml files, or one .mbox, .csv or .json file, to import in the worker."""
    user = caller(request)
    run = services.start_import(user, [(f.name or "", f) for f in files], channel)
    return Status(202, selectors.get(selectors.imports(user), run.pk))


@router.get(
    "/imports/{import_id}", response={200: ImportOut, **COMMON_ERRORS}, tags=["imports"]
)
def get_import(request: HttpRequest, import_id: Id) -> Any:
    """One import with its counts and per-item errors."""
    return selectors.get(selectors.imports(caller(request)), import_id)
