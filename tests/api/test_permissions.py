"""Generic permission tests for every endpoint: authentication, data scope and role.

The role cases are derived from the permission matrix in `core.permissions`:
for every role and every write endpoint, the call must succeed when the matrix
allows it and be refused with 403 when it does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rapport.api import api
from rapport.core.models import AuditEntry, Job, Notification, OutboxEvent
from rapport.core.permissions import ADD, CHANGE, DELETE, Role, may
from rapport.crm.models import Stage
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    LeadFactory,
    PipelineFactory,
    ProductFactory,
    QuoteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES: dict[str, Callable[..., Any]] = {
    "company": CompanyFactory,
    "contact": ContactFactory,
    "lead": LeadFactory,
    "deal": DealFactory,
    "activity": ActivityFactory,
    "quote": QuoteFactory,
}
PLURAL = {
    "company": "companies",
    "contact": "contacts",
    "lead": "leads",
    "deal": "deals",
    "activity": "activities",
    "quote": "quotes",
    "product": "products",
    "pipeline": "pipelines",
}


def make_record(kind: str, owner: Any) -> Any:
    if kind == "product":
        return ProductFactory()
    if kind == "pipeline":
        return PipelineFactory()
    return FACTORIES[kind](owner=owner)


def _won_stage(deal: Any) -> int:
    return deal.pipeline.stages.get(outcome=Stage.Outcome.WON).pk


@dataclass(frozen=True)
class Write:
    """One write endpoint: how to call it and which permissions it needs."""

    name: str
    method: str
    kind: str
    path: Callable[[Any], str]
    body: Callable[[Any, Any], dict] = lambda actor, obj: {}
    needs: tuple[tuple[str, str], ...] = field(default=())

    def __str__(self) -> str:
        return self.name


def _create_bodies() -> dict[str, Callable[[Any, Any], dict]]:
    return {
        "company": lambda actor, obj: {"name": "New company"},
        "contact": lambda actor, obj: {
            "name": "王芳",
            "methods": [{"kind": "phone", "value": "13800000000"}],
        },
        "lead": lambda actor, obj: {"title": "New lead"},
        "deal": lambda actor, obj: {
            "title": "New deal",
            "company_id": CompanyFactory(owner=actor).pk,
        },
        "activity": lambda actor, obj: {
            "kind": "call",
            "subject": "Intro call",
            "company_id": CompanyFactory(owner=actor).pk,
        },
        "quote": lambda actor, obj: {
            "deal_id": DealFactory(owner=actor).pk,
            "lines": [{"description": "Setup", "quantity": "1", "unit_price": "100"}],
        },
        "product": lambda actor, obj: {
            "code": "NEW-1",
            "name": "Support",
            "list_price": "10",
        },
        "pipeline": lambda actor, obj: {
            "name": "Projects",
            "stages": [
                {"name": "Open"},
                {"name": "Won", "probability": 100, "outcome": "won"},
            ],
        },
    }


PATCHES = {kind: {"notes": "changed"} for kind in FACTORIES} | {
    "activity": {"subject": "Changed"},
    "product": {"name": "Renamed"},
}


def _record_path(kind: str, obj: Any) -> str:
    return f"/{PLURAL[kind]}/{obj.pk}"


def _writes() -> list[Write]:
    writes = []
    for kind, body in _create_bodies().items():
        writes.append(
            Write(
                f"create {kind}",
                "post",
                kind,
                lambda obj, k=kind: f"/{PLURAL[k]}",
                body,
                ((f"crm.{kind}", ADD),),
            )
        )
    for kind in [*FACTORIES, "product"]:
        path = partial(_record_path, kind)
        writes.append(
            Write(
                f"update {kind}",
                "patch",
                kind,
                path,
                lambda actor, obj, k=kind: PATCHES[k],
                ((f"crm.{kind}", CHANGE),),
            )
        )
        writes.append(
            Write(
                f"delete {kind}", "delete", kind, path, needs=((f"crm.{kind}", DELETE),)
            )
        )
    writes += [
        Write(
            "convert lead",
            "post",
            "lead",
            lambda obj: f"/leads/{obj.pk}/convert",
            needs=(
                ("crm.lead", CHANGE),
                ("crm.deal", ADD),
                ("crm.company", ADD),
                ("crm.contact", ADD),
            ),
        ),
        Write(
            "move deal",
            "post",
            "deal",
            lambda obj: f"/deals/{obj.pk}/move",
            lambda actor, obj: {"stage_id": _won_stage(obj)},
            (("crm.deal", CHANGE),),
        ),
        Write(
            "complete activity",
            "post",
            "activity",
            lambda obj: f"/activities/{obj.pk}/complete",
            needs=(("crm.activity", CHANGE),),
        ),
    ]
    return writes


WRITES = _writes()
ROLES = list(Role.values)


@pytest.mark.parametrize("write", WRITES, ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_every_write_follows_the_permission_matrix(api_as, make_user, role, write):
    # given a user of `role` and a record of their own, so only the role matters
    actor = make_user(role)
    obj = make_record(write.kind, actor)
    allowed = all(may(actor, action, kind) for kind, action in write.needs)
    events_before = OutboxEvent.objects.count()

    # when they call the endpoint
    response = api_as(actor).call(write.method, write.path(obj), write.body(actor, obj))

    # then it succeeds exactly when the matrix allows it, and a refusal writes nothing
    if allowed:
        assert response.status_code in (200, 201, 204), response.content
    else:
        assert response.status_code == 403, response.content
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["code"] == "forbidden"
        assert OutboxEvent.objects.count() == events_before


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_read_only_token_cannot_write(api_as, admin_user, write):
    # given an administrator (allowed everything) with a read-only token
    obj = make_record(write.kind, admin_user)
    client = api_as(admin_user, access="read")
    audit_before = AuditEntry.objects.count()

    # when they call a write endpoint
    response = client.call(write.method, write.path(obj), write.body(admin_user, obj))

    # then it is refused and nothing is written
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert AuditEntry.objects.count() == audit_before


# --- Data scope: another team's records are not found ---------------------------------


def _object_endpoints() -> list[tuple[str, str, str, Callable[[Any], dict]]]:
    cases = []
    for kind in FACTORIES:
        base = f"/{PLURAL[kind]}/{{id}}"
        cases += [
            (kind, "get", base, lambda obj: {}),
            (kind, "patch", base, lambda obj, k=kind: PATCHES[k]),
            (kind, "delete", base, lambda obj: {}),
            (kind, "get", base + "/history", lambda obj: {}),
        ]
    cases += [
        ("lead", "post", "/leads/{id}/convert", lambda obj: {}),
        ("deal", "post", "/deals/{id}/move", lambda obj: {"stage_id": _won_stage(obj)}),
        ("activity", "post", "/activities/{id}/complete", lambda obj: {}),
    ]
    return cases


OBJECT_ENDPOINTS = _object_endpoints()


@pytest.mark.parametrize(
    ("kind", "method", "path", "body"),
    OBJECT_ENDPOINTS,
    ids=[f"{m} {p}" for _k, m, p, _b in OBJECT_ENDPOINTS],
)
@pytest.mark.parametrize("stranger", ["outsider", "teammate_rep"])
def test_records_outside_the_scope_are_not_found(
    api_as, rep, outsider, make_user, kind, method, path, body, stranger
):
    # given a record of a sales rep, and someone whose scope does not reach it:
    # a manager of another team, or a fellow rep (reps see only their own)
    obj = make_record(kind, rep)
    caller = outsider if stranger == "outsider" else make_user("sales_rep")
    version = obj.version

    # when they call the endpoint
    response = api_as(caller).call(method, path.format(id=obj.pk), body(obj))

    # then the record is not found, and it is left as it was
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    obj.refresh_from_db()
    assert obj.version == version


LISTS = [(kind, f"/{PLURAL[kind]}") for kind in FACTORIES]


@pytest.mark.parametrize(("kind", "path"), LISTS, ids=[p for _k, p in LISTS])
def test_lists_hide_records_outside_the_scope(api_as, rep, outsider, kind, path):
    # given a record of a rep of team East
    obj = make_record(kind, rep)

    # when its owner and a manager of team West list that kind
    own = api_as(rep).get(path)
    other = api_as(outsider).get(path)

    # then only the owner sees it
    assert obj.pk in [item["id"] for item in own.json()["items"]]
    assert obj.pk not in [item["id"] for item in other.json()["items"]]


def test_search_hides_records_outside_the_scope(api_as, rep, outsider):
    # given a company of team East, indexed by the service that created it
    api_as(rep).post("/companies", {"name": "Zhongshan Robotics"})

    # when both teams search for it
    own = api_as(rep).get("/search", {"q": "Zhongshan"})
    other = api_as(outsider).get("/search", {"q": "Zhongshan"})

    # then only the owner finds it
    assert [hit["title"] for hit in own.json()] == ["Zhongshan Robotics"]
    assert other.json() == []


# --- The caller's own things: tokens, jobs, notifications -----------------------------


def test_another_users_token_cannot_be_revoked(api_as, rep, outsider):
    # given a token of the rep
    owner = api_as(rep)

    # when someone else tries to revoke it
    response = api_as(outsider).delete(f"/tokens/{owner.token.pk}")

    # then it is not found and still works
    assert response.status_code == 404
    assert owner.get("/me").status_code == 200


def test_another_users_job_is_not_found_nor_listed(api_as, rep, outsider):
    job = Job.objects.create(user=rep, kind="crm.import", title="Import companies")

    assert api_as(outsider).get(f"/jobs/{job.pk}").status_code == 404
    assert api_as(outsider).get("/jobs").json()["items"] == []
    assert api_as(rep).get(f"/jobs/{job.pk}").json()["title"] == "Import companies"


def test_another_users_notifications_are_hidden_and_untouched(api_as, rep, outsider):
    note = Notification.objects.create(recipient=rep, title="Deal won")

    listed = api_as(outsider).get("/notifications").json()["items"]
    marked = api_as(outsider).post("/notifications/read", {"ids": [note.pk]}).json()

    assert listed == [] and marked == {"marked": 0}
    note.refresh_from_db()
    assert note.read_at is None


# --- Authentication: every operation refuses anonymous callers ------------------------


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path))
        for path, item in schema["paths"].items()
        for method in item
    ]


OPERATIONS = _operations()


@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS]
)
def test_every_operation_needs_authentication(db, method, path):
    response = getattr(Client(), method)(path, content_type="application/json")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_authenticated"


def test_expired_token_is_refused(api_as, rep):
    client = api_as(rep)
    client.token.expires_at = timezone.now() - timedelta(minutes=1)
    client.token.save()

    assert client.get("/me").status_code == 401


def test_inactive_user_token_is_refused(api_as):
    user = UserFactory(role="sales_rep")
    client = api_as(user)
    user.is_active = False
    user.save()

    assert client.get("/me").status_code == 401
