"""The CRM API: companies, contacts, leads, deals, pipelines, activities and more.

Endpoints are thin: they read through `crm.selectors` (which scope every query
to the caller), write through `crm.services` (which check the role, validate
and write atomically), and shape the answer. A single-record answer carries the
record's ETag; PATCH and DELETE honour If-Match (see `core.api.expected_version`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.core.api import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Id,
    Page,
    expected_version,
    paginate,
    with_etag,
)
from rapport.crm import selectors, services
from rapport.crm.models import (
    Activity,
    Company,
    Contact,
    Deal,
    Lead,
    Pipeline,
    Product,
    Quote,
)
from rapport.crm.schemas import (
    ActivityFilter,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    AuditEntryOut,
    CompanyFilter,
    CompanyIn,
    CompanyOut,
    CompanyPatch,
    ContactFilter,
    ContactIn,
    ContactOut,
    ContactPatch,
    ConvertLeadIn,
    DealFilter,
    DealIn,
    DealOut,
    DealPatch,
    LeadFilter,
    LeadIn,
    LeadOut,
    LeadPatch,
    MoveDealIn,
    PipelineFilter,
    PipelineIn,
    PipelineOut,
    ProductFilter,
    ProductIn,
    ProductOut,
    ProductPatch,
    QuoteFilter,
    QuoteIn,
    QuoteOut,
    QuotePatch,
    ScopedFilter,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User

router = Router()

DELETED = {204: None, **WRITE_ERRORS}


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _one(response: HttpResponse, obj: Any) -> Any:
    with_etag(response, obj)
    return obj


def _created(request: HttpRequest, response: HttpResponse, obj: Any) -> Status[Any]:
    with_etag(response, obj)
    response["Location"] = request.build_absolute_uri(
        f"{request.path.rstrip('/')}/{obj.pk}"
    )
    return Status(201, obj)


def _deleted() -> HttpResponse:
    return HttpResponse(status=204)


def _scoped_filters(
    rows: QuerySet[Any], query: ScopedFilter, *text_fields: str
) -> QuerySet[Any]:
    """Apply the filters every owned record understands."""
    if query.owner is not None:
        rows = rows.filter(owner_id=query.owner)
    if query.team is not None:
        rows = rows.filter(team_id=query.team)
    if query.created_after:
        rows = rows.filter(created_at__gte=query.created_after)
    if query.created_before:
        rows = rows.filter(created_at__lt=query.created_before)
    if query.updated_after:
        rows = rows.filter(updated_at__gte=query.updated_after)
    return _text_filter(rows, query.q, *text_fields)


def _text_filter(rows: QuerySet[Any], text: str | None, *fields: str) -> QuerySet[Any]:
    for term in (text or "").split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        rows = rows.filter(condition)
    return rows


def _exact(rows: QuerySet[Any], **lookups: Any) -> QuerySet[Any]:
    """Filter on each lookup whose value was given."""
    given = {name: value for name, value in lookups.items() if value not in (None, "")}
    return rows.filter(**given) if given else rows


def _fields(payload: Any, *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields the caller sent, minus nested collections handled apart."""
    return payload.dict(exclude_unset=True, exclude=set(without))


def _history_of(path: str, load: Callable[[User, int], Any], label: str) -> None:
    """Register GET {path}/{id}/history for one kind of record."""

    def history(request: HttpRequest, record_id: Id) -> Any:
        return selectors.history(load(_actor(request), record_id))

    history.__name__ = f"{label}_history"
    history.__doc__ = f"The change history of one {label}, newest first (at most 50)."
    router.get(
        f"{path}/{{record_id}}/history",
        response={200: list[AuditEntryOut], **COMMON_ERRORS},
        tags=[path.strip("/")],
    )(history)


# --- Companies ----------------------------------------------------------------------


