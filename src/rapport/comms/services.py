"""Every comms write: storing messages, mailboxes and imports.

`ingest` is the one way a message enters Rapport, whatever its channel: it
deduplicates by fingerprint, links the message to the CRM, takes the scope of
its company, and emits `message.received` (payload `{"id": message_id}`) in the
same transaction, which the analysis in the worker consumes.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.comms import crypto
from rapport.comms.linking import resolve
from rapport.comms.models import Import, Mailbox, Message, Source
from rapport.comms.parsing import CHANNELS, DIRECTIONS, MAX_TEXT, Incoming
from rapport.core import permissions
from rapport.core.errors import ValidationFailed
from rapport.core.models import AuditEntry
from rapport.core.services import (
    delete_record,
    emit,
    full_clean,
    record_audit,
    start_job,
    update_record,
)
from rapport.crm import selectors as crm_selectors

if TYPE_CHECKING:
    from rapport.accounts.models import User

logger = logging.getLogger(__name__)

MESSAGE = "comms.message"
MAILBOX = "comms.mailbox"
IMPORT = "comms.import"
MAX_ITEM_ERRORS = 500  # per import; the count goes on beyond it


def ingest(
    incoming: Incoming,
    *,
    owner: Any,
    source: str,
    mailbox: Mailbox | None = None,
    source_import: Import | None = None,
    actor: Any = None,
    memo: dict[Any, Any] | None = None,
) -> tuple[Message, bool]:
    """Store one message unless it is already stored; return it and whether it is new.

    `owner` is who the message belongs to when no company is found (the
    mailbox owner or the person importing); `memo` lets one import run reuse
    the contact look-ups of earlier messages.
    """
    fingerprint = incoming.fingerprint()
    existing = Message.objects.filter(fingerprint=fingerprint).first()
    if existing is not None:
        return existing, False

    links = resolve(incoming, memo)
    message = Message(
        channel=incoming.channel,
        direction=incoming.direction,
        source=source,
        sender_name=incoming.sender_name[:200],
        sender_address=incoming.sender_address[:254],
        recipients=incoming.recipients[:200],
        subject=incoming.subject[:300],
        text=incoming.text[:MAX_TEXT],
        html=incoming.html[:MAX_TEXT],
        sent_at=incoming.sent_at or timezone.now(),
        external_id=incoming.external_id[:255],
        thread_key=incoming.conversation(),
        in_reply_to=incoming.in_reply_to[:255],
        attachments=incoming.attachments[:100],
        duration_seconds=incoming.duration_seconds,
        fingerprint=fingerprint,
        company_id=links.company_id,
        deal_id=links.deal_id,
        project_id=links.project_id,
        owner_id=links.owner_id or owner.pk,
        team_id=links.team_id if links.company_id else owner.team_id,
        mailbox=mailbox,
        source_import=source_import,
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
            if links.contact_ids:
                through = Message.contacts.through
                through.objects.bulk_create(
                    through(message_id=message.pk, contact_id=contact_id)
                    for contact_id in links.contact_ids
                )
            if source in (Source.API, Source.MANUAL):
                record_audit(actor, AuditEntry.Action.CREATE, message)
            emit("message.received", message, {"id": message.pk}, actor=actor)
    except IntegrityError:
        # Another worker stored the same message a moment ago.
        existing = Message.objects.filter(fingerprint=fingerprint).first()
        if existing is None:
            raise
        return existing, False
    return message, True


def _check_explicit_links(actor: User, incoming: Incoming) -> None:
    """Links given by the caller must point at records the caller may see."""
    errors: dict[str, list[str]] = {}
    if incoming.company_id is not None:
        company = crm_selectors.companies(actor).filter(pk=incoming.company_id).first()
        if company is None:
            errors["company_id"] = [_("No such company.")]
    if incoming.deal_id is not None:
        deal = crm_selectors.deals(actor).filter(pk=incoming.deal_id).first()
        if deal is None:
            errors["deal_id"] = [_("No such deal.")]
        elif incoming.company_id is None:
            incoming.company_id = deal.company_id
    if incoming.contact_ids:
        seen = set(
            crm_selectors.contacts(actor)
            .filter(pk__in=incoming.contact_ids)
            .values_list("pk", flat=True)
        )
        if missing := sorted(set(incoming.contact_ids) - seen):
            errors["contact_ids"] = [
                _("No such contact: %s.") % ", ".join(map(str, missing))
            ]
    if errors:
        raise ValidationFailed(errors, _("Some links are not valid."))


def _validate(incoming: Incoming) -> None:
    errors: dict[str, list[str]] = {}
    if incoming.channel not in CHANNELS:
        errors["channel"] = [_("Unknown channel.")]
    if incoming.direction not in DIRECTIONS:
        errors["direction"] = [_("Direction must be inbound or outbound.")]
    if not (incoming.text.strip() or incoming.subject.strip() or incoming.html):
        errors["text"] = [_("A message needs a text, a subject or HTML.")]
    if errors:
        raise ValidationFailed(errors, _("The message is not valid."))


def create_message(
    actor: User, incoming: Incoming, source: str = Source.API
) -> tuple[Message, bool]:
    """Store a message sent through the API or entered by hand (idempotent)."""
    permissions.require(actor, permissions.ADD, MESSAGE)
    _validate(incoming)
    _check_explicit_links(actor, incoming)
    message, created = ingest(incoming, owner=actor, source=source, actor=actor)
    if not created:
        permissions.check(actor, permissions.VIEW, message)
    return message, created


@transaction.atomic
def relink_message(
    actor: User, message: Message, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Correct the company, deal or project of a message by hand."""
    permissions.check(actor, permissions.CHANGE, message)
    incoming = Incoming(
        company_id=data.get("company_id", message.company_id),
        deal_id=data.get("deal_id", message.deal_id),
    )
    _check_explicit_links(actor, incoming)
    changes: dict[str, Any] = {
        k: data[k] for k in ("company_id", "deal_id", "project_id") if k in data
    }
    if incoming.company_id and incoming.company_id != message.company_id:
        company = crm_selectors.companies(actor).get(pk=incoming.company_id)
        changes.update(company_id=company.pk, owner_id=company.owner_id)
        changes["team_id"] = company.team_id
    return update_record(
        actor, message, changes, expected_version=version, event="message.relinked"
    )


