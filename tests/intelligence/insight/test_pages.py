"""Insight pages and the profile panel on CRM pages, in both languages."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.intelligence.models import MessageAnalysis, RiskAlert, RiskRule

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_company_page_shows_the_profile_with_chart_evidence_and_alert(
    rep, customer, at_risk
):
    page = client_for(rep).get(f"/crm/companies/{customer.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-section="insight-profile"' in html
    assert (
        "plotly/plotly.min.js" in html and 'data-chart="insight-trend-company-' in html
    )
    assert f"/comms/messages/{at_risk[-1].pk}/" in html
    assert "Delivery delay" in html


def test_contact_page_shows_the_contact_profile(rep, customer, send):
    contact = customer.contacts.get()
    send(customer, "Please send the updated drawings.", contacts=[contact.pk])

    html = client_for(rep).get(f"/crm/contacts/{contact.pk}/").content.decode()

    assert 'data-section="insight-profile"' in html


def test_panel_is_hidden_from_another_team(
    outsider, customer, at_risk, make_user, other_team
):
    executive = make_user("executive", other_team)

    html = client_for(executive).get(f"/crm/companies/{customer.pk}/").content.decode()

    assert 'data-section="insight-profile"' in html  # executives see every company
    assert client_for(outsider).get(f"/crm/companies/{customer.pk}/").status_code == 404


def test_pages_speak_chinese(rep, customer, at_risk):
    client = client_for(rep, "zh-hans")

    alerts = client.get("/insight/alerts/").content.decode()
    company = client.get(f"/crm/companies/{customer.pk}/").content.decode()

    assert "风险预警" in alerts and "交付延迟" in alerts
    assert "客户画像" in company


def test_alert_is_acknowledged_then_resolved_on_its_page(rep, at_risk):
    alert = RiskAlert.objects.get()
    client = client_for(rep)

    page = client.get(f"/insight/alerts/{alert.pk}/")
    acked = client.post(
        f"/insight/alerts/{alert.pk}/acknowledge/",
        {"version": alert.version, "note": "on it"},
    )
    stale = client.post(
        f"/insight/alerts/{alert.pk}/resolve/", {"version": alert.version}
    )
    alert.refresh_from_db()
    resolved = client.post(
        f"/insight/alerts/{alert.pk}/resolve/", {"version": alert.version}
    )

    assert (
        page.status_code == 200
        and f"/comms/messages/{at_risk[0].pk}/" in page.content.decode()
    )
    assert acked.status_code == 302
    assert stale.status_code == 412 and "reload" in stale.content.decode()
    assert resolved.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.note == "on it"


def test_another_team_gets_404_on_alert_pages(outsider, at_risk):
    alert = RiskAlert.objects.get()
    client = client_for(outsider)

    assert client.get(f"/insight/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/insight/alerts/{alert.pk}/resolve/", {}).status_code == 404
    assert "华东精密机械" not in client.get("/insight/alerts/").content.decode()
    assert "华东精密机械" not in client.get("/insight/customers/").content.decode()


def test_rule_form_keeps_input_and_shows_every_error(manager, default_rules):
    client = client_for(manager)

    answer = client.post(
        "/insight/rules/new/",
        {
            "code": "delivery_delay",
            "name": "Copy",
            "phrases_text": "",
            "threshold": 0,
            "window_days": 30,
            "severity": "high",
        },
    )

    html = answer.content.decode()
    assert answer.status_code == 422
    assert html.count('class="field-error"') >= 2
    assert 'value="Copy"' in html


def test_rule_is_created_and_edited_on_its_page(manager, default_rules):
    client = client_for(manager)

    created = client.post(
        "/insight/rules/new/",
        {
            "code": "no-reply",
            "name": "No reply",
            "name_zh": "无人回复",
            "phrases_text": "没人回复\nno one answered",
            "channel_list": ["email", "chat"],
            "threshold": 2,
            "window_days": 14,
            "severity": "medium",
            "enabled": "on",
        },
    )
    rule = RiskRule.objects.get(code="no-reply")
    edited = client.post(
        f"/insight/rules/{rule.pk}/edit/",
        {
            "name": "No reply",
            "phrases_text": "没人回复\nno one answered\nno answer",
            "threshold": 3,
            "window_days": 14,
            "severity": "medium",
            "version": rule.version,
        },
    )

    rule.refresh_from_db()
    assert created.status_code == 302 and edited.status_code == 302
    assert rule.phrases == ["没人回复", "no one answered", "no answer"]
    assert rule.channels == [] and rule.threshold == 3 and not rule.enabled


def test_sales_rep_sees_rules_but_cannot_edit(rep, default_rules):
    client = client_for(rep)

    listing = client.get("/insight/rules/").content.decode()

    assert "Delivery delay" in listing and "/insight/rules/new/" not in listing
    assert client.get("/insight/rules/new/").status_code == 403


def test_customer_health_lists_profiles_weakest_first(rep, customer, at_risk):
    html = client_for(rep).get("/insight/customers/").content.decode()

    assert customer.name in html and "At risk" in html


def test_navigation_links_to_insight(rep):
    html = client_for(rep).get("/insight/alerts/").content.decode()

    assert 'href="/insight/rules/"' in html and 'href="/insight/customers/"' in html


def test_message_pages_show_sentiment_and_keyword_badges(rep, customer, at_risk):
    client = client_for(rep)

    listing = client.get("/comms/messages/").content.decode()
    company = client.get(f"/crm/companies/{customer.pk}/").content.decode()

    labels = MessageAnalysis.objects.values_list("label", flat=True)
    for label in labels:
        assert label.title() in listing and label.title() in company
    assert company.count(f">{labels[0].title()}<") >= 1
