"""Every CRM write and business rule; pages, the API, jobs and the assistant call these.

Each public function checks the actor's permission, validates, writes in one
transaction with its audit entry and domain event, and returns the record.
Field values arrive as plain Python values keyed by field name; relations are
given by id (`company_id`, `owner_id` ...), and every related record must lie
inside the actor's data scope.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.accounts import selectors as account_selectors
from rapport.core import permissions
from rapport.core.errors import ValidationFailed
from rapport.core.search import index_record, unindex_record
from rapport.core.services import create_record, delete_record, update_record
from rapport.crm.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    Pipeline,
    Product,
    Quote,
    QuoteLine,
    Stage,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User

logger = logging.getLogger(__name__)

# The relations a caller may set by id, and the model each must point to.
_RELATIONS: dict[type[models.Model], dict[str, type[models.Model]]] = {
    Contact: {"company_id": Company},
    Lead: {"company_id": Company, "contact_id": Contact},
    Deal: {
        "company_id": Company,
        "contact_id": Contact,
        "lead_id": Lead,
        "pipeline_id": Pipeline,
        "stage_id": Stage,
    },
    Activity: {
        "company_id": Company,
        "contact_id": Contact,
        "lead_id": Lead,
        "deal_id": Deal,
    },
    Quote: {"deal_id": Deal},
}


def _editable_fields(model: type[models.Model]) -> set[str]:
    names = set()
    for field in model._meta.concrete_fields:
        if field.editable and not field.primary_key:
            names.add(field.attname if field.is_relation else field.name)
    return names - {"team_id"}


def _check_relations(
    actor: User, model: type[models.Model], data: Mapping[str, Any]
) -> None:
    """Refuse relations to missing records or records outside the actor's scope."""
    errors: dict[str, list[str]] = {}
    for attname, target in _RELATIONS.get(model, {}).items():
        value = data.get(attname)
        if value in (None, ""):
            continue
        related = target._default_manager.filter(pk=value).first()
        if related is None or not permissions.in_scope(actor, related):
            errors[attname.removesuffix("_id")] = [_("No such record.")]
    if errors:
        raise ValidationFailed(errors)


def _owner(actor: User, owner_id: Any) -> User:
    """The owner to give a record: the actor, or someone the actor may assign."""
    if owner_id in (None, "", actor.pk):
        return actor
    owner = account_selectors.assignable_users(actor).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationFailed.single(
            "owner", _("You cannot assign records to this person.")
        )
    return owner


def _clean_data(model: type[models.Model], data: Mapping[str, Any]) -> dict[str, Any]:
    allowed = _editable_fields(model)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in unknown})
    return dict(data)


def _create(
    actor: User,
    model: type[models.Model],
    data: Mapping[str, Any],
    derived: Mapping[str, Any] | None = None,
) -> Any:
    """Create a record from caller data plus values the service computed itself."""
    permissions.require(actor, permissions.ADD, permissions.kind_of(model))
    values = _clean_data(model, data)
    _check_relations(actor, model, values)
    if getattr(model, "scoped", False):
        owner = _owner(actor, values.pop("owner_id", None))
        values["owner_id"] = owner.pk
        values["team_id"] = owner.team_id
    instance = model(**values, **(derived or {}))
    name = model._meta.model_name
    create_record(actor, instance, event=f"{name}.created")
    if getattr(model, "scoped", False):
        index_record(instance)
    return instance


def _update(
    actor: User,
    instance: Any,
    data: Mapping[str, Any],
    version: int | None,
    event: str | None = None,
    derived: Mapping[str, Any] | None = None,
) -> dict[str, list[Any]]:
    """Change a record from caller data plus values the service computed itself."""
    permissions.check(actor, permissions.CHANGE, instance)
    model = type(instance)
    values = _clean_data(model, data)
    _check_relations(actor, model, values)
    if "owner_id" in values:
        owner = _owner(actor, values["owner_id"])
        values["owner_id"] = owner.pk
        values["team_id"] = owner.team_id
    name = model._meta.model_name
    diff = update_record(
        actor,
        instance,
        {**values, **(derived or {})},
        version,
        event=event or f"{name}.updated",
    )
    if diff and getattr(model, "scoped", False):
        index_record(instance)
    return diff


