"""Messages from every channel, the mailboxes they are polled from, and imports.

A message is scoped like the company it belongs to (owner and team copied from
the company when it is linked), else like the mailbox or the person who
imported it. Links to the CRM are foreign keys by label ("crm.Company"), so no
CRM module is imported; the project is an integer id read through
`rapport.projects.selectors`, which keeps comms independent of that app.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.models import ScopedModel


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    CALL = "call", _("Call")
    SOCIAL = "social", _("Social post")
    CHAT = "chat", _("Chat")
    NOTE = "note", _("Note")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Source(models.TextChoices):
    UPLOAD = "upload", _("Upload")
    IMAP = "imap", _("IMAP mailbox")
    FILE = "file", _("CSV or JSON file")
    API = "api", _("API")
    MANUAL = "manual", _("Entered by hand")
    DEMO = "demo", _("Demo data")


class Mailbox(ScopedModel):
    """An IMAP mailbox polled by the worker; its password is stored encrypted."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (loopback or trusted network only)")

    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("host"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=200)
    password_encrypted = models.TextField(editable=False, blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    enabled = models.BooleanField(_("poll automatically"), default=True)
    uid_validity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]

    def __str__(self) -> str:
        return self.name


class Import(ScopedModel):
    """One run of ingestion: a file uploaded or a mailbox polled, with its outcome."""

    class Kind(models.TextChoices):
        EML = "eml", _(".eml files")
        MBOX = "mbox", _(".mbox archive")
        CSV = "csv", _("CSV file")
        JSON = "json", _("JSON file")
        IMAP = "imap", _("IMAP poll")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Finished with errors")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    filename = models.CharField(_("file"), max_length=255, blank=True)
    stored_path = models.CharField(max_length=500, blank=True, editable=False)
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    job_id = models.BigIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("items read"), default=0)
    created_count = models.PositiveIntegerField(_("messages stored"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"item": "row 7" | "message 3" | "uid 42", "error": "..."}], capped.
    errors = models.JSONField(_("item errors"), default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}".strip()


class Message(ScopedModel):
    """One e-mail, call, social post, chat message or note, linked to the CRM."""

    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=Direction.choices,
        default=Direction.INBOUND,
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    sender_name = models.CharField(_("sender"), max_length=200, blank=True)
    # An e-mail address, a phone number or a social handle, lower-cased.
    sender_address = models.CharField(_("sender address"), max_length=254, blank=True)
    # [{"name": "...", "address": "...", "kind": "to" | "cc"}]
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Kept as received; pages only ever show it sanitised (comms.sanitize).
    html = models.TextField(_("HTML"), blank=True)
    # Filled by the analysis in the worker ("zh", "en", "mixed"); empty until then.
    language = models.CharField(_("language"), max_length=8, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    # The e-mail's Message-ID (without angle brackets) or a channel's message id.
    external_id = models.CharField(_("message id"), max_length=255, blank=True)
    # Shared by every message of one conversation: the root Message-ID of an
    # e-mail thread, or a call/chat conversation id.
    thread_key = models.CharField(_("thread"), max_length=255, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    # [{"name": "...", "size": 123, "content_type": "...", "stored": false}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    duration_seconds = models.PositiveIntegerField(
        _("call duration (s)"), null=True, blank=True
    )
    # Makes the same message stored once: a hash of the Message-ID, or of the
    # channel, sender, time and text when there is none.
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    company = models.ForeignKey(
        "crm.Company",
        verbose_name=_("company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    contacts = models.ManyToManyField(
        "crm.Contact",
        verbose_name=_("contacts"),
        related_name="messages",
        blank=True,
    )
    deal = models.ForeignKey(
        "crm.Deal",
        verbose_name=_("deal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    # The projects app owns its model; this id is resolved through its selectors.
    project_id = models.BigIntegerField(_("project"), null=True, blank=True)
    mailbox = models.ForeignKey(
        Mailbox,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        editable=False,
    )
    source_import = models.ForeignKey(
        Import,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        editable=False,
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["company", "-sent_at"]),
            models.Index(fields=["deal", "-sent_at"]),
            models.Index(fields=["project_id", "-sent_at"]),
            models.Index(fields=["owner", "-sent_at"]),
            models.Index(fields=["team", "-sent_at"]),
            models.Index(fields=["-sent_at"]),
            models.Index(fields=["thread_key"]),
            models.Index(fields=["external_id"]),
        ]

    def __str__(self) -> str:
        return self.subject or self.text[:60] or f"{self.channel} #{self.pk}"
