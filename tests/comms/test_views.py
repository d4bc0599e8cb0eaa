"""Comms pages: lists, detail, panels, uploads, mailboxes; scope and safety."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rapport.comms.badges import Badge, register_badges, unregister_badges
from rapport.comms.models import Import, Mailbox
from tests.comms.factories import MessageFactory, build_email
from tests.factories import ContactFactory, DealFactory


@pytest.fixture
def browser_as(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def test_list_shows_visible_messages_and_filters(browser_as, rep, outsider, customer):
    MessageFactory(
        owner=rep, company=customer.company, subject="延期交付", channel="email"
    )
    MessageFactory(
        owner=rep, company=customer.company, subject="Call notes", channel="call"
    )
    MessageFactory(owner=outsider, subject="Secret of another team")

    html = browser_as(rep).get(reverse("comms:message_list")).content.decode()
    assert "延期交付" in html and "Call notes" in html and "Secret" not in html

    calls = browser_as(rep).get(reverse("comms:message_list"), {"channel": "call"})
    assert "Call notes" in calls.content.decode()
    assert "延期交付" not in calls.content.decode()


def test_list_queries_do_not_grow_with_rows(
    browser_as, rep, customer, django_assert_max_num_queries
):
    for _ in range(40):
        MessageFactory(owner=rep, company=customer.company)
    client = browser_as(rep)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("comms:message_list"))
    assert response.status_code == 200


def test_detail_of_another_team_is_404(browser_as, rep, outsider):
    message = MessageFactory(owner=rep)
    response = browser_as(outsider).get(
        reverse("comms:message_detail", args=[message.pk])
    )
    assert response.status_code == 404


def test_detail_shows_sanitised_html_in_a_sandbox(browser_as, rep):
    message = MessageFactory(
        owner=rep,
        html='<p>Dear</p><script>alert("x")</script><img src=x onerror="alert(1)">',
    )
    html = (
        browser_as(rep)
        .get(reverse("comms:message_detail", args=[message.pk]))
        .content.decode()
    )
    assert 'sandbox=""' in html
    assert "<script>alert" not in html and "onerror" not in html
    assert "&lt;p&gt;Dear&lt;/p&gt;" in html  # escaped into srcdoc


def test_company_contact_and_deal_pages_show_the_messages_panel(
    browser_as, rep, customer
):
    deal = DealFactory(owner=rep, company=customer.company)
    message = MessageFactory(
        owner=rep, company=customer.company, deal=deal, subject="质量问题"
    )
    message.contacts.add(customer)
    client = browser_as(rep)
    for url in (
        reverse("crm:company_detail", args=[customer.company_id]),
        reverse("crm:contact_detail", args=[customer.pk]),
        reverse("crm:deal_detail", args=[deal.pk]),
    ):
        html = client.get(url).content.decode()
        assert 'id="messages-panel"' in html and "质量问题" in html, url


def test_panel_hides_messages_the_viewer_may_not_see(
    browser_as, rep, make_user, customer
):
    MessageFactory(owner=rep, company=customer.company, subject="Rep only")
    other_rep = make_user("sales_rep")
    contact = ContactFactory(owner=other_rep)
    html = (
        browser_as(other_rep)
        .get(reverse("crm:contact_detail", args=[contact.pk]))
        .content.decode()
    )
    assert "Rep only" not in html


def test_badges_hook_adds_labels_without_comms_knowing_who(browser_as, rep, customer):
    message = MessageFactory(owner=rep, company=customer.company)
    register_badges(
        "test.mood", lambda rows: {m.pk: [Badge("负面", "danger")] for m in rows}
    )
    register_badges("test.broken", lambda rows: 1 / 0)
    try:
        html = browser_as(rep).get(reverse("comms:message_list")).content.decode()
    finally:
        unregister_badges("test.mood")
        unregister_badges("test.broken")
    assert '<span class="badge badge-danger">负面</span>' in html
    assert message.subject in html


def test_upload_page_imports_and_shows_item_errors(
    browser_as, rep, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = browser_as(rep)
    files = [
        SimpleUploadedFile("ok.eml", build_email(message_id="<ok@x>")),
        SimpleUploadedFile("bad.eml", b"garbage without headers"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comms:import_list"), {"files": files, "channel": "email"}
        )
    run = Import.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("comms:import_detail", args=[run.pk])).content.decode()
    assert "bad.eml" in page and "Not an e-mail" in page


def test_upload_of_a_wrong_file_is_422_with_the_message(browser_as, rep):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = browser_as(rep).post(
        reverse("comms:import_list"),
        {"files": [SimpleUploadedFile("x.txt", b"x")], "channel": "email"},
    )
    assert response.status_code == 422
    assert ".eml, .mbox, .csv or .json" in response.content.decode()


def test_mailbox_form_saves_encrypted_and_lists(browser_as, rep):
    client = browser_as(rep)
    response = client.post(
        reverse("comms:mailbox_create"),
        {
            "name": "Sales",
            "host": "imap.example.com",
            "port": 993,
            "security": "ssl",
            "username": "sales",
            "password": "pw-123456",
            "folder": "INBOX",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    assert "pw-123456" not in Mailbox.objects.get().password_encrypted
    html = client.get(reverse("comms:mailbox_list")).content.decode()
    assert "imap.example.com" in html and "pw-123456" not in html


def test_mailbox_form_without_password_says_so(browser_as, rep):
    response = browser_as(rep).post(
        reverse("comms:mailbox_create"),
        {
            "name": "S",
            "host": "h",
            "port": 993,
            "security": "ssl",
            "username": "u",
            "folder": "INBOX",
        },
    )
    assert response.status_code == 200
    assert "Enter the password." in response.content.decode()


def test_pages_in_chinese(browser_as, rep):
    client = browser_as(rep)
    html = client.get(
        reverse("comms:message_list"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "消息" in html