@router.get(
    "/companies", response={200: Page[CompanyOut], **COMMON_ERRORS}, tags=["companies"]
)
def list_companies(
    request: HttpRequest, response: HttpResponse, query: Query[CompanyFilter]
) -> dict[str, Any]:
    """Companies the caller may see, filtered and sorted."""
    rows = _scoped_filters(
        selectors.companies(_actor(request)),
        query,
        "name",
        "short_name",
        "english_name",
    )
    rows = _exact(rows, industry=query.industry, region=query.region, tier=query.tier)
    return paginate(request, response, rows, query)


@router.post(
    "/companies", response={201: CompanyOut, **WRITE_ERRORS}, tags=["companies"]
)
def create_company(
    request: HttpRequest, response: HttpResponse, payload: CompanyIn
) -> Any:
    """Create a company."""
    company = services.create_company(_actor(request), _fields(payload))
    return _created(request, response, _company(_actor(request), company.pk))


def _company(user: User, pk: int) -> Company:
    return selectors.get(selectors.companies(user), pk)


@router.get(
    "/companies/{company_id}",
    response={200: CompanyOut, **COMMON_ERRORS},
    tags=["companies"],
)
def get_company(request: HttpRequest, response: HttpResponse, company_id: Id) -> Any:
    """One company."""
    return _one(response, _company(_actor(request), company_id))


@router.patch(
    "/companies/{company_id}",
    response={200: CompanyOut, **WRITE_ERRORS},
    tags=["companies"],
)
def update_company(
    request: HttpRequest, response: HttpResponse, company_id: Id, payload: CompanyPatch
) -> Any:
    """Change the fields sent; If-Match, when sent, must name the current version."""
    actor = _actor(request)
    company = _company(actor, company_id)
    services.update_company(
        actor, company, _fields(payload), expected_version(request, company)
    )
    return _one(response, _company(actor, company_id))


@router.delete("/companies/{company_id}", response=DELETED, tags=["companies"])
def delete_company(request: HttpRequest, company_id: Id) -> HttpResponse:
    """Delete a company that has no deals or contacts left."""
    actor = _actor(request)
    company = _company(actor, company_id)
    services.delete_company(actor, company, expected_version(request, company))
    return _deleted()


_history_of("/companies", _company, "company")


# --- Contacts -----------------------------------------------------------------------


def _contact(user: User, pk: int) -> Contact:
    return selectors.get(selectors.contacts(user), pk)


@router.get(
    "/contacts", response={200: Page[ContactOut], **COMMON_ERRORS}, tags=["contacts"]
)
def list_contacts(
    request: HttpRequest, response: HttpResponse, query: Query[ContactFilter]
) -> dict[str, Any]:
    """Contacts the caller may see, with their phones and e-mail addresses."""
    rows = _scoped_filters(
        selectors.contacts(_actor(request)), query, "name", "title", "department"
    )
    rows = _exact(rows, company_id=query.company)
    return paginate(request, response, rows, query)


@router.post("/contacts", response={201: ContactOut, **WRITE_ERRORS}, tags=["contacts"])
def create_contact(
    request: HttpRequest, response: HttpResponse, payload: ContactIn
) -> Any:
    """Create a contact with any number of phones and e-mail addresses."""
    actor = _actor(request)
    methods = [m.dict() for m in payload.methods or []]
    contact = services.create_contact(
        actor, _fields(payload, without=("methods",)), methods
    )
    return _created(request, response, _contact(actor, contact.pk))


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **COMMON_ERRORS},
    tags=["contacts"],
)
def get_contact(request: HttpRequest, response: HttpResponse, contact_id: Id) -> Any:
    """One contact."""
    return _one(response, _contact(_actor(request), contact_id))


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
)
def update_contact(
    request: HttpRequest, response: HttpResponse, contact_id: Id, payload: ContactPatch
) -> Any:
    """Change the fields sent; `methods`, when sent, replaces all phones and e-mails."""
    actor = _actor(request)
    contact = _contact(actor, contact_id)
    methods = None
    if "methods" in payload.model_fields_set:
        methods = [m.dict() for m in payload.methods or []]
    services.update_contact(
        actor,
        contact,
        _fields(payload, without=("methods",)),
        expected_version(request, contact),
        methods=methods,
    )
    return _one(response, _contact(actor, contact_id))


