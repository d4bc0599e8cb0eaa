"""Token and session authentication, personal tokens, and the caller's own things."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from rapport.accounts.models import ApiToken
from rapport.core.models import Job, Notification
from rapport.crm.models import Company

pytestmark = pytest.mark.django_db


def test_token_authenticates_and_me_describes_the_caller(api_as, manager):
    response = api_as(manager).get("/me")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == manager.username
    assert body["role"] == "sales_manager" and body["data_scope"] == "team"
    assert body["team"]["name"] == "East" and body["token_access"] == "write"


@pytest.mark.parametrize(
    "header", ["Bearer rpt_wrong", "Bearer ", "Token abc", "Basic eDp5"]
)
def test_bad_credentials_are_refused(db, header):
    response = Client().get("/api/v1/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_wrong_token_is_refused_even_with_a_session(db, manager):
    client = Client()
    client.force_login(manager)

    response = client.get("/api/v1/me", headers={"Authorization": "Bearer rpt_wrong"})

    assert response.status_code == 401


def test_revoked_token_stops_working_at_once(api_as, manager):
    client = api_as(manager)
    other = api_as(manager)

    revoked = other.delete(f"/tokens/{client.token.pk}")

    assert revoked.status_code == 204
    assert client.get("/me").status_code == 401
    assert other.get("/me").status_code == 200


def test_read_only_token_reads_but_does_not_write(api_as, manager):
    client = api_as(manager, access="read")

    assert client.get("/companies").status_code == 200
    refused = client.post("/companies", {"name": "Acme"})
    assert refused.status_code == 403 and refused.json()["code"] == "token_read_only"
    assert client.post("/tokens", {"name": "escalate"}).status_code == 403
    assert not Company.objects.exists()


def test_token_is_shown_once_and_stored_hashed(api_as, manager):
    client = api_as(manager)

    created = client.post("/tokens", {"name": "CI", "access": "read"})
    listed = client.get("/tokens").json()

    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("rpt_") and created.json()["access"] == "read"
    assert all("token" not in item for item in listed)
    assert {item["name"] for item in listed} == {"tests", "CI"}
    assert not ApiToken.objects.filter(digest=raw).exists()
    works = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert works.json()["token_access"] == "read"


def test_token_needs_a_name(api_as, manager):
    response = api_as(manager).post("/tokens", {"name": ""})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_tokens_list_only_the_callers_own(api_as, manager, outsider):
    api_as(outsider)

    names = [t["id"] for t in api_as(manager).get("/tokens").json()]

    assert len(names) == 1


# --- Session authentication and CSRF --------------------------------------------------


def test_session_reads_without_csrf(db, manager):
    client = Client()
    client.force_login(manager)

    assert client.get("/api/v1/me").json()["token_access"] is None


def test_session_writes_need_the_csrf_token(db, manager):
    # given a browser session that enforces CSRF like a real browser would
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    body = json.dumps({"name": "Acme"})

    # when it writes without, then with, the CSRF token
    refused = client.post("/api/v1/companies", body, content_type="application/json")
    client.get("/api/v1/docs")  # the docs page hands out the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/companies",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    # then only the second is accepted
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert accepted.status_code == 201
    assert Company.objects.count() == 1


def test_bearer_token_needs_no_csrf(db, manager, api_as):
    raw = api_as(manager).raw
    client = Client(
        enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"}
    )

    response = client.post(
        "/api/v1/companies",
        json.dumps({"name": "Acme"}),
        content_type="application/json",
    )

    assert response.status_code == 201


# --- Notifications and jobs -----------------------------------------------------------


def test_notifications_list_and_mark_read(api_as, manager):
    first = Notification.objects.create(recipient=manager, title="Deal won")
    second = Notification.objects.create(recipient=manager, title="Task due")
    client = api_as(manager)

    unread = client.get("/notifications", {"unread": "true"}).json()["items"]
    one = client.post("/notifications/read", {"ids": [first.pk]}).json()
    still_unread = client.get("/notifications", {"unread": "true"}).json()["items"]
    rest = client.post("/notifications/read", {}).json()

    assert [n["id"] for n in unread] == [second.pk, first.pk]
    assert one == {"marked": 1}
    assert [n["id"] for n in still_unread] == [second.pk]
    assert rest == {"marked": 1}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_jobs_list_and_detail(api_as, manager):
    old = Job.objects.create(
        user=manager,
        kind="crm.import",
        title="Import",
        status="succeeded",
        progress=100,
    )
    new = Job.objects.create(user=manager, kind="ai.train", title="Train")
    client = api_as(manager)

    listed = client.get("/jobs").json()["items"]
    finished = client.get("/jobs", {"status": "succeeded"}).json()["items"]
    detail = client.get(f"/jobs/{old.pk}")

    assert [j["id"] for j in listed] == [new.pk, old.pk]
    assert [j["id"] for j in finished] == [old.pk]
    assert detail.json()["progress"] == 100
