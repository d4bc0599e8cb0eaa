"""What of each CRM record is searchable."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.search import register
from rapport.crm.models import Activity, Company, Contact, Deal, Lead


def _join(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p)


def _name(related: object) -> str:
    return str(related) if related is not None else ""


register(
    Company,
    title=lambda c: c.name,
    text=lambda c: _join(
        c.name,
        c.short_name,
        c.english_name,
        c.credit_code,
        c.address,
        c.website,
        c.notes[:500],
    ),
    url=lambda pk: f"/crm/companies/{pk}/",
    label=_("Company"),
)
register(
    Contact,
    title=lambda c: c.name,
    text=lambda c: _join(
        c.name,
        c.title,
        c.department,
        _name(c.company),
        *(m.value for m in c.methods.all()),
    ),
    url=lambda pk: f"/crm/contacts/{pk}/",
    label=_("Contact"),
    select_related=("company",),
    prefetch_related=("methods",),
)
register(
    Lead,
    title=lambda lead: lead.title,
    text=lambda lead: _join(
        lead.title,
        lead.company_name,
        lead.contact_name,
        lead.email,
        lead.phone,
        lead.notes[:500],
    ),
    url=lambda pk: f"/crm/leads/{pk}/",
    label=_("Lead"),
)
register(
    Deal,
    title=lambda d: d.title,
    text=lambda d: _join(d.title, _name(d.company), d.notes[:500]),
    url=lambda pk: f"/crm/deals/{pk}/",
    label=_("Deal"),
    select_related=("company",),
)
register(
    Activity,
    title=lambda a: a.subject,
    text=lambda a: _join(a.subject, a.body[:2000]),
    url=lambda pk: f"/crm/activities/{pk}/",
    label=_("Activity"),
)
