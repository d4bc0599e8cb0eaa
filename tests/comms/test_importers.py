"""File imports run as jobs: .eml, .mbox, CSV and JSON, with per-item errors."""

from __future__ import annotations

import io
import json
import mailbox as mailbox_lib
from pathlib import Path

import pytest

from rapport.comms import services
from rapport.comms.models import Import, Message
from rapport.core.errors import ValidationFailed
from rapport.core.models import Job
from tests.comms.factories import build_email

CSV_HEADER = (
    "sent_at,direction,sender_address,sender_name,text,duration_seconds,thread_key\n"
)


def _run(rep, files, channel="email", capture=None) -> Import:
    with capture(execute=True):
        run = services.start_import(
            rep, [(name, io.BytesIO(data)) for name, data in files], channel
        )
    run.refresh_from_db()
    return run


@pytest.fixture
def upload(rep, django_capture_on_commit_callbacks):
    def go(files, channel="email"):
        return _run(rep, files, channel, django_capture_on_commit_callbacks)

    return go


def test_eml_files_are_imported_as_one_job(upload, customer):
    run = upload(
        [
            ("a.eml", build_email(message_id="<a@x>")),
            ("b.eml", build_email(message_id="<b@x>", subject="报价")),
        ]
    )
    assert (run.status, run.total, run.created_count) == ("succeeded", 2, 2)
    assert Job.objects.get(pk=run.job_id).status == "succeeded"
    assert (
        Message.objects.filter(source_import=run, company=customer.company).count() == 2
    )


def test_bad_eml_is_an_item_error_and_the_rest_is_kept(upload):
    run = upload(
        [
            ("good.eml", build_email(message_id="<g@x>")),
            ("broken.eml", b"\x00\x01 garbage"),
            ("empty.eml", b""),
        ]
    )
    assert (run.status, run.created_count, run.error_count) == ("partial", 1, 2)
    assert {e["item"] for e in run.errors} == {"broken.eml", "empty.eml"}
    assert Message.objects.count() == 1


def test_same_upload_twice_stores_nothing_new(upload):
    files = [("a.eml", build_email(message_id="<same@x>"))]
    upload(files)
    again = upload(files)
    assert (again.created_count, again.duplicate_count) == (0, 1)
    assert Message.objects.count() == 1


def test_mbox_archive_with_mixed_encodings(upload, tmp_path):
    path = tmp_path / "archive.mbox"
    box = mailbox_lib.mbox(str(path))
    box.add(build_email(message_id="<u@x>", body="交付延期"))
    box.add(build_email(message_id="<g@x>", body="价格太高", charset="gb18030"))
    box.add(build_email(message_id="<b@x>", body="請盡快發貨", charset="big5"))
    box.flush()
    box.close()

    run = upload([("archive.mbox", Path(path).read_bytes())])

    assert (run.status, run.created_count) == ("succeeded", 3)
    texts = set(Message.objects.values_list("text", flat=True))
    assert {"交付延期", "价格太高", "請盡快發貨"} <= {t.strip() for t in texts}


def test_csv_calls_with_row_errors(upload, customer):
    content = (
        CSV_HEADER
        + "2026-03-01 09:30,inbound,13800138000,王芳,客户说交付延期,300,c1\n"
        + "not a date,inbound,13800138000,王芳,text,,c2\n"
        + "2026-03-02 10:00,sideways,,,,,c3\n"
        + "2026-03-03 11:00,outbound,13800138000,,回访：已安排发货,120,c4\n"
    )
    run = upload([("calls.csv", content.encode("gbk"))], channel="call")

    assert (run.status, run.created_count, run.error_count) == ("partial", 2, 2)
    assert [e["item"] for e in run.errors] == ["row 3", "row 4"]
    assert "direction" in run.errors[1]["error"] and "text" in run.errors[1]["error"]
    call = Message.objects.get(thread_key="c1")
    assert (call.channel, call.duration_seconds, call.company_id) == (
        "call",
        300,
        customer.company_id,
    )


