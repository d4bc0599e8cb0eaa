"""The `comms.import` job: read an import's files or mailbox, store each message.

Every item is parsed and stored on its own: an item that fails is recorded with
its reason on the Import record and the rest go on, so nothing already imported
is lost. Counts are saved as the job goes, for the progress shown on the page.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import mailbox as mailbox_lib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.comms import imap, services
from rapport.comms.models import Import, Source
from rapport.comms.parsing import (
    Incoming,
    ParseError,
    decode_bytes,
    missing_columns,
    parse_email,
    parse_row,
)
from rapport.core.jobs import JobContext, job_kind

logger = logging.getLogger(__name__)

ITEMS_PER_COMMIT = 100

# An item is a label for error messages and a callable that parses it.
Item = tuple[str, Any]


@job_kind("comms.import")
def run_import_job(context: JobContext) -> dict[str, Any]:
    """Run one import (files or an IMAP poll) and report its counts."""
    run = Import.objects.select_related("mailbox", "owner").get(
        pk=context.params["import_id"]
    )
    return run_import(run, context)


def run_import(run: Import, context: JobContext | None = None) -> dict[str, Any]:
    """Import every item of `run`, recording per-item errors; idempotent."""
    if run.status in (Import.Status.SUCCEEDED, Import.Status.PARTIAL):
        return _summary(run)
    run.status, run.started_at = Import.Status.RUNNING, timezone.now()
    run.total = run.created_count = run.duplicate_count = run.error_count = 0
    run.errors = []
    run.save()
    try:
        if run.kind == Import.Kind.IMAP:
            _poll(run)
        else:
            _store_all(run, _file_items(run), context)
    except (ParseError, imap.MailboxError, OSError, DatabaseError) as exc:
        logger.warning("import %s failed: %s", run.pk, exc)
        run.status = Import.Status.FAILED
        services.record_item_error(run, _("whole import"), str(exc))
    else:
        run.status = (
            Import.Status.PARTIAL if run.error_count else Import.Status.SUCCEEDED
        )
    run.finished_at = timezone.now()
    run.save()
    if run.stored_path:  # the messages are stored; the upload is not needed
        shutil.rmtree(run.stored_path, ignore_errors=True)
    logger.info("import %s finished: %s", run.pk, _summary(run))
    return _summary(run)


def _summary(run: Import) -> dict[str, Any]:
    return {
        "import_id": run.pk,
        "status": run.status,
        "total": run.total,
        "created": run.created_count,
        "duplicates": run.duplicate_count,
        "errors": run.error_count,
    }


def _store_all(
    run: Import, items: Iterator[Item], context: JobContext | None, total: int = 0
) -> None:
    source = Source.IMAP if run.kind == Import.Kind.IMAP else Source.FILE
    if run.kind in (Import.Kind.EML, Import.Kind.MBOX):
        source = Source.UPLOAD
    # Items are stored in transactions of ITEMS_PER_COMMIT, each item in its
    # own savepoint: one bad item is rolled back alone, and the commit cost
    # (an fsync on SQLite) is paid once per batch instead of once per message.
    # Items are still read one at a time, so a large archive is never held.
    remaining = iter(items)
    memo: dict[Any, Any] = {}
    while True:
        done = 0
        with transaction.atomic():
            for label, read in remaining:
                _store_one(run, label, read, source, memo)
                done += 1
                if done == ITEMS_PER_COMMIT:
                    break
            run.save()
        if context is not None and total:
            context.progress(run.total * 100 // total)
        if done < ITEMS_PER_COMMIT:
            return


def _own_addresses(run: Import) -> set[str]:
    """Addresses whose mail is ours: sent by the importer or the mailbox."""
    own = {getattr(run.owner, "email", "") or ""}
    if run.mailbox is not None and "@" in run.mailbox.username:
        own.add(run.mailbox.username)
    return {a.lower() for a in own if a}


def _store_one(
    run: Import, label: str, read: Any, source: str, memo: dict[Any, Any]
) -> None:
    run.total += 1
    try:
        incoming = read()
        if incoming.channel == "email" and incoming.sender_address in memo.setdefault(
            "own", _own_addresses(run)
        ):
            incoming.direction = "outbound"
        _, created = services.ingest(
            incoming,
            owner=run.owner,
            source=source,
            mailbox=run.mailbox,
            source_import=run,
            memo=memo,
        )
    except ParseError as exc:
        services.record_item_error(run, label, str(exc))
    except (DatabaseError, ValueError, LookupError) as exc:
        logger.warning("import %s: %s failed", run.pk, label, exc_info=True)
        services.record_item_error(run, label, f"{type(exc).__name__}: {exc}")
    else:
        if created:
            run.created_count += 1
        else:
            run.duplicate_count += 1


def _file_items(run: Import) -> Iterator[Item]:
    folder = Path(run.stored_path)
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    if not files:
        raise ParseError(_("The uploaded files are gone from the data directory."))
    names = [n.strip() for n in run.filename.split(",")]
    if run.kind == Import.Kind.EML:
        for index, path in enumerate(files):
            label = names[index] if index < len(names) else path.name
            yield label, lambda p=path: _read_eml(p)
    elif run.kind == Import.Kind.MBOX:
        yield from _mbox_items(files[0])
    elif run.kind == Import.Kind.CSV:
        yield from _csv_items(files[0], run.channel)
    else:
        yield from _json_items(files[0], run.channel)


def _read_eml(path: Path) -> Incoming:
    """An .eml file; one over the size cap is read up to its header only."""
    if path.stat().st_size <= imap.max_message_bytes():
        return parse_email(path.read_bytes())
    head = b""
    with path.open("rb") as stream:
        while b"\r\n\r\n" not in head and b"\n\n" not in head and len(head) < 1 << 20:
            chunk = stream.read(65536)
            if not chunk:
                break
            head += chunk
    header = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return _oversized(header)


def _mbox_items(path: Path) -> Iterator[Item]:
    box = mailbox_lib.mbox(str(path), create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield (
                _("message %d") % number,
                lambda k=key: parse_email(box.get_bytes(k)),
            )
    finally:
        box.close()


def _text_file(path: Path) -> str:
    return decode_bytes(path.read_bytes())


def _csv_items(path: Path, channel: str) -> Iterator[Item]:
    reader = csv.DictReader(io.StringIO(_text_file(path), newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if missing := missing_columns(columns):
        raise ParseError(
            _(
                "The CSV file lacks the required columns: %(missing)s. "
                "It has: %(present)s."
            )
            % {"missing": ", ".join(missing), "present": ", ".join(columns) or "-"}
        )
    for number, row in enumerate(reader, start=2):
        yield _("row %d") % number, lambda r=row: parse_row(r, channel)


def _json_items(path: Path, channel: str) -> Iterator[Item]:
    try:
        data = json.loads(_text_file(path))
    except json.JSONDecodeError as exc:
        raise ParseError(_("The file is not valid JSON: %s") % exc) from exc
    if isinstance(data, dict):
        data = data.get("messages")
    if not isinstance(data, list):
        raise ParseError(_('JSON must be a list of messages or {"messages": [...]}.'))
    for number, item in enumerate(data, start=1):
        yield _("item %d") % number, lambda i=item: _json_item(i, channel)


def _json_item(item: Any, channel: str) -> Incoming:
    if not isinstance(item, dict):
        raise ParseError(_("Each item must be an object."))
    if missing := missing_columns(list(item)):
        raise ParseError(_("Missing fields: %s") % ", ".join(missing))
    return parse_row(item, channel)


# --- IMAP ---------------------------------------------------------------------


def _poll(run: Import) -> None:
    mailbox = run.mailbox
    if mailbox is None:
        raise imap.MailboxError(_("The mailbox was deleted."))
    try:
        password = services.mailbox_password(mailbox)
        with imap.connect(mailbox, password) as client:
            validity = imap.uid_validity(client)
            after = mailbox.last_uid if mailbox.uid_validity == validity else 0
            uids = imap.new_uids(client, after)
            _store_all(run, _imap_items(client, uids, mailbox), None)
    except Exception as exc:
        mailbox.last_error = str(exc)[:2000]
        mailbox.last_polled_at = timezone.now()
        mailbox.save(update_fields=["last_error", "last_polled_at"])
        raise
    mailbox.uid_validity = validity
    mailbox.last_polled_at = timezone.now()
    mailbox.last_error = ""
    mailbox.save(
        update_fields=["uid_validity", "last_uid", "last_polled_at", "last_error"]
    )


def _imap_items(client: Any, uids: list[int], mailbox: Any) -> Iterator[Item]:
    for uid, raw in imap.fetch(client, uids):
        if raw is None:
            header = imap.fetch_header(client, uid)
            yield _("UID %d") % uid, lambda h=header: _oversized(h)
        else:
            yield _("UID %d") % uid, lambda r=raw: parse_email(r)
        # Moved forward after each item, so a crash refetches at most one.
        mailbox.last_uid = max(mailbox.last_uid, uid)


def _oversized(header: bytes) -> Incoming:
    incoming = parse_email(header + b"\r\n")
    incoming.text = _(
        "(The message is larger than the size limit; only its header was fetched.)"
    )
    return incoming
