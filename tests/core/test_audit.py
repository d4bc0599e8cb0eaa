"""The audit log: creates, updates and deletes via crm.services, old and new values."""

from __future__ import annotations

import pytest

from rapport.core.models import AuditEntry
from rapport.crm import services

pytestmark = pytest.mark.django_db


def entries(record, action=None):
    qs = AuditEntry.objects.filter(
        kind=record._meta.label_lower, object_id=str(record.pk)
    )
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("id"))


def test_create_records_the_new_values(rep):
    company = services.create_company(
        rep, {"name": "上海电气", "industry": "energy", "address": "上海市闵行区"}
    )

    (entry,) = entries(company)
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == rep
    assert entry.object_repr == "上海电气"
    assert entry.changes["name"] == [None, "上海电气"]
    assert entry.changes["industry"] == [None, "energy"]
    assert entry.changes["owner"] == [None, rep.pk]
    assert "notes" not in entry.changes  # empty values are left out


def test_update_records_only_what_changed_old_and_new(rep):
    company = services.create_company(rep, {"name": "上海电气", "tier": "C"})

    services.update_company(rep, company, {"tier": "A", "name": "上海电气"})

    (entry,) = entries(company, AuditEntry.Action.UPDATE)
    assert entry.changes == {"tier": ["C", "A"]}
    assert entry.actor == rep


def test_update_without_change_writes_no_entry(rep):
    company = services.create_company(rep, {"name": "Acme"})

    assert services.update_company(rep, company, {"name": "Acme"}) == {}

    assert entries(company, AuditEntry.Action.UPDATE) == []


def test_decimal_and_date_values_are_stored_as_text(rep):
    lead = services.create_lead(rep, {"title": "ERP", "budget": "120000.50"})

    services.update_lead(rep, lead, {"budget": "99000"})

    (entry,) = entries(lead, AuditEntry.Action.UPDATE)
    assert entry.changes == {"budget": ["120000.50", "99000"]}


def test_contact_methods_change_is_audited(rep):
    contact = services.create_contact(
        rep, {"name": "王芳"}, methods=[{"kind": "phone", "value": "13800138000"}]
    )

    services.update_contact(
        rep, contact, {}, methods=[{"kind": "phone", "value": "13900139000"}]
    )

    (entry,) = entries(contact, AuditEntry.Action.UPDATE)
    assert entry.changes == {
        "methods": [[["phone", "13800138000"]], [["phone", "13900139000"]]]
    }


def test_delete_keeps_the_last_values(manager):
    lead = services.create_lead(manager, {"title": "华为 ERP", "phone": "021-5555"})
    pk = lead.pk

    services.delete_lead(manager, lead)

    (entry,) = AuditEntry.objects.filter(
        kind="crm.lead", object_id=str(pk), action=AuditEntry.Action.DELETE
    )
    assert entry.actor == manager and entry.object_repr == "华为 ERP"
    assert entry.changes["title"] == ["华为 ERP", None]
    assert entry.changes["phone"] == ["021-5555", None]


def test_refused_write_leaves_no_audit_entry(rep, outsider):
    company = services.create_company(rep, {"name": "Private"})
    from rapport.core.errors import NotFound

    with pytest.raises(NotFound):
        services.update_company(outsider, company, {"name": "Taken"})

    assert entries(company, AuditEntry.Action.UPDATE) == []