@router.delete("/contacts/{contact_id}", response=DELETED, tags=["contacts"])
def delete_contact(request: HttpRequest, contact_id: Id) -> HttpResponse:
    """Delete a contact."""
    actor = _actor(request)
    contact = _contact(actor, contact_id)
    services.delete_contact(actor, contact, expected_version(request, contact))
    return _deleted()


_history_of("/contacts", _contact, "contact")


# --- Leads --------------------------------------------------------------------------


def _lead(user: User, pk: int) -> Lead:
    return selectors.get(selectors.leads(user), pk)


@router.get("/leads", response={200: Page[LeadOut], **COMMON_ERRORS}, tags=["leads"])
def list_leads(
    request: HttpRequest, response: HttpResponse, query: Query[LeadFilter]
) -> dict[str, Any]:
    """Leads the caller may see, filtered and sorted."""
    rows = _scoped_filters(
        selectors.leads(_actor(request)), query, "title", "company_name", "contact_name"
    )
    rows = _exact(
        rows,
        status=query.status,
        source=query.source,
        industry=query.industry,
        region=query.region,
    )
    return paginate(request, response, rows, query)


@router.post("/leads", response={201: LeadOut, **WRITE_ERRORS}, tags=["leads"])
def create_lead(request: HttpRequest, response: HttpResponse, payload: LeadIn) -> Any:
    """Record a new lead."""
    actor = _actor(request)
    lead = services.create_lead(actor, _fields(payload))
    return _created(request, response, _lead(actor, lead.pk))


@router.get(
    "/leads/{lead_id}", response={200: LeadOut, **COMMON_ERRORS}, tags=["leads"]
)
def get_lead(request: HttpRequest, response: HttpResponse, lead_id: Id) -> Any:
    """One lead."""
    return _one(response, _lead(_actor(request), lead_id))


@router.patch(
    "/leads/{lead_id}", response={200: LeadOut, **WRITE_ERRORS}, tags=["leads"]
)
def update_lead(
    request: HttpRequest, response: HttpResponse, lead_id: Id, payload: LeadPatch
) -> Any:
    """Change the fields sent; a lead is converted only through /convert."""
    actor = _actor(request)
    lead = _lead(actor, lead_id)
    services.update_lead(actor, lead, _fields(payload), expected_version(request, lead))
    return _one(response, _lead(actor, lead_id))


@router.delete("/leads/{lead_id}", response=DELETED, tags=["leads"])
def delete_lead(request: HttpRequest, lead_id: Id) -> HttpResponse:
    """Delete a lead."""
    actor = _actor(request)
    lead = _lead(actor, lead_id)
    services.delete_lead(actor, lead, expected_version(request, lead))
    return _deleted()


@router.post(
    "/leads/{lead_id}/convert", response={201: DealOut, **WRITE_ERRORS}, tags=["leads"]
)
def convert_lead(
    request: HttpRequest, response: HttpResponse, lead_id: Id, payload: ConvertLeadIn
) -> Any:
    """Turn a lead into a deal, creating or linking its company and contact."""
    actor = _actor(request)
    lead = _lead(actor, lead_id)
    deal = services.convert_lead(
        actor, lead, **payload.dict(), version=expected_version(request, lead)
    )
    created = _deal(actor, deal.pk)
    with_etag(response, created)
    response["Location"] = request.build_absolute_uri(f"/api/v1/deals/{deal.pk}")
    return Status(201, created)


_history_of("/leads", _lead, "lead")


# --- Pipelines ----------------------------------------------------------------------


def _pipeline(user: User, pk: int) -> Pipeline:
    return selectors.get(selectors.pipelines(user), pk)


@router.get(
    "/pipelines", response={200: Page[PipelineOut], **COMMON_ERRORS}, tags=["pipelines"]
)
def list_pipelines(
    request: HttpRequest, response: HttpResponse, query: Query[PipelineFilter]
) -> dict[str, Any]:
    """Sales pipelines with their stages in order."""
    rows = selectors.pipelines(_actor(request))
    return paginate(request, response, rows, query)


