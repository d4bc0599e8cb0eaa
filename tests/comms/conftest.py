"""Comms test helpers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ApiClient
from tests.factories import CompanyFactory, ContactFactory, ContactMethodFactory


@pytest.fixture
def api_as(db):
    def make(user: Any, access: str = "write") -> ApiClient:
        return ApiClient(user, access)

    return make


@pytest.fixture
def customer(rep):
    """A company of `rep` with one contact reachable by e-mail and phone."""
    company = CompanyFactory(owner=rep, name="华东精密机械")
    contact = ContactFactory(owner=rep, company=company, name="王芳")
    ContactMethodFactory(contact=contact, kind="email", value="wang@customer.cn")
    ContactMethodFactory(contact=contact, kind="phone", value="13800138000")
    return contact


@pytest.fixture(autouse=True)
def english():
    """Messages recorded by jobs are in the active language: English here, whatever
    an earlier test's request left active in this thread."""
    from django.utils import translation

    with translation.override("en"):
        yield
