"""Large data sets for benchmarks: many companies and activities, written fast.

Unlike the demo company this has no story; it has volume. Rows go in with raw
multi-row INSERTs in batches (one transaction per batch), with explicit ids so
that nothing has to be read back, and search documents through
`core.search.index_records` when asked.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from rapport.accounts.models import Team, User
from rapport.crm.models import Activity, Company
from rapport.demo import names, texts
from rapport.demo.rules import CODE_CHARS, org_code, with_check

logger = logging.getLogger(__name__)

BENCH_TEAMS = 4
BENCH_REPS_PER_TEAM = 5
_KINDS = ["call", "email", "meeting", "note", "task"]


def bulk_companies_and_activities(
    n_companies: int = 100_000,
    n_activities: int = 1_000_000,
    seed: int = 20240618,
    *,
    batch_size: int = 5000,
    index: bool = True,
) -> dict[str, Any]:
    """Insert `n_companies` companies and `n_activities` activities on them, fast.

    Owners are the active sales reps already there (the demo's, say), or 20 new
    bench reps in four teams. Each activity belongs to a random new company and
    its owner. With `index` the search documents are written too, as the
    services would; without, call `core.search.reindex_all` afterwards.
    Returns the counts and the seconds each step took.
    """
    rng = random.Random(seed)
    now = timezone.now()
    owners = _owners()
    timings: dict[str, float] = {}

    started = time.monotonic()
    first_company = _next_id(Company)
    company_owner: list[tuple[int, int | None]] = []
    for start in range(0, n_companies, batch_size):
        rows = []
        for n in range(start, min(start + batch_size, n_companies)):
            owner_id, team_id = rng.choice(owners)
            rows.append(_company_row(rng, first_company + n, owner_id, team_id, now))
            company_owner.append((owner_id, team_id))
        insert_rows(Company, rows)
    timings["companies"] = time.monotonic() - started

    started = time.monotonic()
    first_activity = _next_id(Activity)
    for start in range(0, n_activities, batch_size):
        rows = []
        for n in range(start, min(start + batch_size, n_activities)):
            offset = rng.randrange(n_companies)
            owner_id, team_id = company_owner[offset]
            rows.append(
                _activity_row(
                    rng,
                    first_activity + n,
                    first_company + offset,
                    owner_id,
                    team_id,
                    now,
                )
            )
        insert_rows(Activity, rows)
    timings["activities"] = time.monotonic() - started
    _reset_sequences([Company, Activity])

    if index:
        started = time.monotonic()
        _index_range(Company, first_company, n_companies, batch_size)
        _index_range(Activity, first_activity, n_activities, batch_size)
        timings["search"] = time.monotonic() - started
    logger.info(
        "bulk data written: %d companies, %d activities", n_companies, n_activities
    )
    return {
        "companies": n_companies,
        "activities": n_activities,
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }


def _owners() -> list[tuple[int, int | None]]:
    reps: list[tuple[int, int | None]] = list(
        User.objects.filter(role="sales_rep", is_active=True)
        .order_by("pk")
        .values_list("pk", "team_id")
    )
    if reps:
        return reps
    password = make_password(None)  # bench reps cannot sign in
    for t in range(BENCH_TEAMS):
        team = Team.objects.create(name=f"Bench {t + 1}")
        for r in range(BENCH_REPS_PER_TEAM):
            User.objects.create(
                username=f"bench.{t + 1}.{r + 1}",
                role="sales_rep",
                team=team,
                password=password,
            )
    return list(
        User.objects.filter(username__startswith="bench.")
        .order_by("pk")
        .values_list("pk", "team_id")
    )


def _company_row(
    rng: random.Random, pk: int, owner_id: int, team_id: int | None, now: datetime
) -> dict[str, Any]:
    created = now - timedelta(days=rng.uniform(0, 900))
    row: dict[str, Any] = {
        "id": pk,
        "created_at": created,
        "updated_at": created,
        "version": 1,
        "owner_id": owner_id,
        "team_id": team_id,
        "notes": "",
        "industry": rng.choice(list(names.INDUSTRY_WORDS)),
        "size": rng.choice(["small", "medium", "large", "enterprise"]),
        "tier": rng.choice("ABC"),
    }
    if rng.random() < 0.85:
        city = rng.choice(names.CITIES)
        (c1, p1), (c2, p2) = rng.sample(names.TRADE_CHARS, 2)
        word_zh, word_en = rng.choice(names.INDUSTRY_WORDS[row["industry"]])
        row.update(
            name=f"{city[0]}{c1}{c2}{word_zh}有限公司",
            short_name=f"{c1}{c2}",
            english_name=f"{city[1]} {(p1 + p2).capitalize()} {word_en} Co., Ltd.",
            region=city[2],
            address=f"{city[0]}市{city[4]}{city[5]}{rng.randint(1, 999)}号",
            website=f"https://www.{p1}{p2}{pk}.cn",
            credit_code=_bench_code(city[3], pk),
        )
    else:
        place = rng.choice(names.FOREIGN_PLACES)
        stem = rng.choice(names.ENGLISH_STEMS)
        name = f"{stem} {rng.choice(names.ENGLISH_INDUSTRY_WORDS[row['industry']])}"
        row.update(
            name=f"{name} {place[2]}",
            short_name=stem,
            english_name=name,
            region=place[1],
            address=f"{rng.randint(1, 400)} {place[4]}, {place[5]}",
            website=f"https://www.{stem.lower().replace(' ', '')}{pk}.{place[6]}",
            credit_code="",
        )
    return row


def _bench_code(area: str, pk: int) -> str:
    """A credit code unique to this id ("BN" keeps it apart from the demo's "MA")."""
    digits = []
    for _ in range(6):
        pk, rest = divmod(pk, len(CODE_CHARS))
        digits.append(CODE_CHARS[rest])
    return with_check("91" + area + org_code("BN" + "".join(reversed(digits))))


def _activity_row(
    rng: random.Random,
    pk: int,
    company_id: int,
    owner_id: int,
    team_id: int | None,
    now: datetime,
) -> dict[str, Any]:
    kind = rng.choice(_KINDS)
    language = "zh" if rng.random() < 0.8 else "en"
    tone = rng.choices(["neutral", "positive", "complaint"], weights=[6, 3, 1])[0]
    subject, body = rng.choice(texts.TONES[tone][language][kind])
    theme = rng.choice(names.DEAL_THEMES)
    slots = {
        "contact": rng.choice(names.SURNAMES)[0] + rng.choice(names.GIVEN_NAMES)[0]
        if language == "zh"
        else rng.choice(names.FIRST_NAMES),
        "company": "",
        "theme": theme[0 if language == "zh" else 1],
        "product": rng.choice(names.PRODUCTS)[1 if language == "zh" else 2],
        "days": rng.randint(3, 30),
    }
    occurred = now - timedelta(minutes=rng.randrange(60 * 24 * 547))
    due = occurred + timedelta(days=rng.randint(1, 10)) if kind == "task" else None
    done = due if due is not None and due < now and rng.random() < 0.9 else None
    return {
        "id": pk,
        "created_at": occurred,
        "updated_at": done or occurred,
        "version": 1,
        "owner_id": owner_id,
        "team_id": team_id,
        "kind": kind,
        "subject": subject.format(**slots)[:200],
        "body": body.format(**slots),
        "company_id": company_id,
        "contact_id": None,
        "lead_id": None,
        "deal_id": None,
        "occurred_at": occurred,
        "due_at": due,
        "remind_at": None,
        "reminded_at": None,
        "done_at": done,
    }


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(last=Max("id"))["last"] or 0) + 1


def _preparer(field: models.Field) -> Callable[[Any], Any]:
    """How to turn one field's Python value into a query parameter, cheaply."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda v: ops.adapt_decimalfield_value(v, digits, places)
    return lambda v: v


def insert_rows(
    model: type[models.Model], rows: Sequence[Any], batch_size: int = 2000
) -> None:
    """Multi-row INSERTs of rows given as dicts or unsaved instances.

    Model instances are only read, never saved: this skips Django's per-object
    insert machinery, which costs more than the database itself at this volume.
    Rows carry their ids, or none of them does and the database numbers them.
    """
    if not rows:
        return
    ops = connection.ops
    pk = model._meta.pk
    first = rows[0]
    numbered = (
        first.get(pk.attname) if isinstance(first, dict) else first.pk
    ) is not None
    fields = [f for f in model._meta.concrete_fields if numbered or f is not pk]
    columns = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = ops.quote_name(model._meta.db_table)
    # Only quoted table and column names are interpolated; values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    prepare = [(f.attname, _preparer(f)) for f in fields]
    if isinstance(rows[0], dict):
        params = [
            tuple(
                None if row[name] is None else fix(row[name]) for name, fix in prepare
            )
            for row in rows
        ]
    else:
        params = [
            tuple(
                None if (value := getattr(row, name)) is None else fix(value)
                for name, fix in prepare
            )
            for row in rows
        ]
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(params), batch_size):
            cursor.executemany(sql, params[start : start + batch_size])


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(sql)


def _index_range(
    model: type[models.Model], first: int, count: int, batch_size: int
) -> None:
    from rapport.core.search import index_records, registered

    entry = registered()[model._meta.label_lower]
    queryset = model._default_manager.select_related(
        *entry.select_related
    ).prefetch_related(*entry.prefetch_related)
    for start in range(first, first + count, batch_size):
        batch = list(queryset.filter(pk__gte=start, pk__lt=start + batch_size))
        with transaction.atomic():
            index_records(batch)
