"""API shapes of the CRM records: `…In` to create, `…Patch` to change, `…Out` to read.

A `…Patch` lists every field a caller may change, all optional: only the
fields sent are changed. A `…In` is the same with the required fields made
required. Choice fields are plain strings that the OpenAPI document lists as
enums; the model validation refuses anything else with a field error.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db import models
from ninja import Schema
from pydantic import Field

from rapport.core.api import (
    Day,
    Id,
    InputSchema,
    ListQuery,
    Moment,
    UserRefOut,
    omitted,
    sorted_by,
)
from rapport.crm.models import (
    CURRENCIES,
    Activity,
    CompanySize,
    ContactMethod,
    Industry,
    Lead,
    ProjectType,
    Quote,
    Region,
    Stage,
    Tier,
)

CURRENCY_CODES = [code for code, _label in CURRENCIES]


def choice(values: type[models.TextChoices] | list[str], description: str = "") -> Any:
    """An optional string field that the OpenAPI document shows as an enum."""
    options = list(values) if isinstance(values, list) else list(values.values)
    return omitted(description=description, json_schema_extra={"enum": options})


def money(description: str = "") -> Any:
    return omitted(ge=0, max_digits=14, decimal_places=2, description=description)


def percent(description: str = "") -> Any:
    return omitted(
        ge=0, le=100, max_digits=5, decimal_places=2, description=description
    )


class RefOut(Schema):
    """Another record, by id and name."""

    id: int
    name: str


class TitledRefOut(Schema):
    """Another record, by id and title."""

    id: int
    title: str


class AuditEntryOut(Schema):
    """One change of a record: who, when, and each field's old and new value."""

    id: int
    action: str
    actor: UserRefOut | None
    at: datetime
    changes: dict[str, Any]


class RecordOut(Schema):
    """What every CRM record answer carries: id, version and timestamps."""

    id: int
    version: int
    created_at: datetime
    updated_at: datetime


class ScopedOut(RecordOut):
    """A record with an owner and a team, which decide who sees it."""

    owner: UserRefOut
    team_id: Id | None


# --- Companies ----------------------------------------------------------------------


class CompanyPatch(InputSchema):
    """Fields of a company to change; only those sent change."""

    name: str = omitted(min_length=1, max_length=200)
    short_name: str = omitted(max_length=60)
    english_name: str = omitted(max_length=200)
    credit_code: str = omitted(
        max_length=18, description="Unified social credit code (18 characters)."
    )
    industry: str = choice(Industry)
    region: str = choice(Region)
    size: str = choice(CompanySize)
    tier: str = choice(Tier)
    website: str = omitted(max_length=200)
    address: str = omitted(max_length=300)
    notes: str = omitted()
    owner_id: Id = omitted(description="Give the record to another user.")


class CompanyIn(CompanyPatch):
    """A new company."""

    name: str = Field(min_length=1, max_length=200)


class CompanyOut(ScopedOut):
    """A business customer or prospect."""

    name: str
    short_name: str
    english_name: str
    credit_code: str
    industry: str
    region: str
    size: str
    tier: str
    website: str
    address: str
    notes: str


# --- Contacts -----------------------------------------------------------------------


class ContactMethodIn(InputSchema):
    """One phone number or e-mail address."""

    kind: Literal["email", "phone"]
    value: str = Field(min_length=1, max_length=200)
    label: str = Field("", max_length=40)
    is_primary: bool = False


class ContactMethodOut(Schema):
    """One phone number or e-mail address of a contact."""

    id: int
    kind: str
    value: str
    label: str
    is_primary: bool


class ContactPatch(InputSchema):
    """Fields of a contact to change; `methods`, when sent, replaces all of them."""

    company_id: Id | None = None
    name: str = omitted(min_length=1, max_length=100)
    title: str = omitted(max_length=100)
    department: str = omitted(max_length=100)
    notes: str = omitted()
    owner_id: Id = omitted(description="Give the record to another user.")
    methods: list[ContactMethodIn] = omitted(
        description="Phones and e-mail addresses; replaces the current ones."
    )