def test_csv_missing_columns_fails_naming_them(upload):
    run = upload([("chat.csv", b"\xef\xbb\xbfwhen,who,text\n2026-01-01,a,b\n")], "chat")
    assert run.status == "failed" and Message.objects.count() == 0
    error = run.errors[0]["error"]
    assert (
        "sent_at" in error
        and "direction" in error
        and "text" not in error.split(":")[1].split(".")[0]
    )


def test_json_posts_with_an_invalid_item(upload):
    items = [
        {
            "sent_at": "2026-02-01T08:00:00+08:00",
            "direction": "inbound",
            "text": "好评！",
        },
        {"sent_at": "2026-02-01T08:00:00+08:00", "direction": "inbound"},
        "not an object",
    ]
    data = json.dumps({"messages": items}, ensure_ascii=False).encode()
    run = upload([("posts.json", data)], channel="social")
    assert (run.created_count, run.error_count) == (1, 2)
    assert Message.objects.get().channel == "social"


def test_invalid_json_is_a_clear_failure(upload):
    run = upload([("x.json", b"{not json")])
    assert run.status == "failed" and "JSON" in run.errors[0]["error"]


@pytest.mark.parametrize(
    "files",
    [
        [],
        [("notes.txt", b"x")],
        [("a.mbox", b""), ("b.mbox", b"")],
        [("a.eml", b""), ("b.csv", b"")],
    ],
)
def test_bad_uploads_are_refused_before_anything_is_saved(rep, files):
    with pytest.raises(ValidationFailed):
        services.start_import(rep, [(n, io.BytesIO(d)) for n, d in files])
    assert Import.objects.count() == 0


def test_huge_attachment_is_named_not_stored(upload):
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"], mail["Subject"], mail["Message-ID"] = "a@x", "Big", "<big@x>"
    mail.set_content("drawing attached")
    mail.add_attachment(
        b"\x01" * 8_000_000, maintype="application", subtype="pdf", filename="plan.pdf"
    )
    run = upload([("big.eml", mail.as_bytes())])
    message = Message.objects.get()
    assert run.created_count == 1
    assert message.attachments[0]["name"] == "plan.pdf"
    assert message.attachments[0]["size"] > 7_900_000
    assert len(message.text) < 100


def test_mbox_larger_than_one_commit_batch(upload, tmp_path):
    path = tmp_path / "many.mbox"
    box = mailbox_lib.mbox(str(path))
    for n in range(150):
        box.add(build_email(message_id=f"<many-{n}@x>", body=f"message {n}"))
    box.flush()
    box.close()

    run = upload([("many.mbox", Path(path).read_bytes())])

    assert (run.status, run.total, run.created_count) == ("succeeded", 150, 150)


def test_mail_sent_from_the_importers_address_is_outbound(upload, rep, customer):
    raw = build_email(
        sender=f"Rep <{rep.email.upper()}>", to="wang@customer.cn", message_id="<o@x>"
    )
    upload([("sent.eml", raw)])
    message = Message.objects.get()
    assert message.direction == "outbound"
    assert message.company_id == customer.company_id


def test_eml_over_the_size_cap_keeps_its_header_only(upload, settings):
    settings.COMMS_MAX_MESSAGE_BYTES = 5_000
    raw = build_email(subject="巨大的附件", body="x" * 20_000, message_id="<huge@x>")
    run = upload([("huge.eml", raw)])
    message = Message.objects.get()
    assert run.created_count == 1 and message.subject == "巨大的附件"
    assert "larger than the size limit" in message.text


def test_due_mailboxes_are_polled_once_at_a_time(
    rep, django_capture_on_commit_callbacks
):
    mailbox = services.create_mailbox(
        rep,
        {
            "name": "M",
            "host": "127.0.0.1",
            "port": 1,
            "security": "none",
            "username": "u",
            "password": "p",
        },
    )
    Import.objects.create(kind="imap", mailbox=mailbox, owner=rep, status="running")
    assert services.poll_due_mailboxes() == 0

    Import.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.poll_due_mailboxes() == 1
    run = Import.objects.get()
    assert run.status == "failed" and "127.0.0.1" in run.errors[0]["error"]
