"""The demo company: people, customers and 18 months of sales history, from a seed.

`load_demo` plans every record in memory from `random.Random(seed)`, then writes
them with bulk inserts in one transaction and indexes them for search. The plan
follows hidden causal rules (docs/demo-data.md): each customer's health, each
deal's discount, engagement and lead source, and each rep's load decide what
happens. The hidden values live only in this process, never in the CRM tables.

Times are counted in days before "now", so the same seed gives the same figures
on any day; only the calendar dates move.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from rapport.accounts.models import Team, User
from rapport.core import search
from rapport.crm.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    Product,
    Quote,
    QuoteLine,
)
from rapport.demo import names
from rapport.demo.bulk import bulk_companies_and_activities, insert_rows
from rapport.demo.customers import CustomerPlanner
from rapport.demo.extensions import clear_steps, load_steps
from rapport.demo.people import DEMO_PASSWORD, PEOPLE, TEAMS, demo_logins
from rapport.demo.state import HISTORY_DAYS, SIZES, DemoSize
from rapport.demo.story import ActivityWriter

logger = logging.getLogger(__name__)

DEFAULT_SEED = 20240618
BATCH = 2000

__all__ = [
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "HISTORY_DAYS",
    "SIZES",
    "DemoSize",
    "bulk_companies_and_activities",
    "clear_demo",
    "demo_logins",
    "is_demo_loaded",
    "load_demo",
]


def is_demo_loaded() -> bool:
    """Whether the demo company is already in the database."""
    return Team.objects.filter(name=TEAMS[0][1]).exists()


def load_demo(
    size: str = "full", seed: int = DEFAULT_SEED, index: bool = True
) -> dict[str, Any]:
    """Generate and write the demo company; return the counts and the seconds taken.

    Without `index` no search documents are written (`core.search.reindex_all`
    makes them later).
    """
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}; choose one of {sorted(SIZES)}")
    started, cpu_started = time.monotonic(), time.process_time()
    builder = _Builder(SIZES[size], seed, timezone.now())
    with transaction.atomic():
        builder.make_people()
        builder.plan()
        builder.write()
        extra = load_steps(builder)
    written = time.monotonic()
    if index:
        with transaction.atomic():
            builder.index()
    counts = builder.counts() | extra
    counts["seconds_write"] = round(written - started, 1)
    counts["seconds_total"] = round(time.monotonic() - started, 1)
    counts["cpu_seconds"] = round(time.process_time() - cpu_started, 1)
    logger.info("demo company loaded: %s", counts)
    return counts


@transaction.atomic
def clear_demo() -> None:
    """Delete all demo records, their search documents and the demo people."""
    clear_steps()
    crm_models = (
        QuoteLine,
        Quote,
        Activity,
        Deal,
        Lead,
        ContactMethod,
        Contact,
        Company,
        Product,
    )
    for model in crm_models:
        model._default_manager.all().delete()
    # Rebuilding the index of now-empty tables removes every document and its
    # grams the way core.search keeps them, whatever the database.
    kinds = [m._meta.label_lower for m in crm_models]
    search.reindex_all([kind for kind in kinds if kind in search.registered()])
    usernames = [person.username for person in PEOPLE]
    Team.objects.filter(name__in=[name for _, name in TEAMS]).update(manager=None)
    User.objects.filter(username__in=usernames).delete()
    Team.objects.filter(name__in=[name for _, name in TEAMS]).delete()


class _Builder(CustomerPlanner):
    """Plans the whole demo company, then writes and indexes it."""

    # --- People and catalogue -------------------------------------------------------

    def make_people(self) -> None:
        from rapport.crm.services import create_default_pipeline

        password = make_password(DEMO_PASSWORD)
        for key, name in TEAMS:
            self.teams[key] = Team.objects.create(name=name)
        for person in PEOPLE:
            user = User(
                username=person.username,
                display_name=person.display_name,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@rapport-demo.cn",
                role=person.role,
                team=self.teams.get(person.team or ""),
                language=person.language,
                password=password,
                date_joined=self.at(HISTORY_DAYS + 30),
            )
            user.save()
            self.users[person.username] = user
            if person.manages and user.team_id is not None:
                Team.objects.filter(pk=user.team_id).update(manager=user)
        pipeline = create_default_pipeline()
        for stage in pipeline.stages.all():
            self.stages[stage.name] = stage
        for code, zh, en, unit, price, _cost in names.PRODUCTS:
            product, _ = Product.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"{zh} {en}",
                    "description": en,
                    "unit": unit,
                    "list_price": Decimal(price),
                    "created_at": self.at(HISTORY_DAYS),
                    "updated_at": self.at(HISTORY_DAYS),
                },
            )
            self.products[code] = product

    def plan(self) -> None:
        self.plan_companies()
        self.plan_contacts()
        self.plan_leads_and_deals()
        self.plan_quotes()
        ActivityWriter(self).plan(self.size.activities)

    # --- Writing ---------------------------------------------------------------------

    def write(self) -> None:
        insert_rows(Company, self.companies)
        insert_rows(Contact, self.contacts)
        insert_rows(ContactMethod, self.methods)
        insert_rows(Lead, self.leads)
        insert_rows(Deal, [p.deal for p in self.deals])
        insert_rows(Activity, self.activities)
        insert_rows(Quote, self.quotes)
        insert_rows(QuoteLine, self.lines)
        reset_sequences(
            [Company, Contact, ContactMethod, Lead, Deal, Activity, Quote, QuoteLine]
        )

    def index(self) -> None:
        """Write the search documents, as the services would after each create."""
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(self.contacts, "methods")
        groups: list[Sequence[models.Model]] = [
            self.companies,
            self.contacts,
            self.leads,
            [p.deal for p in self.deals],
            self.activities,
        ]
        for records in groups:
            for start in range(0, len(records), BATCH):
                index_many(records[start : start + BATCH])

    def counts(self) -> dict[str, Any]:
        return {
            "users": len(self.users),
            "companies": len(self.companies),
            "contacts": len(self.contacts),
            "leads": len(self.leads),
            "deals": len(self.deals),
            "activities": len(self.activities),
            "products": len(self.products),
            "quotes": len(self.quotes),
        }


def index_many(records: Sequence[models.Model]) -> None:
    """Index records in one go where core.search can, else one by one."""
    bulk = getattr(search, "index_records", None)
    if bulk is not None:
        bulk(records)
        return
    for record in records:
        search.index_record(record)


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past rows inserted with explicit ids."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
