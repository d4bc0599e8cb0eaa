"""Turn raw e-mail bytes and CSV/JSON rows into `Incoming` messages.

Parsing never touches the database. Bad input raises `ParseError` with a
readable reason, which the importer records against that one item while it goes
on with the rest. Chinese mail comes in many encodings: a declared charset is
trusted first (GB2312 and GBK are read as their superset GB18030, Big5 as
Big5-HKSCS), then UTF-8 (with or without a BOM), GB18030 and Big5 are tried,
and as a last resort undecodable bytes are replaced, never dropped silently.
"""

from __future__ import annotations

import email
import hashlib
import html as html_lib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

MAX_TEXT = 100_000  # characters of text and of HTML kept per message
MAX_SUBJECT = 300
CHANNELS = ("email", "call", "social", "chat", "note")
DIRECTIONS = ("inbound", "outbound")

_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "utf8": "utf-8",
    "unknown-8bit": "",
    "us-ascii": "utf-8",  # mislabelled 8-bit mail is far more often UTF-8
}
_BOM = b"\xef\xbb\xbf"


class ParseError(ValueError):
    """An item that cannot be read as a message; the text says why."""


@dataclass
class Incoming:
    """A message read from some channel, before it is linked and stored."""

    channel: str = "email"
    direction: str = "inbound"
    sender_name: str = ""
    sender_address: str = ""
    recipients: list[dict[str, str]] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    html: str = ""
    sent_at: datetime | None = None
    external_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    thread_key: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    duration_seconds: int | None = None
    company_id: int | None = None
    deal_id: int | None = None
    project_id: int | None = None
    contact_ids: list[int] = field(default_factory=list)

    def fingerprint(self) -> str:
        """The same message, however often it arrives, has the same fingerprint."""
        if self.external_id:
            basis = f"id\x00{self.external_id.lower()}"
        else:
            when = self.sent_at.isoformat() if self.sent_at else ""
            basis = "\x00".join(
                [
                    self.channel,
                    self.sender_address.lower(),
                    self.sender_name,
                    when,
                    self.subject,
                    self.text,
                ]
            )
        return hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()

    def conversation(self) -> str:
        """The thread key: the root of the e-mail thread, else its own id."""
        if self.thread_key:
            return self.thread_key[:255]
        for candidate in (*self.references[:1], self.in_reply_to, self.external_id):
            if candidate:
                return candidate[:255]
        return ""


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes in a declared or guessed encoding; never raises."""
    if data.startswith(_BOM):
        return data[len(_BOM) :].decode("utf-8", "replace")
    name = (charset or "").strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    if name:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # GB18030 accepts almost any bytes, so Big5 read as GB18030 "succeeds" as
    # nonsense; of the readings that work, keep the one that looks most like text.
    readings = []
    for encoding in ("gb18030", "big5hkscs"):
        try:
            readings.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    if readings:
        return max(readings, key=_plausibility)
    return data.decode(name if _known(name) else "utf-8", "replace")


def _plausibility(text: str) -> int:
    """Common characters count for a reading, odd ones (private use, kana,
    box drawing, symbols) against it."""
    score = 0
    for ch in text:
        code = ord(ch)
        if (
            code < 0x80
            or 0x4E00 <= code <= 0x9FFF
            or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFF5E
        ):
            score += 1
        else:
            score -= 2
    return score


def _known(encoding: str) -> bool:
    try:
        "".encode(encoding)
    except LookupError:
        return False
    return bool(encoding)


def html_to_text(markup: str) -> str:
    """Readable plain text of an HTML body (scripts and styles dropped)."""
    import nh3

    markup = re.sub(r"(?i)<(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", "\n", markup)
    stripped = nh3.clean(markup, tags=set(), clean_content_tags={"script", "style"})
    text = html_lib.unescape(stripped)
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t\r\f\v]+", " ", text)).strip()


def _fix_header(value: str, charset: str | None) -> str:
    """Re-decode a header whose raw 8-bit bytes (often GBK) arrived undeclared."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        raw = value.encode("utf-8", "surrogateescape")
        return decode_bytes(raw, charset)
    return value


def _message_ids(value: str) -> list[str]:
    return [m.strip() for m in re.findall(r"<([^<>\s]+)>", value)] or (
        [value.strip("<> ")] if value.strip() else []
    )


