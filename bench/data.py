"""The benchmark data set: many companies and activities in one SQLite file.

The data is made once per size and seed and kept in the benchmark's data
directory; a later run finds the marker file and reuses it. The demo app's
bulk generator is used when it exists; otherwise a plain bulk loader here
writes rows that look alike (Chinese and English names across ten teams).
"""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

CITIES = [
    "上海",
    "北京",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "成都",
    "武汉",
    "苏州",
    "天津",
]
CORES = [
    "华为",
    "华信",
    "腾达",
    "中兴",
    "联创",
    "海纳",
    "新元",
    "恒通",
    "瑞丰",
    "博远",
    "金桥",
    "天成",
    "宏图",
    "安达",
    "东方",
    "长江",
    "信达",
    "和睦",
    "星辰",
    "远航",
]
TRADES = [
    "科技",
    "软件",
    "电子",
    "物流",
    "能源",
    "医疗",
    "建设",
    "贸易",
    "制造",
    "教育",
]
FORMS = ["有限公司", "股份有限公司", "集团有限公司"]
ENGLISH = ["Northwind", "Contoso", "Fabrikam", "Litware", "Tailspin", "Wingtip"]
SUBJECTS = [
    "电话回访",
    "上门拜访",
    "发送报价",
    "需求沟通",
    "合同评审",
    "技术交流",
    "Follow-up call",
    "Site visit",
    "Quote sent",
    "Kick-off meeting",
]
KINDS = ["call", "meeting", "email", "note"]
BATCH = 5_000


def _company_name(rng: random.Random, n: int) -> tuple[str, str]:
    if n % 7 == 0:
        return f"{rng.choice(ENGLISH)} {rng.choice(['Ltd', 'Inc', 'GmbH'])} {n}", ""
    core = rng.choice(CORES)
    city = rng.choice(CITIES)
    return f"{city}{core}{rng.choice(TRADES)}{rng.choice(FORMS)}", core


def _users() -> tuple[list[Any], list[Any]]:
    """Ten teams of one manager and nine sales reps."""
    from rapport.accounts.models import Team, User

    password = make_password("bench-password")
    teams = [Team.objects.create(name=f"Bench team {i}") for i in range(10)]
    users = []
    for team in teams:
        for j in range(10):
            role = "sales_manager" if j == 0 else "sales_rep"
            users.append(
                User(
                    username=f"bench{team.pk}_{j}",
                    display_name=f"Bench {team.pk}.{j}",
                    role=role,
                    team=team,
                    password=password,
                )
            )
    User.objects.bulk_create(users)
    return teams, list(User.objects.filter(team__in=teams).order_by("pk"))


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert plain rows with one executemany: ten times faster than bulk_create."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    template = {}
    for field in fields:
        default = field.get_default() if field.has_default() else None
        template[field.attname] = field.get_db_prep_save(default, connection)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"
    values = [[{**template, **row}[f.attname] for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _bulk_load(n_companies: int, n_activities: int, seed: int) -> None:
    """Write companies and activities with raw inserts, a batch per transaction."""
    from rapport.crm.models import Activity, Company

    rng = random.Random(seed)
    _teams, users = _users()
    now = timezone.now()
    moments = [
        connection.ops.adapt_datetimefield_value(
            now - timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        )
        for _ in range(10_000)
    ]
    stamp = connection.ops.adapt_datetimefield_value(now)

    for start in range(0, n_companies, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, n_companies)):
            owner = rng.choice(users)
            name, short = _company_name(rng, n)
            rows.append(
                {
                    "name": name,
                    "short_name": short,
                    "owner_id": owner.pk,
                    "team_id": owner.team_id,
                    "address": f"{rng.choice(CITIES)}市{rng.randint(1, 999)}号",
                    "created_at": rng.choice(moments),
                    "updated_at": stamp,
                }
            )
        with transaction.atomic():
            _insert(Company, rows)

    owners = dict(Company.objects.values_list("pk", "owner_id"))
    company_ids = list(owners)
    teams_of = {u.pk: u.team_id for u in users}
    for start in range(0, n_activities, BATCH * 4):
        acts = []
        for _ in range(start, min(start + BATCH * 4, n_activities)):
            company_id = rng.choice(company_ids)
            owner_id = owners[company_id]
            acts.append(
                {
                    "kind": rng.choice(KINDS),
                    "subject": rng.choice(SUBJECTS),
                    "body": f"{rng.choice(CITIES)}客户沟通记录 {rng.randint(1, 10**6)}",
                    "company_id": company_id,
                    "owner_id": owner_id,
                    "team_id": teams_of[owner_id],
                    "occurred_at": rng.choice(moments),
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        with transaction.atomic():
            _insert(Activity, acts)


def _core_migrations() -> list[str]:
    """The applied migrations of `core`, where the search structures are defined."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return sorted(name for app, name in recorder.applied_migrations() if app == "core")


def ensure_dataset(
    data_dir: Path,
    n_companies: int,
    n_activities: int,
    seed: int,
    search_kinds: list[str] | None = None,
) -> str:
    """Make the data set unless the same one is there; say where it came from.

    Two steps, each kept once done: the rows (rows.json), then the search index
    (dataset.json). The index is rebuilt when `core` gained a migration since,
    as the search structures may have changed. `search_kinds` limits the index
    to some kinds ("crm.company"), for a quicker first run.
    """
    from django.core.management import call_command

    from rapport.core.search import reindex_all

    rows_marker = data_dir / "rows.json"
    marker = data_dir / "dataset.json"
    wanted = {"companies": n_companies, "activities": n_activities, "seed": seed}
    for existing in (rows_marker, marker):
        if existing.exists():
            made = json.loads(existing.read_text())
            if {k: made.get(k) for k in wanted} != wanted:
                raise SystemExit(
                    f"{data_dir} holds another data set ({made}); remove it or"
                    " pick another RAPPORT_BENCH_DIR"
                )
    call_command("migrate", interactive=False, verbosity=0)
    migrations = _core_migrations()

    if marker.exists():
        made = json.loads(marker.read_text())
        if (made.get("core_migrations"), made.get("search_kinds")) == (
            migrations,
            search_kinds,
        ):
            return f"cached ({made['source']}; search index of {search_kinds or 'all'})"

    if rows_marker.exists():
        source = json.loads(rows_marker.read_text())["source"]
    else:
        started = time.perf_counter()
        try:
            from rapport.demo.generator import (  # type: ignore[attr-defined]
                bulk_companies_and_activities,
            )
        except ImportError:
            source = "bench/data.py bulk loader"
            _bulk_load(n_companies, n_activities, seed)
        else:
            source = "rapport.demo.generator"
            bulk_companies_and_activities(n_companies, n_activities, seed, index=False)
        seconds = time.perf_counter() - started
        logger.warning("bench data: rows written in %.0f s", seconds)
        rows_marker.write_text(json.dumps({**wanted, "source": source}))

    started = time.perf_counter()
    reindex_all(search_kinds)
    seconds = time.perf_counter() - started
    logger.warning("bench data: search index built in %.0f s", seconds)
    marker.write_text(
        json.dumps(
            {
                **wanted,
                "source": source,
                "core_migrations": migrations,
                "search_kinds": search_kinds,
            }
        )
    )
    kinds = search_kinds or "all"
    return f"made now ({source}; search index of {kinds} in {seconds:.0f} s)"