# --- mailboxes ----------------------------------------------------------------

_MAILBOX_FIELDS = ("name", "host", "port", "security", "username", "folder", "enabled")


@transaction.atomic
def create_mailbox(actor: User, data: Mapping[str, Any]) -> Mailbox:
    """Add an IMAP mailbox; its password is stored encrypted."""
    permissions.require(actor, permissions.ADD, MAILBOX)
    mailbox = Mailbox(owner=actor, team_id=actor.team_id)
    for name in _MAILBOX_FIELDS:
        if name in data:
            setattr(mailbox, name, data[name])
    if not data.get("password"):
        raise ValidationFailed(
            {"password": [_("Enter the password.")]}, _("The mailbox is not valid.")
        )
    mailbox.password_encrypted = crypto.encrypt(str(data["password"]))
    full_clean(mailbox)
    mailbox.save(force_insert=True)
    record_audit(
        actor, AuditEntry.Action.CREATE, mailbox, {"name": [None, mailbox.name]}
    )
    return mailbox


@transaction.atomic
def update_mailbox(
    actor: User, mailbox: Mailbox, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a mailbox's settings; a new password replaces the stored one."""
    permissions.check(actor, permissions.CHANGE, mailbox)
    changes = {k: data[k] for k in _MAILBOX_FIELDS if k in data}
    if data.get("password"):
        changes["password_encrypted"] = crypto.encrypt(str(data["password"]))
    if {"host", "username", "folder"} & changes.keys():
        changes.update(uid_validity=None, last_uid=0)
    diff = update_record(actor, mailbox, changes, expected_version=version)
    if "password_encrypted" in diff:
        diff["password_encrypted"] = ["***", "***"]
    return diff


@transaction.atomic
def delete_mailbox(actor: User, mailbox: Mailbox, version: int | None = None) -> None:
    """Remove a mailbox; the messages fetched from it stay."""
    permissions.check(actor, permissions.DELETE, mailbox)
    delete_record(actor, mailbox, expected_version=version)


def mailbox_password(mailbox: Mailbox) -> str:
    return crypto.decrypt(mailbox.password_encrypted)


def test_mailbox(actor: User, mailbox: Mailbox) -> str:
    """Log in to the mailbox and report how many messages its folder holds."""
    from rapport.comms import imap

    permissions.check(actor, permissions.VIEW, mailbox)
    return imap.check_connection(mailbox, mailbox_password(mailbox))


def poll_mailbox_now(actor: User, mailbox: Mailbox) -> Import:
    """Queue a poll of one mailbox in the worker and return its import record."""
    permissions.check(actor, permissions.CHANGE, mailbox)
    return _queue_poll(mailbox, actor)


def _queue_poll(mailbox: Mailbox, user: Any) -> Import:
    with transaction.atomic():
        run = Import.objects.create(
            kind=Import.Kind.IMAP,
            filename=mailbox.name,
            mailbox=mailbox,
            owner_id=mailbox.owner_id,
            team_id=mailbox.team_id,
        )
        job = start_job(user, "comms.import", f"IMAP {mailbox.name}", import_id=run.pk)
        Import.objects.filter(pk=run.pk).update(job_id=job.pk)
    run.job_id = job.pk
    return run


def poll_due_mailboxes() -> int:
    """Queue a poll of every enabled mailbox that has none running; return how many."""
    busy = set(
        Import.objects.filter(
            kind=Import.Kind.IMAP,
            status__in=[Import.Status.QUEUED, Import.Status.RUNNING],
        ).values_list("mailbox_id", flat=True)
    )
    queued = 0
    for mailbox in Mailbox.objects.filter(enabled=True).select_related("owner"):
        if mailbox.pk not in busy:
            _queue_poll(mailbox, mailbox.owner)
            queued += 1
    return queued


# --- imports ------------------------------------------------------------------

IMPORT_KINDS = {
    ".eml": Import.Kind.EML,
    ".mbox": Import.Kind.MBOX,
    ".mbx": Import.Kind.MBOX,
    ".csv": Import.Kind.CSV,
    ".json": Import.Kind.JSON,
}


def import_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def start_import(
    actor: User,
    files: Iterable[tuple[str, IO[bytes]]],
    channel: str = "email",
) -> Import:
    """Save uploaded files and queue their import in the worker.

    Several `.eml` files make one import; `.mbox`, `.csv` and `.json` come one
    file per import. The files are copied to the data directory in chunks, so a
    large archive never sits in memory.
    """
    permissions.require(actor, permissions.ADD, IMPORT)
    files = list(files)
    kinds = {IMPORT_KINDS.get(Path(name).suffix.lower()) for name, _ in files}
    errors = _upload_errors(files, kinds, channel)
    if errors:
        raise ValidationFailed({"files": errors}, _("The upload is not valid."))
    kind = kinds.pop()
    assert kind is not None

    folder = import_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    for index, (name, stream) in enumerate(files):
        target = folder / f"{index:05d}{Path(name).suffix.lower()}"
        with target.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1 << 20)
    with transaction.atomic():
        run = Import.objects.create(
            kind=kind,
            channel=channel,
            filename=", ".join(Path(n).name for n, _ in files)[:255],
            stored_path=str(folder),
            owner=actor,
            team_id=actor.team_id,
        )
        job = start_job(
            actor, "comms.import", _("Import %s") % run.filename, import_id=run.pk
        )
        Import.objects.filter(pk=run.pk).update(job_id=job.pk)
    run.job_id = job.pk
    logger.info("import %s queued (%s, %d files)", run.pk, kind, len(files))
    return run


def _upload_errors(
    files: list[tuple[str, IO[bytes]]], kinds: set[Any], channel: str
) -> list[str]:
    if not files:
        return [_("Choose at least one file.")]
    if None in kinds:
        return [_("Upload .eml, .mbox, .csv or .json files.")]
    if len(kinds) > 1:
        return [_("Upload files of one kind at a time.")]
    if len(files) > 1 and kinds != {Import.Kind.EML}:
        return [_("Only .eml files can be uploaded several at a time.")]
    if channel not in CHANNELS:
        return [_("Unknown channel.")]
    return []


def record_item_error(run: Import, item: str, error: str) -> None:
    """Count one item that could not be imported, keeping the first few hundred."""
    run.error_count += 1
    if len(run.errors) < MAX_ITEM_ERRORS:
        run.errors.append({"item": item, "error": error[:500]})
