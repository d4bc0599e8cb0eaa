"""Shapes of the comms API: messages in and out, mailboxes, imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from rapport.core.api import Id, InputSchema, ListQuery, Moment, omitted, sorted_by

ChannelName = Literal["email", "call", "social", "chat", "note"]
DirectionName = Literal["inbound", "outbound"]


class PersonIn(InputSchema):
    """A recipient: a name and an e-mail address, phone number or handle."""

    name: str = Field("", max_length=200)
    address: str = Field("", max_length=254)
    kind: Literal["to", "cc"] = "to"


class AttachmentOut(Schema):
    """The name and size of an attachment (its bytes are not kept)."""

    name: str
    size: int = 0
    content_type: str = ""


class MessageIn(InputSchema):
    """A message to store. Sending the same one again stores nothing new: the
    `external_id` (or, without one, channel + sender + time + text) identifies it."""

    channel: ChannelName = "email"
    direction: DirectionName = "inbound"
    sender_name: str = Field("", max_length=200)
    sender_address: str = Field("", max_length=254)
    recipients: list[PersonIn] = Field(default_factory=list, max_length=200)
    subject: str = Field("", max_length=300)
    text: str = Field("", max_length=100_000)
    html: str = Field("", max_length=100_000)
    sent_at: Moment | None = None
    external_id: str = Field(
        "", max_length=255, description="Message-ID or the channel's id."
    )
    thread_key: str = Field("", max_length=255, description="Conversation id.")
    in_reply_to: str = Field("", max_length=255)
    duration_seconds: int | None = Field(None, ge=0)
    company_id: Id | None = None
    deal_id: Id | None = None
    project_id: Id | None = None
    contact_ids: list[Id] = Field(default_factory=list, max_length=50)


class MessageBatchIn(InputSchema):
    """Up to 500 messages; each is stored or reported on its own."""

    messages: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class MessageOut(Schema):
    """A message from any channel, with the records it is linked to."""

    id: int
    channel: str
    direction: str
    source: str
    sender_name: str
    sender_address: str
    recipients: list[dict[str, Any]]
    subject: str
    text: str
    language: str
    sent_at: datetime
    external_id: str
    thread_key: str
    attachments: list[dict[str, Any]]
    duration_seconds: int | None
    company_id: int | None
    deal_id: int | None
    project_id: int | None
    owner_id: int
    team_id: int | None
    version: int


class MessageDetailOut(MessageOut):
    """A message with its HTML, sanitised for display, and its contacts."""

    html_sanitised: str
    contact_ids: list[int]


class BatchItemOut(Schema):
    """What happened to one message of a batch."""

    index: int
    status: Literal["created", "duplicate", "error"]
    id: int | None = None
    errors: list[dict[str, str]] | None = None


class BatchOut(Schema):
    """The outcome of each message of a batch, in order."""

    created: int
    duplicates: int
    errors: int
    items: list[BatchItemOut]


class MessageFilter(ListQuery):
    """Filters and sort of the message list."""

    sort: str = sorted_by("sent_at", "id", default="-sent_at")
    channel: ChannelName | None = None
    direction: DirectionName | None = None
    company: Id | None = omitted(description="Company id.")
    contact: Id | None = omitted(description="Contact id.")
    deal: Id | None = omitted(description="Deal id.")
    project: Id | None = omitted(description="Project id.")
    thread: str | None = omitted(max_length=255, description="Thread key.")
    q: str | None = omitted(
        max_length=100, description="Text in subject, sender or text."
    )
    sent_after: Moment | None = None
    sent_before: Moment | None = None


class RelinkIn(InputSchema):
    """Correct what a message is linked to."""

    company_id: Id | None = omitted()
    deal_id: Id | None = omitted()
    project_id: Id | None = omitted()


class MailboxIn(InputSchema):
    """An IMAP mailbox to poll; the password is stored encrypted, never returned."""

    name: str = Field(min_length=1, max_length=100)
    host: str = Field(min_length=1, max_length=200)
    port: int = Field(993, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=500)
    folder: str = Field("INBOX", min_length=1, max_length=200)
    enabled: bool = True


class MailboxPatch(InputSchema):
    """Mailbox settings to change; a new password replaces the stored one."""

    name: str = omitted(min_length=1, max_length=100)
    host: str = omitted(min_length=1, max_length=200)
    port: int = omitted(ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = omitted()
    username: str = omitted(min_length=1, max_length=200)
    password: str = omitted(min_length=1, max_length=500)
    folder: str = omitted(min_length=1, max_length=200)
    enabled: bool = omitted()


class MailboxOut(Schema):
    """An IMAP mailbox and how its last poll went (never the password)."""

    id: int
    name: str
    host: str
    port: int
    security: str
    username: str
    folder: str
    enabled: bool
    uid_validity: int | None
    last_uid: int
    last_polled_at: datetime | None
    last_error: str
    owner_id: int
    version: int


class ConnectionOut(Schema):
    """The result of a test login."""

    ok: bool
    detail: str


class ImportOut(Schema):
    """One import run with its counts and per-item errors."""

    id: int
    kind: str
    channel: str
    filename: str
    mailbox_id: int | None
    job_id: int | None
    status: str
    total: int
    created_count: int
    duplicate_count: int
    error_count: int
    errors: list[dict[str, str]]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportFilter(ListQuery):
    """Sort of the import list."""

    sort: str = sorted_by("id", default="-id")
