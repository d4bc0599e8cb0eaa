"""What the pages offer for each kind of CRM record: lists, forms, services.

Purely declarative: search fields, filters, sortable columns and CSV columns of
each list, and for each kind its form, its services and the fields a list row
may change in place. `views.py` applies these to the scoped selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.accounts import selectors as account_selectors
from rapport.core import permissions
from rapport.crm import forms, selectors, services
from rapport.crm.models import (
    Activity,
    Company,
    CompanySize,
    Contact,
    ContactMethod,
    Deal,
    Industry,
    Lead,
    Pipeline,
    Product,
    Quote,
    Region,
    Stage,
    Tier,
)

Choices = list[tuple[str, Any]]


def _owners(user: Any) -> Choices:
    return [(str(u.pk), str(u)) for u in account_selectors.assignable_users(user)]


def _pipelines(user: Any) -> Choices:
    from rapport.crm.templatetags.crm import stage_name

    return [
        (str(p.pk), stage_name(p))
        for p in Pipeline.objects.order_by("-is_default", "name")
    ]


def _stages(user: Any) -> Choices:
    from rapport.crm.templatetags.crm import stage_name

    stages = Stage.objects.select_related("pipeline").order_by(
        "pipeline__name", "position"
    )
    return [(str(s.pk), f"{stage_name(s.pipeline)} · {stage_name(s)}") for s in stages]


def _fixed(choices: Choices) -> Callable[[Any], Choices]:
    return lambda user: [(str(k), str(v)) for k, v in choices]


@dataclass(frozen=True)
class Filter:
    """One drop-down filter above a list: the query parameter and what it filters."""

    param: str
    label: Any
    choices: Callable[[Any], Choices]
    lookup: str = ""
    # For filters that are not a plain field lookup: value -> condition, built
    # when the list is read because some depend on the time.
    conditions: dict[str, Callable[[], Q]] = field(default_factory=dict)

    def apply(self, queryset: QuerySet, value: str) -> QuerySet:
        if self.conditions:
            condition = self.conditions.get(value)
            return queryset.filter(condition()) if condition else queryset
        return queryset.filter(**{self.lookup: value})


@dataclass(frozen=True)
class Column:
    """A list column header, sortable when it names a sort key."""

    label: Any
    sort: str = ""


@dataclass(frozen=True)
class ListSpec:
    """The list page of one kind of record."""

    select: Callable[[Any], QuerySet]
    search: Callable[[str], Q]
    filters: tuple[Filter, ...]
    sorts: dict[str, str]
    default_sort: str
    columns: tuple[Column, ...]
    csv: tuple[tuple[Any, Callable[[Any], Any]], ...]


def _any_of(*fields: str) -> Callable[[str], Q]:
    def condition(term: str) -> Q:
        q = Q()
        for name in fields:
            q |= Q(**{f"{name}__icontains": term})
        return q

    return condition


def _contact_search(term: str) -> Q:
    phones_and_emails = ContactMethod.objects.filter(value__icontains=term)
    return _any_of("name", "title", "department", "company__name")(term) | Q(
        pk__in=phones_and_emails.values("contact_id")
    )


OWNER = Filter("owner", _("owner"), _owners, "owner_id")

COMPANIES = ListSpec(
    select=selectors.companies,
    search=_any_of("name", "short_name", "english_name", "credit_code"),
    filters=(
        OWNER,
        Filter("industry", _("industry"), _fixed(Industry.choices), "industry"),
        Filter("region", _("region"), _fixed(Region.choices), "region"),
        Filter("tier", _("tier"), _fixed(Tier.choices), "tier"),
        Filter("size", _("size"), _fixed(CompanySize.choices), "size"),
    ),
    sorts={
        "name": "name",
        "industry": "industry",
        "region": "region",
        "tier": "tier",
        "owner": "owner__username",
        "updated": "updated_at",
    },
    default_sort="-updated",
    columns=(
        Column(_("name"), "name"),
        Column(_("industry"), "industry"),
        Column(_("region"), "region"),
        Column(_("tier"), "tier"),
        Column(_("owner"), "owner"),
        Column(_("updated"), "updated"),
    ),
    csv=(
        (_("name"), lambda c: c.name),
        (_("short name"), lambda c: c.short_name),
        (_("unified social credit code"), lambda c: c.credit_code),
        (_("industry"), lambda c: c.get_industry_display()),
        (_("region"), lambda c: c.get_region_display()),
        (_("size"), lambda c: c.get_size_display()),
        (_("tier"), lambda c: c.get_tier_display()),
        (_("website"), lambda c: c.website),
        (_("owner"), lambda c: c.owner),
        (_("team"), lambda c: c.team or ""),
    ),
)

CONTACTS = ListSpec(
    select=selectors.contacts,
    search=_contact_search,
    filters=(OWNER,),
    sorts={
        "name": "name",
        "company": "company__name",
        "title": "title",
        "owner": "owner__username",
        "updated": "updated_at",
    },
    default_sort="-updated",
    columns=(
        Column(_("name"), "name"),
        Column(_("company"), "company"),
        Column(_("job title"), "title"),
        Column(_("phones and e-mails")),
        Column(_("owner"), "owner"),
        Column(_("updated"), "updated"),
    ),
    csv=(
        (_("name"), lambda c: c.name),
        (_("company"), lambda c: c.company or ""),
        (_("job title"), lambda c: c.title),
        (_("department"), lambda c: c.department),
        (
            _("phones and e-mails"),
            lambda c: "; ".join(m.value for m in c.methods.all()),
        ),
        (_("owner"), lambda c: c.owner),
    ),
)

LEADS = ListSpec(
    select=selectors.leads,
    search=_any_of("title", "company_name", "contact_name", "email", "phone"),
    filters=(
        OWNER,
        Filter("status", _("status"), _fixed(Lead.Status.choices), "status"),
        Filter("source", _("source"), _fixed(Lead.Source.choices), "source"),
        Filter("region", _("region"), _fixed(Region.choices), "region"),
        Filter("industry", _("industry"), _fixed(Industry.choices), "industry"),
    ),
    sorts={
        "title": "title",
        "company": "company_name",
        "status": "status",
        "source": "source",
        "budget": "budget",
        "owner": "owner__username",
        "created": "created_at",
    },
    default_sort="-created",
    columns=(
        Column(_("title"), "title"),
        Column(_("company name"), "company"),
        Column(_("status"), "status"),
        Column(_("source"), "source"),
        Column(_("budget"), "budget"),
        Column(_("owner"), "owner"),
        Column(_("created"), "created"),
    ),
    csv=(
        (_("title"), lambda x: x.title),
        (_("company name"), lambda x: x.company_name),
        (_("contact name"), lambda x: x.contact_name),
        (_("e-mail"), lambda x: x.email),
        (_("phone"), lambda x: x.phone),
        (_("status"), lambda x: x.get_status_display()),
        (_("source"), lambda x: x.get_source_display()),
        (_("budget"), lambda x: x.budget if x.budget is not None else ""),
        (_("currency"), lambda x: x.currency),
        (_("owner"), lambda x: x.owner),
    ),
)

DEALS = ListSpec(
    select=selectors.deals,
    search=_any_of("title", "company__name"),
    filters=(
        OWNER,
        Filter("pipeline", _("pipeline"), _pipelines, "pipeline_id"),
        Filter("stage", _("stage"), _stages, "stage_id"),
        Filter(
            "outcome",
            _("outcome"),
            _fixed(Stage.Outcome.choices),
            conditions={o: partial(Q, stage__outcome=o) for o in Stage.Outcome.values},
        ),
    ),
    sorts={
        "title": "title",
        "company": "company__name",
        "stage": "stage__position",
        "amount": "amount",
        "close": "expected_close",
        "owner": "owner__username",
        "updated": "updated_at",
    },
    default_sort="-updated",
    columns=(
        Column(_("title"), "title"),
        Column(_("company"), "company"),
        Column(_("stage"), "stage"),
        Column(_("amount"), "amount"),
        Column(_("expected close"), "close"),
        Column(_("owner"), "owner"),
    ),
    csv=(
        (_("title"), lambda d: d.title),
        (_("company"), lambda d: d.company),
        (_("pipeline"), lambda d: d.pipeline),
        (_("stage"), lambda d: d.stage),
        (_("amount"), lambda d: d.amount),
        (_("currency"), lambda d: d.currency),
        (_("probability %"), lambda d: d.probability),
        (_("expected close"), lambda d: d.expected_close or ""),
        (_("owner"), lambda d: d.owner),
    ),
)

ACTIVITIES = ListSpec(
    select=selectors.activities,
    search=_any_of("subject", "body"),
    filters=(
        OWNER,
        Filter("kind", _("kind"), _fixed(Activity.Kind.choices), "kind"),
        Filter(
            "state",
            _("state"),
            _fixed(
                [
                    ("open", _("Open tasks")),
                    ("overdue", _("Overdue")),
                    ("done", _("Done")),
                ]
            ),
            conditions={
                "open": lambda: Q(kind=Activity.Kind.TASK, done_at__isnull=True),
                "overdue": lambda: Q(
                    kind=Activity.Kind.TASK,
                    done_at__isnull=True,
                    due_at__lt=timezone.now(),
                ),
                "done": lambda: Q(done_at__isnull=False),
            },
        ),
    ),
    sorts={
        "when": "occurred_at",
        "kind": "kind",
        "subject": "subject",
        "due": "due_at",
        "owner": "owner__username",
    },
    default_sort="-when",
    columns=(
        Column(_("when"), "when"),
        Column(_("kind"), "kind"),
        Column(_("subject"), "subject"),
        Column(_("linked to")),
        Column(_("due"), "due"),
        Column(_("owner"), "owner"),
    ),
    csv=(
        (_("when"), lambda a: timezone.localtime(a.occurred_at).isoformat()),
        (_("kind"), lambda a: a.get_kind_display()),
        (_("subject"), lambda a: a.subject),
        (_("company"), lambda a: a.company or ""),
        (_("deal"), lambda a: a.deal or ""),
        (_("due"), lambda a: a.due_at.isoformat() if a.due_at else ""),
        (_("done"), lambda a: a.done_at.isoformat() if a.done_at else ""),
        (_("owner"), lambda a: a.owner),
    ),
)

QUOTES = ListSpec(
    select=selectors.quotes,
    search=_any_of("number", "deal__title", "deal__company__name"),
    filters=(
        OWNER,
        Filter("status", _("status"), _fixed(Quote.Status.choices), "status"),
    ),
    sorts={
        "number": "number",
        "deal": "deal__title",
        "status": "status",
        "total": "total",
        "valid": "valid_until",
        "owner": "owner__username",
    },
    default_sort="-number",
    columns=(
        Column(_("number"), "number"),
        Column(_("deal"), "deal"),
        Column(_("status"), "status"),
        Column(_("total"), "total"),
        Column(_("valid until"), "valid"),
        Column(_("owner"), "owner"),
    ),
    csv=(
        (_("number"), lambda q: q.number),
        (_("deal"), lambda q: q.deal),
        (_("company"), lambda q: q.deal.company),
        (_("status"), lambda q: q.get_status_display()),
        (_("subtotal"), lambda q: q.subtotal),
        (_("discount"), lambda q: q.discount_total),
        (_("tax"), lambda q: q.tax_total),
        (_("total"), lambda q: q.total),
        (_("currency"), lambda q: q.currency),
        (_("valid until"), lambda q: q.valid_until or ""),
        (_("owner"), lambda q: q.owner),
    ),
)

PRODUCTS = ListSpec(
    select=selectors.products,
    search=_any_of("code", "name", "description"),
    filters=(
        Filter(
            "active",
            _("active"),
            _fixed([("yes", _("Active")), ("no", _("Inactive"))]),
            conditions={
                "yes": lambda: Q(is_active=True),
                "no": lambda: Q(is_active=False),
            },
        ),
    ),
    sorts={
        "code": "code",
        "name": "name",
        "price": "list_price",
        "active": "is_active",
    },
    default_sort="code",
    columns=(
        Column(_("code"), "code"),
        Column(_("name"), "name"),
        Column(_("unit")),
        Column(_("list price"), "price"),
        Column(_("active"), "active"),
    ),
    csv=(
        (_("code"), lambda p: p.code),
        (_("name"), lambda p: p.name),
        (_("unit"), lambda p: p.unit),
        (_("list price"), lambda p: p.list_price),
        (_("currency"), lambda p: p.currency),
        (_("active"), lambda p: p.is_active),
    ),
)


@dataclass(frozen=True)
class Kind:
    """One kind of record as the generic views see it.

    `inline` names the fields a list row can change in place; `timeline` the
    activity link of the record's timeline, empty when it has none. The services
    are found by name: create_<name>, update_<name>, delete_<name>.
    """

    name: str
    model: type[Model]
    listing: ListSpec
    form: type[forms.ServiceForm]
    title: Any
    inline: tuple[str, ...] = ()
    timeline: str = ""

    @property
    def perm(self) -> str:
        return permissions.kind_of(self.model)

    def select(self, user: Any) -> QuerySet:
        return self.listing.select(user)

    def create(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(services, f"create_{self.name}")(*args, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(services, f"update_{self.name}")(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(services, f"delete_{self.name}")(*args, **kwargs)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "company",
            Company,
            COMPANIES,
            forms.CompanyForm,
            _("Companies"),
            inline=("tier", "owner"),
            timeline="company",
        ),
        Kind(
            "contact",
            Contact,
            CONTACTS,
            forms.ContactForm,
            _("Contacts"),
            inline=("owner",),
            timeline="contact",
        ),
        Kind(
            "lead",
            Lead,
            LEADS,
            forms.LeadForm,
            _("Leads"),
            inline=("status",),
            timeline="lead",
        ),
        Kind(
            "deal",
            Deal,
            DEALS,
            forms.DealForm,
            _("Deals"),
            inline=("stage", "amount"),
            timeline="deal",
        ),
        Kind("activity", Activity, ACTIVITIES, forms.ActivityForm, _("Activities")),
        Kind("quote", Quote, QUOTES, forms.QuoteForm, _("Quotes"), inline=("status",)),
        Kind(
            "product",
            Product,
            PRODUCTS,
            forms.ProductForm,
            _("Products"),
            inline=("list_price",),
        ),
    )
}