def _payload_size(part: Message) -> int:
    """The decoded size of a part, estimated from its encoded form (no copy)."""
    encoded = part.get_payload(decode=False)
    if not isinstance(encoded, str):
        return 0
    transfer = str(part.get("Content-Transfer-Encoding", "")).lower()
    if transfer == "base64":
        compact = len(encoded) - encoded.count("\n") - encoded.count("\r")
        return max(0, compact * 3 // 4 - encoded.rstrip().count("=", -2))
    return len(encoded)


def _body_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_bytes(payload, part.get_content_charset())


def parse_email(raw: bytes, default_charset: str | None = None) -> Incoming:
    """An `Incoming` e-mail from the bytes of one RFC 5322 message."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    if not raw.strip():
        raise ParseError(_("The file is empty."))
    message = email.message_from_bytes(raw, policy=policy.compat32)
    head = raw[:8192].lstrip()
    if not re.match(rb"^[!-9;-~]+:", head) or not any(
        message.get(h) for h in ("From", "Date", "Message-ID", "Subject")
    ):
        raise ParseError(
            _("Not an e-mail: no From, Date, Message-ID or Subject header.")
        )
    charset = message.get_content_charset() or default_charset

    incoming = Incoming(channel="email")
    incoming.subject = _decoded_header(message, "Subject", charset)[:MAX_SUBJECT]
    senders = _decoded_addresses(message, "From", charset)
    if senders:
        incoming.sender_name, incoming.sender_address = senders[0]
    incoming.recipients = [
        {"name": n, "address": a, "kind": kind.lower()}
        for kind in ("To", "Cc")
        for n, a in _decoded_addresses(message, kind, charset)
    ]
    incoming.sent_at = _date(message.get("Date"))
    ids = _message_ids(str(message.get("Message-ID", "")))
    incoming.external_id = ids[0][:255] if ids else ""
    replies = _message_ids(str(message.get("In-Reply-To", "")))
    incoming.in_reply_to = replies[0][:255] if replies else ""
    incoming.references = _message_ids(str(message.get("References", "")))
    _read_parts(message, incoming)
    return incoming


def _decoded_header(message: Message, name: str, charset: str | None) -> str:
    """A header with its RFC 2047 words decoded, whatever their charset."""
    from email.header import decode_header

    raw = message.get(name)
    if raw is None:
        return ""
    parts = []
    try:
        pieces = decode_header(raw)
    except Exception:
        pieces = [(str(raw), None)]
    for value, encoding in pieces:
        if isinstance(value, bytes):
            if not encoding or encoding.lower() == "unknown-8bit":
                encoding = charset
            parts.append(decode_bytes(value, encoding))
        else:
            parts.append(_fix_header(value, charset))
    return " ".join("".join(parts).split())


def _decoded_addresses(
    message: Message, name: str, charset: str | None
) -> list[tuple[str, str]]:
    raw = message.get_all(name) or []
    found = []
    for display, address in getaddresses([str(v) for v in raw]):
        if not (display or address):
            continue
        found.append((_decode_words(display, charset), address.strip().lower()))
    return found


def _decode_words(value: str, charset: str | None) -> str:
    from email.header import decode_header

    try:
        pieces = decode_header(value)
    except Exception:
        return _fix_header(value, charset)
    return (
        "".join(
            decode_bytes(v, e or charset)
            if isinstance(v, bytes)
            else _fix_header(v, charset)
            for v, e in pieces
        )
        .strip()
        .strip('"')
    )


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _read_parts(message: Message, incoming: Incoming) -> None:
    plain: list[str] = []
    markup: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = str(part.get("Content-Disposition", "")).lower()
        filename = part.get_filename()
        content_type = part.get_content_type()
        if filename or disposition.startswith("attachment"):
            incoming.attachments.append(
                {
                    "name": _decode_words(filename or "", None)[:200] or _("(unnamed)"),
                    "size": _payload_size(part),
                    "content_type": content_type,
                }
            )
        elif content_type == "text/plain":
            plain.append(_body_text(part))
        elif content_type == "text/html":
            markup.append(_body_text(part))
    incoming.html = "\n".join(markup)[:MAX_TEXT]
    text = "\n\n".join(p.strip() for p in plain if p.strip())
    if not text and incoming.html:
        text = html_to_text(incoming.html)
    incoming.text = text[:MAX_TEXT]


# --- CSV and JSON rows --------------------------------------------------------

REQUIRED_COLUMNS = ("sent_at", "direction", "text")
OPTIONAL_COLUMNS = (
    "channel",
    "sender_name",
    "sender_address",
    "recipients",
    "subject",
    "duration_seconds",
    "thread_key",
    "external_id",
    "company_id",
    "deal_id",
    "project_id",
)


def missing_columns(columns: list[str] | set[str]) -> list[str]:
    """The required columns a CSV header or JSON object lacks."""
    present = {c.strip().lower() for c in columns if c}
    return [c for c in REQUIRED_COLUMNS if c not in present]


def parse_row(row: dict[str, Any], default_channel: str) -> Incoming:
    """An `Incoming` from one CSV row or JSON object (see docs/comms.md)."""
    values = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    errors = []

    def text(name: str, limit: int = 254) -> str:
        value = values.get(name)
        return "" if value is None else str(value).strip()[:limit]

    channel = text("channel").lower() or default_channel
    if channel not in CHANNELS:
        errors.append(_("channel must be one of %s") % ", ".join(CHANNELS))
    direction = text("direction").lower()
    if direction not in DIRECTIONS:
        errors.append(_("direction must be inbound or outbound"))
    sent_at = _row_time(values.get("sent_at"))
    if sent_at is None:
        errors.append(_("sent_at is not a date and time (use ISO 8601)"))
    body = text("text", MAX_TEXT)
    if not body:
        errors.append(_("text is empty"))
    numbers: dict[str, int | None] = {}
    for name in ("duration_seconds", "company_id", "deal_id", "project_id"):
        raw = text(name)
        try:
            numbers[name] = int(float(raw)) if raw else None
        except ValueError:
            errors.append(_("%s is not a number") % name)
    if errors:
        raise ParseError("; ".join(errors))

    recipients = [
        {"name": "", "address": a.strip().lower(), "kind": "to"}
        for a in re.split(r"[;,]", text("recipients", 2000))
        if a.strip()
    ]
    return Incoming(
        channel=channel,
        direction=direction,
        sender_name=text("sender_name", 200),
        sender_address=text("sender_address").lower(),
        recipients=recipients,
        subject=text("subject", MAX_SUBJECT),
        text=body,
        sent_at=sent_at,
        external_id=text("external_id", 255),
        thread_key=text("thread_key", 255),
        duration_seconds=numbers["duration_seconds"],
        company_id=numbers["company_id"],
        deal_id=numbers["deal_id"],
        project_id=numbers["project_id"],
    )


def _row_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        raw = str(value or "").strip().replace("/", "-")
        try:
            parsed = parse_datetime(raw) if raw else None
        except ValueError:
            parsed = None
        if parsed is None and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", raw):
            parsed = parse_datetime(raw + " 00:00")
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
