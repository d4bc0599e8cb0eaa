"""IMAP: log in, and fetch only the messages newer than the last UID seen.

A mailbox remembers its folder's UIDVALIDITY and the highest UID fetched. When
the server reports another UIDVALIDITY the UIDs mean something else now, so the
folder is read again from the start; fingerprints keep that from storing any
message twice.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from rapport.comms.models import Mailbox

TIMEOUT = 30
BATCH = 50


class MailboxError(Exception):
    """The server could not be reached or refused us; the text says why."""


def max_message_bytes() -> int:
    return int(getattr(settings, "COMMS_MAX_MESSAGE_BYTES", 25 * 1024 * 1024))


@contextmanager
def connect(mailbox: Mailbox, password: str) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection with the mailbox's folder selected read-only."""
    try:
        if mailbox.security == "ssl":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.host,
                mailbox.port,
                ssl_context=ssl.create_default_context(),
                timeout=TIMEOUT,
            )
        else:
            client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)
            if mailbox.security == "starttls":
                client.starttls(ssl.create_default_context())
        client.login(mailbox.username, password)
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        raise MailboxError(
            _("Cannot log in to %(host)s: %(error)s")
            % {"host": mailbox.host, "error": exc}
        ) from exc
    try:
        status, _data = client.select(_quote(mailbox.folder), readonly=True)
        if status != "OK":
            raise MailboxError(_("The folder %s does not exist.") % mailbox.folder)
        yield client
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def uid_validity(client: imaplib.IMAP4) -> int:
    _typ, data = client.response("UIDVALIDITY")
    if data and data[0]:
        return int(data[0])
    raise MailboxError(_("The server did not report UIDVALIDITY."))


def check_connection(mailbox: Mailbox, password: str) -> str:
    """A short report of a successful login, or MailboxError."""
    with connect(mailbox, password) as client:
        _typ, data = client.response("EXISTS")
        count = int(data[-1]) if data and data[-1] else 0
    return _("Connected: %(count)d messages in %(folder)s.") % {
        "count": count,
        "folder": mailbox.folder,
    }


def new_uids(client: imaplib.IMAP4, after: int) -> list[int]:
    """The UIDs above `after`, in order (`N:*` always names the last one too)."""
    status, data = client.uid("SEARCH", f"UID {after + 1}:*")
    if status != "OK":
        raise MailboxError(_("The server refused to search the folder."))
    uids = [int(u) for u in (data[0] or b"").split()]
    return sorted(u for u in uids if u > after)


def fetch(client: imaplib.IMAP4, uids: list[int]) -> Iterator[tuple[int, bytes | None]]:
    """Each UID with its raw message, or None when it is over the size cap.

    Sizes are asked first, so a huge message is never downloaded: the
    importer then stores its header alone.
    """
    cap = max_message_bytes()
    for start in range(0, len(uids), BATCH):
        chunk = uids[start : start + BATCH]
        sizes = _sizes(client, chunk)
        for uid in chunk:
            if sizes.get(uid, 0) > cap:
                yield uid, None
                continue
            status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = _literal(data) if status == "OK" else None
            if raw is not None:
                yield uid, raw


def fetch_header(client: imaplib.IMAP4, uid: int) -> bytes:
    status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[HEADER])")
    return (_literal(data) or b"") if status == "OK" else b""


def _sizes(client: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    status, data = client.uid("FETCH", ",".join(map(str, uids)), "(RFC822.SIZE)")
    found: dict[int, int] = {}
    for item in data if status == "OK" else []:
        line = item.decode() if isinstance(item, bytes) else ""
        uid = re.search(r"UID (\d+)", line)
        size = re.search(r"RFC822\.SIZE (\d+)", line)
        if uid and size:
            found[int(uid.group(1))] = int(size.group(1))
    return found


def _literal(data: list) -> bytes | None:  # type: ignore[type-arg]
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return None
