"""CRM reads: scoped querysets and single records for pages, the API and exports.

Every function takes the acting user and returns only what that user's data
scope allows; a record outside the scope is reported as not found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Prefetch, QuerySet

from rapport.core import permissions
from rapport.core.errors import NotFound
from rapport.core.models import AuditEntry
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
from rapport.crm.models import ProjectType as ProjectType  # other apps name it here

M = TypeVar("M", bound=models.Model)


def companies(user: Any) -> QuerySet[Company]:
    return permissions.visible(user, Company.objects.select_related("owner", "team"))


def contacts(user: Any) -> QuerySet[Contact]:
    return permissions.visible(
        user,
        Contact.objects.select_related("owner", "team", "company").prefetch_related(
            Prefetch(
                "methods", queryset=ContactMethod.objects.order_by("-is_primary", "id")
            )
        ),
    )


def leads(user: Any) -> QuerySet[Lead]:
    return permissions.visible(user, Lead.objects.select_related("owner", "team"))


def deals(user: Any) -> QuerySet[Deal]:
    return permissions.visible(
        user,
        Deal.objects.select_related(
            "owner", "team", "company", "contact", "stage", "pipeline"
        ),
    )


def activities(user: Any) -> QuerySet[Activity]:
    return permissions.visible(
        user,
        Activity.objects.select_related("owner", "company", "contact", "deal", "lead"),
    )


def quotes(user: Any) -> QuerySet[Quote]:
    return permissions.visible(
        user,
        Quote.objects.select_related(
            "owner", "team", "deal", "deal__company"
        ).prefetch_related(
            Prefetch("lines", queryset=QuoteLine.objects.select_related("product"))
        ),
    )


def products(user: Any) -> QuerySet[Product]:
    return permissions.visible(user, Product.objects.all())


def pipelines(user: Any) -> QuerySet[Pipeline]:
    return permissions.visible(
        user,
        Pipeline.objects.prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("position"))
        ),
    )


def won_deal(deal_id: Any) -> Deal | None:
    """A won deal by id, whoever asks: for the worker's reactions to `deal.won`."""
    return (
        Deal.objects.select_related("company", "owner", "team", "stage")
        .filter(pk=deal_id, stage__outcome=Stage.Outcome.WON)
        .first()
    )


def get(queryset: QuerySet[M], pk: Any) -> M:
    """One record of an already scoped queryset, or NotFound."""
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def timeline(user: Any, **link: Any) -> QuerySet[Activity]:
    """The activities on one company, contact, lead or deal, newest first."""
    return activities(user).filter(**link).order_by("-occurred_at", "-id")


def history(record: models.Model, limit: int = 50) -> QuerySet[AuditEntry]:
    """The audit entries of one record, newest first."""
    return (
        AuditEntry.objects.filter(
            kind=record._meta.label_lower, object_id=str(record.pk)
        )
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def kanban(
    user: Any, pipeline: Pipeline, per_stage: int = 50
) -> list[tuple[Stage, list[Deal]]]:
    """The pipeline's stages, each with its most recent visible deals."""
    stages = list(pipeline.stages.order_by("position"))
    visible = deals(user).filter(pipeline=pipeline)
    columns = []
    for stage in stages:
        columns.append(
            (stage, list(visible.filter(stage=stage).order_by("-id")[:per_stage]))
        )
    return columns


def message_links(addresses: list[str], names: list[str]) -> list[dict[str, Any]]:
    """Contacts whose e-mail/phone or name matches, with their company's scope
    and open deal, for linking an incoming message. Unscoped on purpose: the
    message takes the scope of the company it is linked to."""
    found = list(
        Contact.objects.filter(
            models.Q(
                methods__kind__in=["email", "phone"],  # uses the (kind, value) index
                methods__value__in=[a for a in addresses if a],
            )
            | models.Q(name__in=[n for n in names if n])
        )
        .filter(company__isnull=False)
        .values("id", "name", "company_id", "company__owner_id", "company__team_id")
        .distinct()[:50]
    )
    company_ids = {row["company_id"] for row in found}
    open_deals: dict[int, int] = {}
    for deal_id, company_id in (
        Deal.objects.filter(company_id__in=company_ids, closed_at__isnull=True)
        .order_by("id")
        .values_list("id", "company_id")
    ):
        open_deals[company_id] = deal_id
    return [{**row, "deal_id": open_deals.get(row["company_id"])} for row in found]


def history_rows(kind: str, fields: list[str]) -> Iterator[tuple[Any, ...]]:
    """Unscoped rows of one CRM table, for models trained on the whole history.

    Only the AI engine's training and batch scoring (worker jobs, no user) read
    this; what they store is shown to users through the scoped pages above.
    """
    model: type[models.Model] = {
        "company": Company,
        "lead": Lead,
        "deal": Deal,
        "activity": Activity,
        "quote": Quote,
    }[kind]
    rows = model._default_manager.order_by("pk").values_list(*fields)
    return rows.iterator(chunk_size=5000)
