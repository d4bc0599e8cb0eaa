"""Factories of comms records and builders of raw e-mail for tests."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import format_datetime

import factory
from django.utils import timezone

from rapport.comms.models import Message
from tests.factories import Scoped


class MessageFactory(Scoped):
    class Meta:
        model = Message

    channel = "email"
    direction = "inbound"
    subject = factory.Sequence(lambda n: f"Message {n}")
    text = "Hello"
    sender_address = "someone@example.com"
    sent_at = factory.LazyFunction(timezone.now)
    fingerprint = factory.Sequence(
        lambda n: hashlib.sha256(f"m{n}".encode()).hexdigest()
    )


def build_email(
    subject: str = "Hello",
    body: str = "Body text",
    sender: str = "Wang Fang <wang@customer.cn>",
    to: str = "sales@rapport.example",
    message_id: str | None = "<abc@customer.cn>",
    in_reply_to: str | None = None,
    html: str | None = None,
    charset: str = "utf-8",
) -> bytes:
    """The bytes of a well-formed e-mail."""
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = format_datetime(timezone.now().replace(microsecond=0))
    if message_id:
        mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content(body, charset=charset)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    return mail.as_bytes()