def _delete(actor: User, instance: Any, version: int | None) -> None:
    permissions.check(actor, permissions.DELETE, instance)
    if getattr(instance, "scoped", False):
        unindex_record(instance)
    delete_record(
        actor, instance, version, event=f"{instance._meta.model_name}.deleted"
    )


# --- Companies ----------------------------------------------------------------------


@transaction.atomic
def create_company(actor: User, data: Mapping[str, Any]) -> Company:
    """Create a company owned by the actor, or by someone the actor assigns."""
    return _create(actor, Company, data)


@transaction.atomic
def update_company(
    actor: User, company: Company, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a company's fields; with `version`, refuse if someone changed it first."""
    return _update(actor, company, data, version)


@transaction.atomic
def delete_company(actor: User, company: Company, version: int | None = None) -> None:
    """Delete a company that has no deals or contacts left."""
    _delete(actor, company, version)


# --- Contacts -----------------------------------------------------------------------


def _normalise_methods(methods: Iterable[Mapping[str, Any]]) -> list[ContactMethod]:
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    result: list[ContactMethod] = []
    errors: list[str] = []
    for position, method in enumerate(methods):
        kind = method.get("kind")
        value = str(method.get("value", "")).strip()
        if kind not in ContactMethod.Kind.values:
            errors.append(
                _("Line %(n)d: the kind must be e-mail or phone.") % {"n": position + 1}
            )
            continue
        if not value:
            errors.append(_("Line %(n)d: the value is empty.") % {"n": position + 1})
            continue
        if kind == ContactMethod.Kind.EMAIL:
            try:
                validate_email(value)
            except DjangoValidationError:
                errors.append(
                    _("Line %(n)d: %(v)s is not an e-mail address.")
                    % {"n": position + 1, "v": value}
                )
                continue
            value = value.lower()
        result.append(
            ContactMethod(
                kind=kind,
                value=value[:200],
                label=str(method.get("label", ""))[:40],
                is_primary=bool(method.get("is_primary", False)),
            )
        )
    if errors:
        raise ValidationFailed({"methods": errors})
    return result


def _replace_methods(contact: Contact, methods: Iterable[Mapping[str, Any]]) -> None:
    rows = _normalise_methods(methods)
    for kind in ContactMethod.Kind.values:
        same_kind = [m for m in rows if m.kind == kind]
        if same_kind and not any(m.is_primary for m in same_kind):
            same_kind[0].is_primary = True
    contact.methods.all().delete()
    for row in rows:
        row.contact = contact
    ContactMethod.objects.bulk_create(rows)


@transaction.atomic
def create_contact(
    actor: User, data: Mapping[str, Any], methods: Iterable[Mapping[str, Any]] = ()
) -> Contact:
    """Create a contact with any number of phones and e-mail addresses."""
    contact = _create(actor, Contact, data)
    _replace_methods(contact, methods)
    index_record(contact)
    return contact


@transaction.atomic
def update_contact(
    actor: User,
    contact: Contact,
    data: Mapping[str, Any],
    version: int | None = None,
    methods: Iterable[Mapping[str, Any]] | None = None,
) -> dict[str, list[Any]]:
    """Change a contact; `methods`, when given, replaces all phones and e-mails."""
    diff = _update(actor, contact, data, version)
    if methods is not None:
        before = [(m.kind, m.value) for m in contact.methods.all()]
        _replace_methods(contact, methods)
        after = [(m.kind, m.value) for m in contact.methods.all()]
        if before != after:
            from rapport.core.services import record_audit

            record_audit(actor, "update", contact, {"methods": [before, after]})
            index_record(contact)
            diff["methods"] = [before, after]
    return diff


@transaction.atomic
def delete_contact(actor: User, contact: Contact, version: int | None = None) -> None:
    """Delete a contact; its activities stay on the company timeline."""
    _delete(actor, contact, version)


# --- Leads --------------------------------------------------------------------------


@transaction.atomic
def create_lead(actor: User, data: Mapping[str, Any]) -> Lead:
    """Record a new lead."""
    return _create(actor, Lead, data)


@transaction.atomic
def update_lead(
    actor: User, lead: Lead, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a lead; a converted lead cannot go back to another status."""
    if lead.status == Lead.Status.CONVERTED and data.get("status") not in (
        None,
        Lead.Status.CONVERTED,
    ):
        raise ValidationFailed.single("status", _("A converted lead stays converted."))
    if (
        data.get("status") == Lead.Status.CONVERTED
        and lead.status != Lead.Status.CONVERTED
    ):
        raise ValidationFailed.single("status", _("Use “Convert” to convert a lead."))
    return _update(actor, lead, data, version)


@transaction.atomic
def delete_lead(actor: User, lead: Lead, version: int | None = None) -> None:
    """Delete a lead."""
    _delete(actor, lead, version)


@transaction.atomic
def convert_lead(
    actor: User,
    lead: Lead,
    *,
    company_id: int | None = None,
    contact_id: int | None = None,
    deal_title: str | None = None,
    amount: Decimal | None = None,
    pipeline_id: int | None = None,
    expected_close: Any = None,
    version: int | None = None,
) -> Deal:
    """Turn a lead into a deal in one step, creating or linking company and contact.

    Without `company_id` a company is created from the lead's company name (or
    an existing visible company of exactly that name is linked); likewise for
    the contact. The lead is marked converted and linked to all three.
    """
    permissions.check(actor, permissions.CHANGE, lead)
    permissions.require(actor, permissions.ADD, "crm.deal")
    if lead.status == Lead.Status.CONVERTED:
        raise ValidationFailed.single("status", _("This lead is already converted."))
    if lead.status == Lead.Status.DISQUALIFIED:
        raise ValidationFailed.single(
            "status", _("A disqualified lead cannot be converted.")
        )

    company = _company_for_lead(actor, lead, company_id)
    contact = _contact_for_lead(actor, lead, company, contact_id)
    pipeline = _pipeline(pipeline_id)
    first_stage = (
        pipeline.stages.filter(outcome=Stage.Outcome.OPEN).order_by("position").first()
    )
    if first_stage is None:
        raise ValidationFailed.single("pipeline", _("This pipeline has no open stage."))
    deal = _create(
        actor,
        Deal,
        {
            "title": (deal_title or lead.title)[:200],
            "company_id": company.pk,
            "contact_id": contact.pk if contact else None,
            "lead_id": lead.pk,
            "pipeline_id": pipeline.pk,
            "stage_id": first_stage.pk,
            "probability": first_stage.probability,
            "amount": amount if amount is not None else (lead.budget or Decimal("0")),
            "currency": lead.currency,
            "expected_close": expected_close,
            "owner_id": lead.owner_id if lead.owner_id != actor.pk else None,
        },
    )

    update_record(
        actor,
        lead,
        {
            "status": Lead.Status.CONVERTED,
            "company_id": company.pk,
            "contact_id": contact.pk if contact else None,
            "converted_at": timezone.now(),
        },
        version,
        event="lead.converted",
    )
    index_record(lead)
    logger.info("lead converted", extra={"lead_id": lead.pk, "deal_id": deal.pk})
    return deal


def _company_for_lead(actor: User, lead: Lead, company_id: int | None) -> Company:
    if company_id:
        company = Company.objects.filter(pk=company_id).first()
        if company is None or not permissions.in_scope(actor, company):
            raise ValidationFailed.single("company", _("No such record."))
        return company
    if lead.company_id:
        return lead.company  # type: ignore[return-value]
    name = (lead.company_name or "").strip()
    if not name:
        raise ValidationFailed.single(
            "company", _("The lead has no company name: choose a company.")
        )
    existing = permissions.visible(actor, Company.objects.filter(name=name)).first()
    if existing:
        return existing
    return _create(
        actor,
        Company,
        {
            "name": name,
            "region": lead.region,
            "industry": lead.industry,
            "owner_id": lead.owner_id if lead.owner_id != actor.pk else None,
        },
    )


def _contact_for_lead(
    actor: User, lead: Lead, company: Company, contact_id: int | None
) -> Contact | None:
    if contact_id:
        contact = Contact.objects.filter(pk=contact_id).first()
        if contact is None or not permissions.in_scope(actor, contact):
            raise ValidationFailed.single("contact", _("No such record."))
        return contact
    if lead.contact_id:
        return lead.contact
    name = (lead.contact_name or "").strip()
    if not name:
        return None
    existing = Contact.objects.filter(company=company, name=name).first()
    if existing and permissions.in_scope(actor, existing):
        return existing
    methods = [{"kind": "email", "value": lead.email}] if lead.email else []
    if lead.phone:
        methods.append({"kind": "phone", "value": lead.phone})
    contact = _create(
        actor,
        Contact,
        {
            "name": name,
            "company_id": company.pk,
            "owner_id": lead.owner_id if lead.owner_id != actor.pk else None,
        },
    )
    _replace_methods(contact, methods)
    index_record(contact)
    return contact


# --- Pipelines and deals ----------------------------------------------------------


def _pipeline(pipeline_id: int | None) -> Pipeline:
    if pipeline_id:
        pipeline = Pipeline.objects.filter(pk=pipeline_id).first()
        if pipeline is None:
            raise ValidationFailed.single("pipeline", _("No such record."))
        return pipeline
    pipeline = Pipeline.objects.order_by("-is_default", "id").first()
    if pipeline is None:
        pipeline = create_default_pipeline()
    return pipeline


DEFAULT_STAGES = [
    # (English name, probability, outcome); names are translated on display.
    ("Qualification", 10, Stage.Outcome.OPEN),
    ("Needs analysis", 25, Stage.Outcome.OPEN),
    ("Proposal", 50, Stage.Outcome.OPEN),
    ("Negotiation", 75, Stage.Outcome.OPEN),
    ("Won", 100, Stage.Outcome.WON),
    ("Lost", 0, Stage.Outcome.LOST),
]


@transaction.atomic
def create_default_pipeline(name: str = "Sales") -> Pipeline:
    """Create the standard six-stage pipeline (used when none exists yet)."""
    pipeline, created = Pipeline.objects.get_or_create(
        name=name, defaults={"is_default": not Pipeline.objects.exists()}
    )
    if created:
        Stage.objects.bulk_create(
            Stage(pipeline=pipeline, name=n, position=i, probability=p, outcome=o)
            for i, (n, p, o) in enumerate(DEFAULT_STAGES)
        )
    return pipeline


@transaction.atomic
def create_pipeline(
    actor: User, name: str, stages: Iterable[Mapping[str, Any]]
) -> Pipeline:
    """Create a pipeline with its stages (admin only)."""
    permissions.require(actor, permissions.ADD, "crm.pipeline")
    stage_rows = list(stages)
    if not any(s.get("outcome") == Stage.Outcome.WON for s in stage_rows):
        raise ValidationFailed.single("stages", _("A pipeline needs a won stage."))
    pipeline = Pipeline(name=name)
    create_record(actor, pipeline)
    for position, stage in enumerate(stage_rows):
        row = Stage(
            pipeline=pipeline,
            name=stage["name"],
            position=position,
            probability=stage.get("probability", 0),
            outcome=stage.get("outcome", Stage.Outcome.OPEN),
        )
        from rapport.core.services import full_clean

        full_clean(row)
        row.save()
    return pipeline


@transaction.atomic
def create_deal(actor: User, data: Mapping[str, Any]) -> Deal:
    """Open a deal; by default at the first open stage of the default pipeline."""
    values = dict(data)
    if not values.get("stage_id"):
        pipeline = _pipeline(values.get("pipeline_id"))
        stage = (
            pipeline.stages.filter(outcome=Stage.Outcome.OPEN)
            .order_by("position")
            .first()
        )
        values["pipeline_id"] = pipeline.pk
        values["stage_id"] = stage.pk if stage else None
    elif not values.get("pipeline_id"):
        stage = Stage.objects.filter(pk=values["stage_id"]).first()
        values["pipeline_id"] = stage.pipeline_id if stage else None
    if "probability" not in values and values.get("stage_id"):
        stage = Stage.objects.filter(pk=values["stage_id"]).first()
        if stage:
            values["probability"] = stage.probability
    deal = _create(actor, Deal, values)
    if deal.stage.outcome != Stage.Outcome.OPEN:
        _close(deal)
    return deal


def _close(deal: Deal) -> None:
    Deal.objects.filter(pk=deal.pk).update(closed_at=timezone.now())
    deal.closed_at = timezone.now()


@transaction.atomic
def update_deal(
    actor: User, deal: Deal, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a deal; a stage change follows the rules of `move_deal`."""
    values = dict(data)
    stage_id = values.pop("stage_id", None)
    diff = {}
    if stage_id is not None and stage_id != deal.stage_id:
        diff.update(
            move_deal(
                actor,
                deal,
                stage_id,
                version,
                lost_reason=values.pop("lost_reason", None),
            )
        )
        version = None  # already checked
    if values:
        diff.update(_update(actor, deal, values, version))
    return diff


@transaction.atomic
def move_deal(
    actor: User,
    deal: Deal,
    stage_id: int,
    version: int | None = None,
    lost_reason: str | None = None,
) -> dict[str, list[Any]]:
    """Move a deal to another stage of its pipeline; winning or losing closes it.

    Emits `deal.stage_changed`, and `deal.won` or `deal.lost` when the new stage
    closes the deal.
    """
    permissions.check(actor, permissions.CHANGE, deal)
    stage = Stage.objects.filter(pk=stage_id, pipeline_id=deal.pipeline_id).first()
    if stage is None:
        raise ValidationFailed.single(
            "stage", _("This stage belongs to another pipeline.")
        )
    changes: dict[str, Any] = {"stage_id": stage.pk, "probability": stage.probability}
    if stage.outcome == Stage.Outcome.OPEN:
        changes.update(closed_at=None, lost_reason="")
    else:
        changes["closed_at"] = deal.closed_at or timezone.now()
    if stage.outcome == Stage.Outcome.LOST:
        changes["lost_reason"] = (lost_reason or deal.lost_reason or "").strip()
    event = {
        Stage.Outcome.WON.value: "deal.won",
        Stage.Outcome.LOST.value: "deal.lost",
    }.get(stage.outcome, "deal.stage_changed")
    return update_record(actor, deal, changes, version, event=event)


@transaction.atomic
def delete_deal(actor: User, deal: Deal, version: int | None = None) -> None:
    """Delete a deal with its quotes and activities."""
    _delete(actor, deal, version)


# --- Activities ---------------------------------------------------------------------


@transaction.atomic
def create_activity(actor: User, data: Mapping[str, Any]) -> Activity:
    """Log a call, meeting, e-mail or note, or create a task with a due date."""
    values = dict(data)
    _fill_activity_links(values)
    return _create(actor, Activity, values)


def _fill_activity_links(values: dict[str, Any]) -> None:
    """Put an activity on the company timeline when only a contact or deal is given."""
    if values.get("company_id"):
        return
    if values.get("deal_id"):
        values["company_id"] = (
            Deal.objects.filter(pk=values["deal_id"])
            .values_list("company_id", flat=True)
            .first()
        )
    elif values.get("contact_id"):
        values["company_id"] = (
            Contact.objects.filter(pk=values["contact_id"])
            .values_list("company_id", flat=True)
            .first()
        )


@transaction.atomic
def update_activity(
    actor: User, activity: Activity, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change an activity; marking a task done sets `done_at`."""
    return _update(actor, activity, data, version)


@transaction.atomic
def complete_activity(
    actor: User, activity: Activity, version: int | None = None
) -> None:
    """Mark a task done now."""
    _update(
        actor,
        activity,
        {"done_at": timezone.now()},
        version,
        event="activity.completed",
    )


@transaction.atomic
def delete_activity(
    actor: User, activity: Activity, version: int | None = None
) -> None:
    """Delete an activity."""
    _delete(actor, activity, version)


def send_due_reminders(now: Any = None) -> int:
    """Notify owners of tasks whose reminder time has come, once per reminder."""
    from rapport.core.services import notify

    now = now or timezone.now()
    due = list(
        Activity.objects.filter(
            remind_at__lte=now, reminded_at__isnull=True, done_at__isnull=True
        ).select_related("owner")[:500]
    )
    for activity in due:
        with transaction.atomic():
            claimed = Activity.objects.filter(
                pk=activity.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                notify(
                    [activity.owner],
                    _("Reminder: %(subject)s") % {"subject": activity.subject},
                    body=activity.body[:500],
                    url=f"/crm/activities/{activity.pk}/",
                    kind="reminder",
                    dedupe_key=f"reminder:{activity.pk}",
                )
    return len(due)


# --- Products and quotes ------------------------------------------------------------


@transaction.atomic
def create_product(actor: User, data: Mapping[str, Any]) -> Product:
    """Add a product or service to the catalogue."""
    return _create(actor, Product, data)


@transaction.atomic
def update_product(
    actor: User, product: Product, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a catalogue entry."""
    return _update(actor, product, data, version)


@transaction.atomic
def delete_product(actor: User, product: Product, version: int | None = None) -> None:
    """Remove a product that no quote uses."""
    _delete(actor, product, version)


def _next_quote_number() -> str:
    year = timezone.now().year
    prefix = f"Q{year}-"
    last = (
        Quote.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def _line_rows(lines: Iterable[Mapping[str, Any]]) -> list[QuoteLine]:
    from rapport.core.services import full_clean

    rows = []
    errors: dict[str, list[str]] = {}
    products = {
        p.pk: p
        for p in Product.objects.filter(
            pk__in=[line.get("product_id") for line in lines if line.get("product_id")]
        )
    }
    for position, line in enumerate(lines):
        product_id = line.get("product_id")
        product = products.get(product_id) if product_id else None
        if line.get("product_id") and product is None:
            errors[f"lines.{position}.product"] = [_("No such record.")]
            continue
        row = QuoteLine(
            product=product,
            description=line.get("description") or (product.name if product else ""),
            quantity=Decimal(str(line.get("quantity", 1))),
            unit_price=Decimal(
                str(
                    line["unit_price"]
                    if line.get("unit_price") is not None
                    else (product.list_price if product else 0)
                )
            ),
            discount_pct=Decimal(str(line.get("discount_pct", 0))),
            position=position,
        )
        try:
            full_clean(row, exclude=["quote"])
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                errors[f"lines.{position}.{field}"] = messages
            continue
        rows.append(row)
    if errors:
        raise ValidationFailed(errors)
    return rows


def _totals(
    percentages: Mapping[str, Any], rows: Iterable[QuoteLine]
) -> dict[str, Decimal]:
    """A quote's subtotal, discount, tax and total from its lines and percentages."""
    cent = Decimal("0.01")
    discount_pct = Decimal(str(percentages.get("discount_pct") or 0))
    tax_pct = Decimal(str(percentages.get("tax_pct", Quote.tax_pct.field.default)))
    subtotal = sum((row.net for row in rows), Decimal("0"))
    discount = (subtotal * discount_pct / 100).quantize(cent)
    taxed = subtotal - discount
    tax = (taxed * tax_pct / 100).quantize(cent)
    return {
        "subtotal": subtotal,
        "discount_total": discount,
        "tax_total": tax,
        "total": taxed + tax,
    }


@transaction.atomic
def create_quote(
    actor: User, data: Mapping[str, Any], lines: Iterable[Mapping[str, Any]] = ()
) -> Quote:
    """Create a quote for a deal with its lines; totals are computed, never typed."""
    permissions.require(actor, permissions.ADD, "crm.quote")
    values = dict(data)
    values.setdefault("number", _next_quote_number())
    deal = Deal.objects.filter(pk=values.get("deal_id") or 0).first()
    if deal is not None:
        values.setdefault("currency", deal.currency)
    rows = _line_rows(list(lines))

    quote = _create(actor, Quote, values, derived=_totals(values, rows))
    for row in rows:
        row.quote = quote
    QuoteLine.objects.bulk_create(rows)
    return quote


@transaction.atomic
def update_quote(
    actor: User,
    quote: Quote,
    data: Mapping[str, Any],
    version: int | None = None,
    lines: Iterable[Mapping[str, Any]] | None = None,
) -> dict[str, list[Any]]:
    """Change a quote; `lines`, when given, replaces every line; totals follow."""
    permissions.check(actor, permissions.CHANGE, quote)
    if quote.status in (Quote.Status.ACCEPTED, Quote.Status.REJECTED) and (
        lines is not None or set(data) - {"status", "notes"}
    ):
        raise ValidationFailed.single(
            "status", _("An accepted or rejected quote can no longer be changed.")
        )

    rows = _line_rows(list(lines)) if lines is not None else list(quote.lines.all())
    if lines is not None:
        quote.lines.all().delete()
        for row in rows:
            row.quote = quote
        QuoteLine.objects.bulk_create(rows)

    percentages = {
        "discount_pct": data.get("discount_pct", quote.discount_pct),
        "tax_pct": data.get("tax_pct", quote.tax_pct),
    }
    return _update(actor, quote, data, version, derived=_totals(percentages, rows))


@transaction.atomic
def delete_quote(actor: User, quote: Quote, version: int | None = None) -> None:
    """Delete a quote and its lines."""
    _delete(actor, quote, version)