class ContactIn(ContactPatch):
    """A new contact with any number of phones and e-mail addresses."""

    name: str = Field(min_length=1, max_length=100)


class ContactOut(ScopedOut):
    """A person at a company, with phones and e-mail addresses."""

    company: RefOut | None
    name: str
    title: str
    department: str
    notes: str
    methods: list[ContactMethodOut]

    @staticmethod
    def resolve_methods(obj: Any) -> list[ContactMethod]:
        return list(obj.methods.all())


# --- Leads --------------------------------------------------------------------------


class LeadPatch(InputSchema):
    """Fields of a lead to change; conversion goes through /leads/{id}/convert."""

    title: str = omitted(min_length=1, max_length=200)
    company_name: str = omitted(max_length=200)
    contact_name: str = omitted(max_length=100)
    email: str = omitted(max_length=254)
    phone: str = omitted(max_length=40)
    source: str = choice(Lead.Source)
    region: str = choice(Region)
    industry: str = choice(Industry)
    budget: Decimal | None = money()
    currency: str = choice(CURRENCY_CODES)
    status: str = choice([s for s in Lead.Status.values if s != Lead.Status.CONVERTED])
    notes: str = omitted()
    company_id: Id | None = None
    contact_id: Id | None = None
    owner_id: Id = omitted(description="Give the record to another user.")


class LeadIn(LeadPatch):
    """A new lead."""

    title: str = Field(min_length=1, max_length=200)


class LeadOut(ScopedOut):
    """A possible customer not yet qualified."""

    title: str
    company_name: str
    contact_name: str
    email: str
    phone: str
    source: str
    region: str
    industry: str
    budget: Decimal | None
    currency: str
    status: str
    notes: str
    company_id: Id | None
    contact_id: Id | None
    converted_at: datetime | None


class ConvertLeadIn(InputSchema):
    """How to convert a lead: link or create its company and contact, open a deal."""

    company_id: Id | None = omitted(
        description="Link this company instead of creating one."
    )
    contact_id: Id | None = omitted(
        description="Link this contact instead of creating one."
    )
    deal_title: str | None = omitted(min_length=1, max_length=200)
    amount: Decimal | None = money("Defaults to the lead's budget.")
    pipeline_id: Id | None = omitted(description="Defaults to the default pipeline.")
    expected_close: Day | None = None


# --- Pipelines ----------------------------------------------------------------------


class StageIn(InputSchema):
    """One stage of a new pipeline; stages keep the order they are sent in."""

    name: str = Field(min_length=1, max_length=60)
    probability: int = Field(0, ge=0, le=100)
    outcome: str = Field(
        Stage.Outcome.OPEN, json_schema_extra={"enum": list[Any](Stage.Outcome.values)}
    )


class StageOut(Schema):
    """One step of a pipeline, with the win probability it implies."""

    id: int
    name: str
    position: int
    probability: int
    outcome: str


class PipelineIn(InputSchema):
    """A new pipeline with its stages; one of them must be a won stage."""

    name: str = Field(min_length=1, max_length=100)
    stages: list[StageIn] = Field(min_length=1)


class PipelineOut(RecordOut):
    """A sales process and its ordered stages."""

    name: str
    is_default: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Stage]:
        return list(obj.stages.all())


# --- Deals --------------------------------------------------------------------------


class DealPatch(InputSchema):
    """Fields of a deal to change; a stage change follows the rules of /move."""

    title: str = omitted(min_length=1, max_length=200)
    company_id: Id = omitted()
    contact_id: Id | None = None
    lead_id: Id | None = None
    stage_id: Id = omitted()
    amount: Decimal = money()
    currency: str = choice(CURRENCY_CODES)
    probability: int = omitted(ge=0, le=100)
    expected_close: Day | None = None
    lost_reason: str = omitted(max_length=200)
    discount_pct: Decimal = percent()
    notes: str = omitted()
    project_type: str = choice(ProjectType, "The kind of project a won deal becomes.")
    owner_id: Id = omitted(description="Give the record to another user.")


