"""Apps extend each other's pages and the permission matrix through core.registry."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from rapport.core import registry
from rapport.core.permissions import ADD, PERMISSIONS, VIEW, may
from tests.factories import CompanyFactory


@pytest.fixture
def restore_permissions():
    saved = {role: dict(kinds) for role, kinds in PERMISSIONS.items()}
    yield
    PERMISSIONS.clear()
    PERMISSIONS.update(saved)


def test_extend_permissions_adds_to_what_a_role_may_do(rep, restore_permissions):
    assert not may(rep, VIEW, "sample.widget")

    registry.extend_permissions({"sales_rep": {"sample.widget": {VIEW}}})
    registry.extend_permissions({"sales_rep": {"sample.widget": {ADD}}})

    assert may(rep, VIEW, "sample.widget")
    assert may(rep, ADD, "sample.widget")
    assert not may(rep, "delete", "sample.widget")


def test_extend_permissions_never_removes_an_existing_grant(rep, restore_permissions):
    registry.extend_permissions({"sales_rep": {"crm.lead": set()}})

    assert may(rep, "delete", "crm.lead")


@pytest.fixture
def sample_panel():
    def render(request, record):
        if record.name == "hidden":
            return None
        name = escape(record.name)
        return f'<section class="card" data-sample-panel>{name}</section>'

    registry.register_panel(registry.Panel("crm.company", "sample", render, order=1))
    yield
    registry.clear_for_tests("crm.company", "sample")


def test_a_registered_panel_appears_on_the_record_page(client, rep, sample_panel):
    company = CompanyFactory(owner=rep, name="<b>Acme</b>")
    client.force_login(rep)

    body = client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()

    assert "data-sample-panel" in body
    assert "&lt;b&gt;Acme&lt;/b&gt;" in body


def test_a_panel_that_returns_nothing_leaves_no_trace(client, rep, sample_panel):
    company = CompanyFactory(owner=rep, name="hidden")
    client.force_login(rep)

    body = client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()

    assert "data-sample-panel" not in body


def test_nav_entries_show_only_to_roles_that_may_view_their_kind(client, rep):
    registry.register_nav(
        registry.NavEntry("Reports", "Audit trail", "jobs", kind="crm.product"),
        registry.NavEntry("Reports", "Never shown", "notifications", kind="x.hidden"),
    )
    try:
        client.force_login(rep)
        body = client.get(reverse("home")).content.decode()
    finally:
        registry._NAV.pop("jobs")
        registry._NAV.pop("notifications")

    assert "Audit trail" in body
    assert "Never shown" not in body


def test_nav_entries_with_unknown_url_names_are_left_out(client, rep):
    registry.register_nav(registry.NavEntry("Reports", "Broken", "no-such-page"))
    try:
        client.force_login(rep)
        body = client.get(reverse("home")).content.decode()
    finally:
        registry._NAV.pop("no-such-page")

    assert "Broken" not in body