@router.post(
    "/pipelines", response={201: PipelineOut, **WRITE_ERRORS}, tags=["pipelines"]
)
def create_pipeline(
    request: HttpRequest, response: HttpResponse, payload: PipelineIn
) -> Any:
    """Create a pipeline with its stages (administrators only)."""
    actor = _actor(request)
    stages = [stage.dict() for stage in payload.stages]
    pipeline = services.create_pipeline(actor, payload.name, stages)
    return _created(request, response, _pipeline(actor, pipeline.pk))


@router.get(
    "/pipelines/{pipeline_id}",
    response={200: PipelineOut, **COMMON_ERRORS},
    tags=["pipelines"],
)
def get_pipeline(request: HttpRequest, response: HttpResponse, pipeline_id: Id) -> Any:
    """One pipeline with its stages."""
    return _one(response, _pipeline(_actor(request), pipeline_id))


# --- Deals --------------------------------------------------------------------------


def _deal(user: User, pk: int) -> Deal:
    return selectors.get(selectors.deals(user), pk)


@router.get("/deals", response={200: Page[DealOut], **COMMON_ERRORS}, tags=["deals"])
def list_deals(
    request: HttpRequest, response: HttpResponse, query: Query[DealFilter]
) -> dict[str, Any]:
    """Deals the caller may see, by company, pipeline, stage, amount or date."""
    rows = _scoped_filters(selectors.deals(_actor(request)), query, "title")
    rows = _exact(
        rows,
        company_id=query.company,
        pipeline_id=query.pipeline,
        stage_id=query.stage,
        stage__outcome=query.outcome,
        amount__gte=query.amount_min,
        amount__lte=query.amount_max,
        expected_close__gte=query.close_after,
        expected_close__lte=query.close_before,
    )
    return paginate(request, response, rows, query)


@router.post("/deals", response={201: DealOut, **WRITE_ERRORS}, tags=["deals"])
def create_deal(request: HttpRequest, response: HttpResponse, payload: DealIn) -> Any:
    """Open a deal; without a stage it starts in the first open stage."""
    actor = _actor(request)
    deal = services.create_deal(actor, _fields(payload))
    return _created(request, response, _deal(actor, deal.pk))


@router.get(
    "/deals/{deal_id}", response={200: DealOut, **COMMON_ERRORS}, tags=["deals"]
)
def get_deal(request: HttpRequest, response: HttpResponse, deal_id: Id) -> Any:
    """One deal."""
    return _one(response, _deal(_actor(request), deal_id))


@router.patch(
    "/deals/{deal_id}", response={200: DealOut, **WRITE_ERRORS}, tags=["deals"]
)
def update_deal(
    request: HttpRequest, response: HttpResponse, deal_id: Id, payload: DealPatch
) -> Any:
    """Change the fields sent; a new stage_id moves the deal as /move does."""
    actor = _actor(request)
    deal = _deal(actor, deal_id)
    services.update_deal(actor, deal, _fields(payload), expected_version(request, deal))
    return _one(response, _deal(actor, deal_id))


@router.post(
    "/deals/{deal_id}/move", response={200: DealOut, **WRITE_ERRORS}, tags=["deals"]
)
def move_deal(
    request: HttpRequest, response: HttpResponse, deal_id: Id, payload: MoveDealIn
) -> Any:
    """Move a deal to another stage of its pipeline; a won or lost stage closes it."""
    actor = _actor(request)
    deal = _deal(actor, deal_id)
    services.move_deal(
        actor,
        deal,
        payload.stage_id,
        expected_version(request, deal),
        lost_reason=payload.lost_reason,
    )
    return _one(response, _deal(actor, deal_id))


@router.delete("/deals/{deal_id}", response=DELETED, tags=["deals"])
def delete_deal(request: HttpRequest, deal_id: Id) -> HttpResponse:
    """Delete a deal with its quotes and activities."""
    actor = _actor(request)
    deal = _deal(actor, deal_id)
    services.delete_deal(actor, deal, expected_version(request, deal))
    return _deleted()


