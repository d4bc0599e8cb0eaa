"""The OpenAPI document is valid and complete, docs need no CDN, answers conform."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from rapport.wsgi import application
from tests.factories import (
    ActivityFactory,
    ContactMethodFactory,
    DealFactory,
    LeadFactory,
    ProductFactory,
    QuoteLineFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_a_valid_openapi_schema(document):
    schema = schemathesis.openapi.from_dict(document)

    schema.validate()  # raises on any violation of the OpenAPI meta-schema
    assert document["openapi"].startswith("3.")
    assert {"TokenAuth", "SessionAuth"} <= set(
        document["components"]["securitySchemes"]
    )


def test_every_operation_is_documented(document):
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]

    assert len(operations) >= 50
    for label, operation in operations:
        assert operation.get("tags"), label
        assert operation.get("description") or operation.get("summary"), label
        assert "\n" not in operation.get("description", "").strip(), label
        answers = operation["responses"]
        assert any(code.startswith("2") for code in answers), label
        assert "401" in answers and "404" in answers, label
        problem = answers["401"]["content"]
        assert list(problem) == ["application/problem+json"], label


def test_docs_page_loads_everything_locally(db):
    client = Client()

    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html  # no inline script: the CSP forbids it
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/api/v1/docs/assets/") for url in urls)
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content)
    assert client.get("/api/v1/docs/assets/secret.py").status_code == 404


def test_unknown_routes_and_methods_are_problems(api_as, manager):
    client = api_as(manager)

    unknown = client.get("/no/such/thing")
    wrong_method = client.client.put("/api/v1/companies")

    assert unknown.status_code == 404 and unknown.json()["code"] == "no_such_route"
    assert wrong_method.status_code == 405
    assert wrong_method["Content-Type"].startswith("application/problem+json")
    assert wrong_method["Allow"] == "GET, POST"
    body = wrong_method.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance", "code"}


# --- A short, deterministic schemathesis run through the WSGI application -------------

CHECKED = [
    ("/api/v1/me", "GET"),
    ("/api/v1/companies", "GET"),
    ("/api/v1/contacts", "GET"),
    ("/api/v1/leads", "GET"),
    ("/api/v1/deals", "GET"),
    ("/api/v1/activities", "GET"),
    ("/api/v1/products", "GET"),
    ("/api/v1/quotes", "GET"),
    ("/api/v1/pipelines", "GET"),
    ("/api/v1/search", "GET"),
    ("/api/v1/companies", "POST"),
]


@pytest.fixture
def wsgi_app():
    """The WSGI application, keeping the test's database connection open.

    Django closes the connection after each request; the test client turns that
    off, and so must a test that calls the application directly.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


_loaded: dict[str, Any] = {}


def _schema(app):
    """The schema as schemathesis reads it from the application, loaded once."""
    if "schema" not in _loaded:
        _loaded["schema"] = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return _loaded["schema"]


@pytest.mark.parametrize(("path", "method"), CHECKED)
def test_answers_conform_to_the_document(api_as, manager, wsgi_app, path, method):
    # given some data of every kind, and a token
    for factory in (DealFactory, LeadFactory, ActivityFactory):
        factory(owner=manager)
    ContactMethodFactory(contact__owner=manager)
    QuoteLineFactory(quote__owner=manager)
    ProductFactory()
    token = api_as(manager).raw
    operation = _schema(wsgi_app)[path][method]

    # when generated requests are sent (fixed seed, few examples)
    @given(case=operation.as_strategy())
    @settings(
        max_examples=10,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        # then no answer is a server error, and each matches the document
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            # Random cursors and texts are rightly refused with 422; what is
            # checked is that no answer is a 5xx and every answer is documented.
            excluded_checks=[positive_data_acceptance],
        )

    check()