class DealIn(DealPatch):
    """A new deal; pipeline and stage default to the default pipeline's first stage."""

    title: str = Field(min_length=1, max_length=200)
    company_id: Id
    pipeline_id: Id = omitted()


class StageRefOut(Schema):
    """A stage, by id, name and outcome."""

    id: int
    name: str
    outcome: str
    probability: int


class DealOut(ScopedOut):
    """A sales opportunity moving through a pipeline's stages."""

    title: str
    company: RefOut
    contact: RefOut | None
    lead_id: Id | None
    pipeline: RefOut
    stage: StageRefOut
    amount: Decimal
    currency: str
    probability: int
    expected_close: date | None
    closed_at: datetime | None
    lost_reason: str
    discount_pct: Decimal
    notes: str
    project_type: str


class MoveDealIn(InputSchema):
    """The stage to move the deal to; a lost stage needs a reason."""

    stage_id: Id
    lost_reason: str | None = omitted(max_length=200)


# --- Activities ---------------------------------------------------------------------


class ActivityPatch(InputSchema):
    """Fields of an activity to change."""

    kind: str = choice(Activity.Kind)
    subject: str = omitted(min_length=1, max_length=200)
    body: str = omitted()
    company_id: Id | None = None
    contact_id: Id | None = None
    lead_id: Id | None = None
    deal_id: Id | None = None
    occurred_at: Moment = omitted()
    due_at: Moment | None = None
    remind_at: Moment | None = None
    done_at: Moment | None = None
    owner_id: Id = omitted(description="Give the record to another user.")


class ActivityIn(ActivityPatch):
    """A call, meeting, e-mail or note; a task needs `due_at`."""

    kind: str = Field(json_schema_extra={"enum": list[Any](Activity.Kind.values)})
    subject: str = Field(min_length=1, max_length=200)


class ActivityOut(ScopedOut):
    """A call, meeting, e-mail, note or task on the customer timeline."""

    kind: str
    subject: str
    body: str
    company_id: Id | None
    contact_id: Id | None
    lead_id: Id | None
    deal_id: Id | None
    occurred_at: datetime
    due_at: datetime | None
    remind_at: datetime | None
    done_at: datetime | None


# --- Products -----------------------------------------------------------------------


class ProductPatch(InputSchema):
    """Fields of a catalogue entry to change."""

    code: str = omitted(min_length=1, max_length=40)
    name: str = omitted(min_length=1, max_length=200)
    description: str = omitted()
    unit: str = omitted(min_length=1, max_length=20)
    list_price: Decimal = money()
    currency: str = choice(CURRENCY_CODES)
    is_active: bool = omitted()


class ProductIn(ProductPatch):
    """A new product or service."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    list_price: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class ProductOut(RecordOut):
    """Something the company sells, with its list price."""

    code: str
    name: str
    description: str
    unit: str
    list_price: Decimal
    currency: str
    is_active: bool


# --- Quotes -------------------------------------------------------------------------


class QuoteLineIn(InputSchema):
    """One line of a quote; price and description default to the product's."""

    product_id: Id | None = None
    description: str | None = omitted(max_length=300)
    quantity: Decimal = Field(Decimal("1"), ge=0, max_digits=12, decimal_places=2)
    unit_price: Decimal | None = money()
    discount_pct: Decimal = Field(
        Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2
    )


class QuoteLineOut(Schema):
    """One product or service on a quote, with its net amount."""

    id: int
    product_id: Id | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    net: Decimal


class QuotePatch(InputSchema):
    """Fields of a quote to change; `lines`, when sent, replaces every line."""

    status: str = choice(Quote.Status)
    currency: str = choice(CURRENCY_CODES)
    valid_until: Day | None = None
    discount_pct: Decimal = percent()
    tax_pct: Decimal = percent()
    notes: str = omitted()
    owner_id: Id = omitted(description="Give the record to another user.")
    lines: list[QuoteLineIn] = omitted(description="Replaces every line.")