_history_of("/deals", _deal, "deal")


# --- Activities ---------------------------------------------------------------------


def _activity(user: User, pk: int) -> Activity:
    return selectors.get(selectors.activities(user), pk)


@router.get(
    "/activities",
    response={200: Page[ActivityOut], **COMMON_ERRORS},
    tags=["activities"],
)
def list_activities(
    request: HttpRequest, response: HttpResponse, query: Query[ActivityFilter]
) -> dict[str, Any]:
    """Calls, meetings, e-mails, notes and tasks the caller may see."""
    rows = _scoped_filters(
        selectors.activities(_actor(request)), query, "subject", "body"
    )
    rows = _exact(
        rows,
        kind=query.kind,
        company_id=query.company,
        contact_id=query.contact,
        lead_id=query.lead,
        deal_id=query.deal,
        occurred_at__gte=query.occurred_after,
        occurred_at__lt=query.occurred_before,
    )
    if query.done is not None:
        rows = rows.filter(done_at__isnull=not query.done)
    return paginate(request, response, rows, query)


@router.post(
    "/activities", response={201: ActivityOut, **WRITE_ERRORS}, tags=["activities"]
)
def create_activity(
    request: HttpRequest, response: HttpResponse, payload: ActivityIn
) -> Any:
    """Log a call, meeting, e-mail or note, or create a task with a due date."""
    actor = _actor(request)
    activity = services.create_activity(actor, _fields(payload))
    return _created(request, response, _activity(actor, activity.pk))


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, **COMMON_ERRORS},
    tags=["activities"],
)
def get_activity(request: HttpRequest, response: HttpResponse, activity_id: Id) -> Any:
    """One activity."""
    return _one(response, _activity(_actor(request), activity_id))


@router.patch(
    "/activities/{activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    tags=["activities"],
)
def update_activity(
    request: HttpRequest,
    response: HttpResponse,
    activity_id: Id,
    payload: ActivityPatch,
) -> Any:
    """Change the fields sent."""
    actor = _actor(request)
    activity = _activity(actor, activity_id)
    services.update_activity(
        actor, activity, _fields(payload), expected_version(request, activity)
    )
    return _one(response, _activity(actor, activity_id))


@router.post(
    "/activities/{activity_id}/complete",
    response={200: ActivityOut, **WRITE_ERRORS},
    tags=["activities"],
)
def complete_activity(
    request: HttpRequest, response: HttpResponse, activity_id: Id
) -> Any:
    """Mark a task done now."""
    actor = _actor(request)
    activity = _activity(actor, activity_id)
    services.complete_activity(actor, activity, expected_version(request, activity))
    return _one(response, _activity(actor, activity_id))


@router.delete("/activities/{activity_id}", response=DELETED, tags=["activities"])
def delete_activity(request: HttpRequest, activity_id: Id) -> HttpResponse:
    """Delete an activity."""
    actor = _actor(request)
    activity = _activity(actor, activity_id)
    services.delete_activity(actor, activity, expected_version(request, activity))
    return _deleted()


_history_of("/activities", _activity, "activity")


# --- Products -----------------------------------------------------------------------


def _product(user: User, pk: int) -> Product:
    return selectors.get(selectors.products(user), pk)


@router.get(
    "/products", response={200: Page[ProductOut], **COMMON_ERRORS}, tags=["products"]
)
def list_products(
    request: HttpRequest, response: HttpResponse, query: Query[ProductFilter]
) -> dict[str, Any]:
    """The product and service catalogue."""
    rows = _text_filter(selectors.products(_actor(request)), query.q, "code", "name")
    rows = _exact(rows, is_active=query.is_active, currency=query.currency)
    return paginate(request, response, rows, query)


