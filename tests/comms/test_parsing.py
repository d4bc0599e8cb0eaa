"""Reading e-mail in every encoding Chinese mail arrives in, and bad input."""

from __future__ import annotations

import base64

import pytest

from rapport.comms.parsing import ParseError, decode_bytes, parse_email, parse_row
from tests.comms.factories import build_email

CHINESE = "交付延期了两周，非常不满意。"


def _raw_mail(body: bytes, charset: str | None, subject: bytes = b"Test") -> bytes:
    content_type = b"text/plain" + (f"; charset={charset}".encode() if charset else b"")
    return (
        b"From: Wang <wang@customer.cn>\r\nTo: sales@rapport.example\r\n"
        b"Subject: " + subject + b"\r\nDate: Mon, 2 Nov 2026 10:00:00 +0800\r\n"
        b"Message-ID: <m1@customer.cn>\r\nContent-Type: " + content_type + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body
    )


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "gb18030", "big5", "utf-8"])
def test_declared_charsets_are_decoded(charset):
    # given a body encoded in the declared charset (Big5 has traditional forms)
    text = "交付延期，非常不滿意。" if charset == "big5" else CHINESE
    raw = _raw_mail(text.encode(charset), charset)

    # when it is parsed
    incoming = parse_email(raw)

    # then the text reads as written
    assert incoming.text == text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5"])
def test_undeclared_charset_is_guessed(encoding):
    text = "交付延期，非常不滿意。" if encoding == "big5" else CHINESE
    incoming = parse_email(_raw_mail(text.encode(encoding), None))
    assert incoming.text == text


def test_utf8_with_bom_in_body_and_file():
    raw = b"\xef\xbb\xbf" + _raw_mail(b"\xef\xbb\xbf" + CHINESE.encode(), "utf-8")
    incoming = parse_email(raw)
    assert incoming.text == CHINESE
    assert incoming.external_id == "m1@customer.cn"


def test_raw_gbk_subject_header_is_decoded_with_the_body_charset():
    raw = _raw_mail(CHINESE.encode("gbk"), "gbk", subject="关于交付".encode("gbk"))
    assert parse_email(raw).subject == "关于交付"


def test_rfc2047_subject_and_sender_names():
    subject = (
        "=?GB2312?B?" + base64.b64encode("报价单".encode("gb2312")).decode() + "?="
    )
    name = "=?big5?B?" + base64.b64encode("陳大文".encode("big5")).decode() + "?="
    raw = (
        f"From: {name} <chan@hk.example>\r\nSubject: {subject}\r\n"
        "Date: Mon, 2 Nov 2026 10:00:00 +0800\r\n\r\nhi\r\n"
    ).encode()
    incoming = parse_email(raw)
    assert incoming.subject == "报价单"
    assert (incoming.sender_name, incoming.sender_address) == (
        "陳大文",
        "chan@hk.example",
    )


def test_wrong_declared_charset_falls_back_without_losing_text():
    # declared utf-8 but really GBK: decoded by the fallback chain
    incoming = parse_email(_raw_mail(CHINESE.encode("gbk"), "utf-8"))
    assert incoming.text == CHINESE


def test_unknown_charset_name_falls_back():
    incoming = parse_email(_raw_mail(CHINESE.encode(), "x-klingon"))
    assert incoming.text == CHINESE


def test_bytes_in_no_encoding_are_replaced_not_dropped():
    text = decode_bytes(b"ok \xff\xfe\xfa end")
    assert text.startswith("ok") and text.endswith("end")


def test_empty_body_is_a_message_without_text():
    incoming = parse_email(_raw_mail(b"", "utf-8"))
    assert incoming.text == "" and incoming.subject == "Test"


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"just some text, not a mail", b"\x00\x01\x02binary"],
)
def test_malformed_input_is_a_parse_error(raw):
    with pytest.raises(ParseError):
        parse_email(raw)


def test_html_only_mail_gets_text_without_script():
    raw = build_email(
        body="",
        html="<p>Hello <b>there</b></p><script>alert(1)</script><p>Bye</p>",
    )
    incoming = parse_email(raw)
    assert "<script>" in incoming.html  # kept raw, sanitised on display
    assert "alert" not in incoming.text
    assert "Hello there" in incoming.text and "Bye" in incoming.text


def test_attachment_keeps_name_and_size_not_bytes():
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"], mail["Subject"] = "a@b.example", "Drawing"
    mail.set_content("see attached")
    blob = b"\x00" * 3_000_000
    mail.add_attachment(
        blob, maintype="application", subtype="octet-stream", filename="图纸.dwg"
    )
    incoming = parse_email(mail.as_bytes())
    (attachment,) = incoming.attachments
    assert attachment["name"] == "图纸.dwg"
    assert abs(attachment["size"] - len(blob)) < 4
    assert "data" not in attachment and incoming.text == "see attached"


def test_thread_key_is_the_root_of_the_references():
    raw = build_email(message_id="<c@x>", in_reply_to="<root@x>")
    incoming = parse_email(raw)
    assert incoming.conversation() == "root@x"
    assert parse_email(build_email(message_id="<solo@x>")).conversation() == "solo@x"


def test_fingerprint_is_stable_and_distinct():
    a = parse_email(build_email(message_id="<one@x>"))
    b = parse_email(build_email(message_id="<one@x>", subject="other"))
    c = parse_email(build_email(message_id=None, body="x"))
    d = parse_email(build_email(message_id=None, body="y"))
    assert a.fingerprint() == b.fingerprint()
    assert c.fingerprint() != d.fingerprint()


def test_row_errors_name_every_bad_field():
    with pytest.raises(ParseError) as caught:
        parse_row({"sent_at": "yesterday", "direction": "sideways", "text": ""}, "call")
    message = str(caught.value)
    assert "sent_at" in message and "direction" in message and "text" in message


def test_row_is_read_with_optional_columns():
    incoming = parse_row(
        {
            "sent_at": "2026-03-01 09:30",
            "direction": "Inbound",
            "text": "电话里客户说还没发货",
            "sender_address": "13800138000",
            "duration_seconds": "320",
            "thread_key": "call-77",
        },
        "call",
    )
    assert incoming.channel == "call" and incoming.direction == "inbound"
    assert incoming.duration_seconds == 320 and incoming.sent_at.year == 2026