class QuoteIn(QuotePatch):
    """A new quote for a deal; totals are computed from the lines."""

    deal_id: Id
    lines: list[QuoteLineIn] = Field(default_factory=list)


class QuoteOut(ScopedOut):
    """A priced offer for a deal, with its lines and computed totals."""

    number: str
    deal: TitledRefOut
    status: str
    currency: str
    valid_until: date | None
    discount_pct: Decimal
    tax_pct: Decimal
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    notes: str
    lines: list[QuoteLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


# --- List filters -------------------------------------------------------------------


SCOPED_SORTS = ("id", "created_at", "updated_at")


class ScopedFilter(ListQuery):
    """Filters every owned record understands."""

    sort: str = sorted_by(*SCOPED_SORTS)
    owner: Id | None = omitted(description="Owner's user id.")
    team: Id | None = omitted(description="Team id.")
    q: str | None = omitted(
        max_length=100, description="Text the name or title contains."
    )
    created_after: Moment | None = None
    created_before: Moment | None = None
    updated_after: Moment | None = None


class CompanyFilter(ScopedFilter):
    """Filters and sort of the company list."""

    sort: str = sorted_by(*SCOPED_SORTS, "name")

    industry: str = choice(Industry)
    region: str = choice(Region)
    tier: str = choice(Tier)


class ContactFilter(ScopedFilter):
    """Filters and sort of the contact list."""

    sort: str = sorted_by(*SCOPED_SORTS, "name")

    company: Id | None = omitted(description="Company id.")


class LeadFilter(ScopedFilter):
    """Filters and sort of the lead list."""

    sort: str = sorted_by(*SCOPED_SORTS, "title")

    status: str = choice(Lead.Status)
    source: str = choice(Lead.Source)
    industry: str = choice(Industry)
    region: str = choice(Region)


class DealFilter(ScopedFilter):
    """Filters and sort of the deal list."""

    sort: str = sorted_by(*SCOPED_SORTS, "title", "amount", "probability")

    company: Id | None = omitted(description="Company id.")
    pipeline: Id | None = omitted(description="Pipeline id.")
    stage: Id | None = omitted(description="Stage id.")
    outcome: str = choice(Stage.Outcome, "open, won or lost.")
    amount_min: Decimal | None = money("Amount at least this.")
    amount_max: Decimal | None = money("Amount at most this.")
    close_after: Day | None = omitted(description="Expected close on or after.")
    close_before: Day | None = omitted(description="Expected close on or before.")


class ActivityFilter(ScopedFilter):
    """Filters and sort of the activity list."""

    sort: str = sorted_by(*SCOPED_SORTS, "occurred_at")

    kind: str = choice(Activity.Kind)
    company: Id | None = omitted(description="Company id.")
    contact: Id | None = omitted(description="Contact id.")
    lead: Id | None = omitted(description="Lead id.")
    deal: Id | None = omitted(description="Deal id.")
    done: bool | None = omitted(description="true: done tasks; false: open ones.")
    occurred_after: Moment | None = None
    occurred_before: Moment | None = None


class ProductFilter(ListQuery):
    """Filters and sort of the product catalogue."""

    sort: str = sorted_by("id", "code", "name", "list_price", "created_at")

    q: str | None = omitted(
        max_length=100, description="Text the code or name contains."
    )
    is_active: bool | None = None
    currency: str = choice(CURRENCY_CODES)


class QuoteFilter(ScopedFilter):
    """Filters and sort of the quote list."""

    sort: str = sorted_by(*SCOPED_SORTS, "number", "total")

    status: str = choice(Quote.Status)
    deal: Id | None = omitted(description="Deal id.")


class PipelineFilter(ListQuery):
    """Sort of the pipeline list."""

    sort: str = sorted_by("id", "name")