@router.post("/products", response={201: ProductOut, **WRITE_ERRORS}, tags=["products"])
def create_product(
    request: HttpRequest, response: HttpResponse, payload: ProductIn
) -> Any:
    """Add a product or service to the catalogue."""
    actor = _actor(request)
    product = services.create_product(actor, _fields(payload))
    return _created(request, response, _product(actor, product.pk))


@router.get(
    "/products/{product_id}",
    response={200: ProductOut, **COMMON_ERRORS},
    tags=["products"],
)
def get_product(request: HttpRequest, response: HttpResponse, product_id: Id) -> Any:
    """One catalogue entry."""
    return _one(response, _product(_actor(request), product_id))


@router.patch(
    "/products/{product_id}",
    response={200: ProductOut, **WRITE_ERRORS},
    tags=["products"],
)
def update_product(
    request: HttpRequest, response: HttpResponse, product_id: Id, payload: ProductPatch
) -> Any:
    """Change the fields sent."""
    actor = _actor(request)
    product = _product(actor, product_id)
    services.update_product(
        actor, product, _fields(payload), expected_version(request, product)
    )
    return _one(response, _product(actor, product_id))


@router.delete("/products/{product_id}", response=DELETED, tags=["products"])
def delete_product(request: HttpRequest, product_id: Id) -> HttpResponse:
    """Remove a product that no quote uses."""
    actor = _actor(request)
    product = _product(actor, product_id)
    services.delete_product(actor, product, expected_version(request, product))
    return _deleted()


_history_of("/products", _product, "product")


# --- Quotes -------------------------------------------------------------------------


def _quote(user: User, pk: int) -> Quote:
    return selectors.get(selectors.quotes(user), pk)


@router.get("/quotes", response={200: Page[QuoteOut], **COMMON_ERRORS}, tags=["quotes"])
def list_quotes(
    request: HttpRequest, response: HttpResponse, query: Query[QuoteFilter]
) -> dict[str, Any]:
    """Quotes the caller may see, with their lines and totals."""
    rows = _scoped_filters(selectors.quotes(_actor(request)), query, "number", "notes")
    rows = _exact(rows, status=query.status, deal_id=query.deal)
    return paginate(request, response, rows, query)


@router.post("/quotes", response={201: QuoteOut, **WRITE_ERRORS}, tags=["quotes"])
def create_quote(request: HttpRequest, response: HttpResponse, payload: QuoteIn) -> Any:
    """Create a quote for a deal with its lines; the totals are computed."""
    actor = _actor(request)
    lines = [line.dict() for line in payload.lines]
    quote = services.create_quote(actor, _fields(payload, without=("lines",)), lines)
    return _created(request, response, _quote(actor, quote.pk))


@router.get(
    "/quotes/{quote_id}", response={200: QuoteOut, **COMMON_ERRORS}, tags=["quotes"]
)
def get_quote(request: HttpRequest, response: HttpResponse, quote_id: Id) -> Any:
    """One quote with its lines."""
    return _one(response, _quote(_actor(request), quote_id))


@router.patch(
    "/quotes/{quote_id}", response={200: QuoteOut, **WRITE_ERRORS}, tags=["quotes"]
)
def update_quote(
    request: HttpRequest, response: HttpResponse, quote_id: Id, payload: QuotePatch
) -> Any:
    """Change the fields sent; `lines`, when sent, replaces every line."""
    actor = _actor(request)
    quote = _quote(actor, quote_id)
    lines = None
    if "lines" in payload.model_fields_set:
        lines = [line.dict() for line in payload.lines or []]
    services.update_quote(
        actor,
        quote,
        _fields(payload, without=("lines",)),
        expected_version(request, quote),
        lines=lines,
    )
    return _one(response, _quote(actor, quote_id))


@router.delete("/quotes/{quote_id}", response=DELETED, tags=["quotes"])
def delete_quote(request: HttpRequest, quote_id: Id) -> HttpResponse:
    """Delete a quote and its lines."""
    actor = _actor(request)
    quote = _quote(actor, quote_id)
    services.delete_quote(actor, quote, expected_version(request, quote))
    return _deleted()


_history_of("/quotes", _quote, "quote")
