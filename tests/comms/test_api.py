"""The messages, mailboxes and imports API: writes, idempotency, permissions."""

from __future__ import annotations

import pytest

from rapport.comms.models import Mailbox, Message
from tests.comms.factories import MessageFactory
from tests.factories import CompanyFactory


def _body(**extra):
    return {
        "channel": "chat",
        "direction": "inbound",
        "sender_name": "王芳",
        "sender_address": "wang@customer.cn",
        "text": "你好，货什么时候到？",
        "sent_at": "2026-05-01T09:00:00+08:00",
        "external_id": "wechat-1",
        **extra,
    }


def test_create_message_then_repeat_is_idempotent(api_as, rep, customer):
    api = api_as(rep)

    first = api.post("/messages", _body())
    again = api.post("/messages", _body(text="changed but same id"))

    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    body = first.json()
    assert body["company_id"] == customer.company_id
    assert body["contact_ids"] == [customer.pk]
    assert first["ETag"] and first["Location"].endswith(f"/messages/{body['id']}")


def test_create_message_validation_lists_every_field(api_as, rep):
    response = api_as(rep).post(
        "/messages", {"channel": "fax", "direction": "up", "unknown": 1}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"channel", "direction", "unknown"} <= fields


def test_empty_message_is_refused(api_as, rep):
    response = api_as(rep).post("/messages", {"text": "  "})
    assert (
        response.status_code == 422 and response.json()["code"] == "validation_failed"
    )


def test_links_outside_scope_are_refused(api_as, rep, outsider):
    theirs = CompanyFactory(owner=outsider)
    response = api_as(rep).post("/messages", _body(company_id=theirs.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "company_id"


def test_batch_reports_each_item(api_as, rep, customer):
    response = api_as(rep).post(
        "/messages/batch",
        {
            "messages": [
                _body(external_id="b1"),
                _body(external_id="b1"),
                {"direction": "inbound"},
                _body(external_id="b2", direction="sideways"),
            ]
        },
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["created"], data["duplicates"], data["errors"]) == (1, 1, 2)
    assert [i["status"] for i in data["items"]] == [
        "created",
        "duplicate",
        "error",
        "error",
    ]
    assert Message.objects.count() == 1


def test_list_is_scoped_and_filtered(api_as, rep, manager, outsider, customer):
    mine = MessageFactory(owner=rep, company=customer.company, channel="call")
    MessageFactory(owner=rep, company=customer.company, channel="email")
    MessageFactory(owner=outsider)

    rows = api_as(manager).get("/messages", {"channel": "call"}).json()["items"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert (
        api_as(outsider)
        .get("/messages", {"company": customer.company_id})
        .json()["items"]
        == []
    )


def test_list_has_no_n_plus_one(api_as, rep, customer, django_assert_max_num_queries):
    for _ in range(30):
        MessageFactory(owner=rep, company=customer.company)
    api = api_as(rep)
    with django_assert_max_num_queries(8):
        response = api.get("/messages", {"limit": 30})
    assert len(response.json()["items"]) == 30


def test_other_team_gets_404_on_detail_and_patch(api_as, rep, outsider, customer):
    message = MessageFactory(owner=rep, company=customer.company)
    api = api_as(outsider)
    assert api.get(f"/messages/{message.pk}").status_code == 404
    assert api.patch(f"/messages/{message.pk}", {"project_id": 3}).status_code == 404


def test_detail_sanitises_html(api_as, rep):
    message = MessageFactory(
        owner=rep, html='<p onclick="x()">Hi</p><script>alert(1)</script>'
    )
    body = api_as(rep).get(f"/messages/{message.pk}").json()
    assert body["html_sanitised"] == "<p>Hi</p>"


def test_relink_with_stale_version_is_412(api_as, rep, customer):
    message = MessageFactory(owner=rep)
    api = api_as(rep)
    stale = f'"{message.pk}-{message.version + 5}"'
    response = api.patch(
        f"/messages/{message.pk}",
        {"company_id": customer.company_id},
        **{"If-Match": stale},
    )
    assert response.status_code == 412
    ok = api.patch(f"/messages/{message.pk}", {"company_id": customer.company_id})
    assert ok.status_code == 200 and ok.json()["company_id"] == customer.company_id


def test_read_only_role_may_not_create(api_as, make_user):
    finance = make_user("finance")
    assert api_as(finance).post("/messages", _body()).status_code == 403


@pytest.fixture
def mailbox_body():
    return {
        "name": "Inbox",
        "host": "127.0.0.1",
        "port": 1,
        "security": "none",
        "username": "sales",
        "password": "s3cret-pass",
    }


def test_mailbox_api_never_returns_the_password(api_as, rep, mailbox_body):
    api = api_as(rep)
    created = api.post("/mailboxes", mailbox_body)
    assert created.status_code == 201
    assert "s3cret-pass" not in created.content.decode()
    assert "password" not in created.json()
    stored = Mailbox.objects.get().password_encrypted
    assert "s3cret-pass" not in stored


def test_mailbox_test_reports_a_refused_connection(api_as, rep, mailbox_body):
    api = api_as(rep)
    mailbox_id = api.post("/mailboxes", mailbox_body).json()["id"]
    result = api.post(f"/mailboxes/{mailbox_id}/test").json()
    assert result["ok"] is False and "127.0.0.1" in result["detail"]


def test_mailboxes_of_another_team_are_404(api_as, rep, outsider, mailbox_body):
    mailbox_id = api_as(rep).post("/mailboxes", mailbox_body).json()["id"]
    api = api_as(outsider)
    assert api.get(f"/mailboxes/{mailbox_id}").status_code == 404
    assert api.patch(f"/mailboxes/{mailbox_id}", {"name": "x"}).status_code == 404
    assert api.delete(f"/mailboxes/{mailbox_id}").status_code == 404
    assert api.post(f"/mailboxes/{mailbox_id}/poll").status_code == 404
    assert api.get("/mailboxes").json() == []


def test_import_upload_through_the_api(api_as, rep, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = api_as(rep)
    csv = b"sent_at,direction,text\n2026-01-01 10:00,inbound,hello\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.client.post(
            "/api/v1/imports",
            {"files": [SimpleUploadedFile("calls.csv", csv)], "channel": "call"},
        )
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    detail = api.get(f"/imports/{run_id}").json()
    assert detail["status"] == "succeeded" and detail["created_count"] == 1
    assert [r["id"] for r in api.get("/imports").json()["items"]] == [run_id]


def test_imports_of_another_team_are_404(
    api_as, rep, outsider, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(rep).client.post(
            "/api/v1/imports", {"files": [SimpleUploadedFile("a.json", b"[]")]}
        )
    run_id = response.json()["id"]
    assert api_as(outsider).get(f"/imports/{run_id}").status_code == 404
    assert api_as(outsider).get("/imports").json()["items"] == []
