"""The insight API: analyses, profiles, rules and alerts, scoped and versioned."""

from __future__ import annotations

import pytest

from rapport.intelligence.models import CustomerProfile, RiskAlert, RiskRule

pytestmark = pytest.mark.django_db


def test_analyses_and_profiles_are_listed_for_the_owner(api_as, rep, customer, at_risk):
    api = api_as(rep)

    analyses = api.get("/analyses", {"company": customer.pk}).json()
    one = api.get(f"/analyses/{at_risk[0].pk}")
    profiles = api.get("/profiles", {"kind": "company"}).json()
    detail = api.get(f"/profiles/company/{customer.pk}").json()

    assert len(analyses["items"]) == 3
    assert one.status_code == 200 and one.json()["language"] == "zh"
    assert [p["company_id"] for p in profiles["items"]] == [customer.pk]
    assert detail["figures"]["message_count"] == 3
    assert 0 <= detail["figures"]["health"] <= 100
    assert set(detail["evidence"]["recent"]) == {m.pk for m in at_risk}
    assert detail["trend"]["count"] and sum(detail["trend"]["count"]) == 3


def test_another_team_sees_none_of_it(api_as, outsider, customer, at_risk):
    api = api_as(outsider)
    profile = CustomerProfile.objects.get(kind="company")
    alert = RiskAlert.objects.get()

    assert api.get("/analyses").json()["items"] == []
    assert api.get("/profiles").json()["items"] == []
    assert api.get("/risk-alerts").json()["items"] == []
    assert api.get("/customer-risks").json() == []
    for path in (
        f"/analyses/{at_risk[0].pk}",
        f"/profiles/{profile.pk}",
        f"/profiles/company/{customer.pk}",
        f"/risk-alerts/{alert.pk}",
    ):
        assert api.get(path).status_code == 404, path
    answer = api.post(f"/risk-alerts/{alert.pk}/resolve", {})
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/problem+json")
    alert.refresh_from_db()
    assert alert.status == "open"


def test_alerts_are_acknowledged_and_resolved_with_if_match(api_as, rep, at_risk):
    api = api_as(rep)
    alert = api.get("/risk-alerts", {"status": "open"}).json()["items"][0]
    assert alert["rule_code"] == "delivery_delay"
    assert api.get("/customer-risks").json()[0]["at_risk"] is True

    stale = api.post(
        f"/risk-alerts/{alert['id']}/acknowledge",
        {},
        **{"If-Match": f'"{alert["id"]}-99"'},
    )
    ok = api.post(
        f"/risk-alerts/{alert['id']}/acknowledge",
        {"note": "calling them"},
        **{"If-Match": f'"{alert["id"]}-{alert["version"]}"'},
    )
    twice = api.post(f"/risk-alerts/{alert['id']}/acknowledge", {})
    done = api.post(f"/risk-alerts/{alert['id']}/resolve", {"note": "shipped"})

    assert stale.status_code == 412
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    assert ok.json()["acknowledged_by"]["id"] == rep.pk
    assert twice.status_code == 422 and twice.json()["code"] == "validation_failed"
    assert done.json()["status"] == "resolved"
    assert api.get("/customer-risks").json() == []


def test_rules_are_edited_by_managers_only(api_as, rep, manager, default_rules):
    body = {
        "code": "slow-support",
        "name": "Slow support",
        "phrases": ["没人回复", "no one answered"],
        "threshold": 2,
        "window_days": 14,
        "channels": ["email", "chat"],
    }

    refused = api_as(rep).post("/risk-rules", body)
    created = api_as(manager).post("/risk-rules", body)
    rule_id = created.json()["id"]
    changed = api_as(manager).patch(
        f"/risk-rules/{rule_id}", {"threshold": 3}, **{"If-Match": created["ETag"]}
    )
    stale = api_as(manager).patch(
        f"/risk-rules/{rule_id}", {"threshold": 4}, **{"If-Match": created["ETag"]}
    )
    listed = api_as(rep).get("/risk-rules").json()

    assert refused.status_code == 403
    assert created.status_code == 201
    assert changed.status_code == 200 and changed.json()["threshold"] == 3
    assert stale.status_code == 412
    assert {r["code"] for r in listed} >= {"slow-support", "delivery_delay"}


def test_bad_rules_get_every_field_error(api_as, manager):
    answer = api_as(manager).post(
        "/risk-rules",
        {"code": "x", "name": "X", "phrases": [], "channels": ["fax"], "threshold": 0},
    )

    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert "threshold" in fields


def test_duplicate_rule_code_is_a_field_error(api_as, manager, default_rules):
    answer = api_as(manager).post(
        "/risk-rules", {"code": "delivery_delay", "name": "Again", "phrases": ["x"]}
    )

    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"code"}


def test_deleting_a_rule_removes_its_alerts(api_as, manager, at_risk):
    alert = RiskAlert.objects.get()

    answer = api_as(manager).delete(f"/risk-rules/{alert.rule_id}")

    assert answer.status_code == 204
    assert not RiskAlert.objects.exists()
    assert not RiskRule.objects.filter(pk=alert.rule_id).exists()


def test_alert_list_reads_a_fixed_number_of_queries(
    api_as, rep, customer, at_risk, django_assert_max_num_queries
):
    api = api_as(rep)
    api.get("/risk-alerts")

    with django_assert_max_num_queries(8):
        answer = api.get("/risk-alerts")

    assert len(answer.json()["items"]) == 1
