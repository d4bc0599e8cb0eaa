"""Measure the CRM's main reads on a large SQLite database, against raw SQL.

Run with `make bench` (or `python -m bench.run`). It makes (once, then reuses)
a data set of 100,000 companies and 1,000,000 activities, starts the real web
process (`rapport serve --no-worker`, waitress) on a free port, and times over
HTTP the company list page, the company list API, the company detail page and
search for two-character Chinese terms. Each figure is set beside a hand-written
SQL query for the same rows, timed in this process on the same file, and the
ratio of the two p95s is printed (target: 3 or less). Last comes the web
process's resident memory (target: 300 MB or less).

Environment: RAPPORT_BENCH_DIR (data directory, default var/bench),
BENCH_COMPANIES, BENCH_ACTIVITIES, BENCH_SEED, BENCH_REQUESTS, BENCH_SEARCH_KINDS
(which kinds to index for search, default all: indexing a million activities
takes long on two cores).
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("RAPPORT_BENCH_DIR", ROOT / "var" / "bench")).resolve()
N_COMPANIES = int(os.environ.get("BENCH_COMPANIES", "100000"))
N_ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", "1000000"))
SEED = int(os.environ.get("BENCH_SEED", "7"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WARMUP = 10
RATIO_TARGET = 3.0
MEMORY_TARGET_MB = 300
SEARCH_TERMS = ["华为", "上海"]
# Kinds to put in the search index, comma-separated ("crm.company"); empty: all.
SEARCH_KINDS = [k for k in os.environ.get("BENCH_SEARCH_KINDS", "").split(",") if k]


@dataclass
class Figure:
    name: str
    p50_ms: float
    p95_ms: float
    raw_p95_ms: float | None
    note: str = ""

    def line(self) -> str:
        if self.raw_p95_ms is None:
            return f"{self.name:<34} {'-':>8} {'-':>8} {'-':>9} {'-':>7}  {self.note}"
        ratio = self.p95_ms / self.raw_p95_ms
        verdict = "ok" if ratio <= RATIO_TARGET else "over target"
        return (
            f"{self.name:<34} {self.p50_ms:8.1f} {self.p95_ms:8.1f}"
            f" {self.raw_p95_ms:9.2f} {ratio:7.1f}  {verdict} {self.note}"
        )


def p95(samples: list[float]) -> float:
    if len(samples) < 20:
        return max(samples)
    return statistics.quantiles(samples, n=20)[18]


def _setup_django() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["RAPPORT_DATA_DIR"] = str(DATA_DIR)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("QUEUE_URL", None)
    os.environ.setdefault("RAPPORT_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """The real web process, started for the benchmark and stopped after it."""

    def __init__(self) -> None:
        self.port = _free_port()
        env = {**os.environ, "RAPPORT_LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rapport.cli",
                "serve",
                "--no-worker",
                "--port",
                str(self.port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("the web process exited during start-up") from None
                time.sleep(0.2)
        else:
            raise SystemExit("the web process did not answer within 60 s")
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def rss_mb(self) -> tuple[float, float]:
        """Resident memory now and at its peak, in MB, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return (
            int(fields["VmRSS"].split()[0]) / 1024,
            int(fields["VmHWM"].split()[0]) / 1024,
        )

    def stop(self) -> None:
        self.connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _time(call: Callable[[], Any], count: int) -> list[float]:
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _bench_user() -> Any:
    """The sales manager of the team that owns most companies (team scope)."""
    from django.db.models import Count

    from rapport.accounts.models import User
    from rapport.crm.models import Company

    busiest = (
        Company.objects.values("team_id").annotate(n=Count("id")).order_by("-n").first()
    )
    assert busiest, "the data set has no companies"
    user = User.objects.filter(team_id=busiest["team_id"], role="sales_manager").first()
    if user is None:
        # The bulk generator makes sales reps only; one of them is promoted.
        user = User.objects.filter(team_id=busiest["team_id"]).order_by("pk").first()
        assert user is not None
    if (user.role, user.data_scope) != ("sales_manager", "team"):
        user.role, user.data_scope = "sales_manager", "team"
        user.save(update_fields=["role", "data_scope"])
    return user


def _session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _api_token(user: Any) -> str:
    from rapport.accounts.services import create_api_token

    _token, raw = create_api_token(user, "benchmark", access="read")
    return raw


def _url(name: str, *args: Any) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _measure(
    server: Server,
    name: str,
    path: str | None,
    headers: dict[str, str],
    raw: Callable[[], Any],
    count: int,
) -> Figure:
    if path is None:
        return Figure(name, 0, 0, None, "skipped: the URL does not exist yet")
    status, body = server.get(path, headers)
    if status != 200:
        return Figure(name, 0, 0, None, f"skipped: {path} answered {status}")
    samples = _time(lambda: server.get(path, headers), count)
    raw_samples = _time(raw, count)
    return Figure(
        name,
        statistics.median(samples),
        p95(samples),
        p95(raw_samples),
        f"({len(body) // 1024} KB)",
    )


def main() -> int:
    started = time.perf_counter()
    _setup_django()
    from bench.data import ensure_dataset

    print(f"data: {N_COMPANIES:,} companies, {N_ACTIVITIES:,} activities in {DATA_DIR}")
    made = ensure_dataset(
        DATA_DIR, N_COMPANIES, N_ACTIVITIES, SEED, SEARCH_KINDS or None
    )
    print(f"data: {made}", flush=True)

    from django.conf import settings

    from rapport.core.models import AuditEntry, SearchDocument
    from rapport.crm.models import (
        Activity,
        Company,
        Contact,
        ContactMethod,
        Deal,
        Lead,
        Quote,
        Stage,
    )

    user = _bench_user()
    cookie = {"Cookie": _session_cookie(user)}
    token = {"Authorization": f"Bearer {_api_token(user)}"}
    db = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    company_t = Company._meta.db_table
    activity_t = Activity._meta.db_table
    contact_t = Contact._meta.db_table
    method_t = ContactMethod._meta.db_table
    deal_t = Deal._meta.db_table
    stage_t = Stage._meta.db_table
    lead_t = Lead._meta.db_table
    quote_t = Quote._meta.db_table
    audit_t = AuditEntry._meta.db_table
    search_t = SearchDocument._meta.db_table
    user_t = type(user)._meta.db_table
    page_size = settings.API_PAGE_SIZE
    rng = random.Random(SEED)
    visible = list(
        Company.objects.filter(team_id=user.team_id).values_list("pk", flat=True)[:5000]
    )
    sample_ids = [rng.choice(visible) for _ in range(REQUESTS + WARMUP)]

    # The same order as the list page and the API: most recently changed first.
    def raw_list() -> list[Any]:
        return db.execute(
            f"SELECT c.id, c.name, c.short_name, c.industry, c.region, c.tier,"
            f" c.updated_at, u.display_name FROM {company_t} c"
            f" JOIN {user_t} u ON u.id = c.owner_id WHERE c.team_id = ?"
            f" ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
            (user.team_id, page_size),
        ).fetchall()

    detail_ids = iter(sample_ids * 3)

    # The rows the company page shows: the company and its owner, the latest 50
    # of its activities, contacts (with their phones and e-mails), deals (with
    # their stage), leads and quotes, and its 50 latest audit entries.
    def raw_detail() -> list[Any]:
        pk = next(detail_ids)
        queries = [
            f"SELECT c.*, u.display_name FROM {company_t} c"
            f" JOIN {user_t} u ON u.id = c.owner_id WHERE c.id = ? AND c.team_id = ?",
            f"SELECT a.id, a.kind, a.subject, a.body, a.occurred_at, u.display_name"
            f" FROM {activity_t} a JOIN {user_t} u ON u.id = a.owner_id"
            f" WHERE a.company_id = ? AND a.team_id = ?"
            f" ORDER BY a.occurred_at DESC, a.id DESC LIMIT 50",
            f"SELECT p.*, m.kind, m.value FROM {contact_t} p"
            f" LEFT JOIN {method_t} m ON m.contact_id = p.id"
            f" WHERE p.company_id = ? AND p.team_id = ? LIMIT 50",
            f"SELECT d.*, s.name FROM {deal_t} d JOIN {stage_t} s ON s.id = d.stage_id"
            f" WHERE d.company_id = ? AND d.team_id = ? ORDER BY d.id DESC LIMIT 50",
            f"SELECT * FROM {lead_t} WHERE company_id = ? AND team_id = ?"
            f" ORDER BY id DESC LIMIT 50",
            f"SELECT q.* FROM {quote_t} q JOIN {deal_t} d ON d.id = q.deal_id"
            f" WHERE d.company_id = ? AND q.team_id = ? ORDER BY q.id DESC LIMIT 50",
        ]
        rows: list[Any] = []
        for sql in queries:
            rows += db.execute(sql, (pk, user.team_id)).fetchall()
        rows += db.execute(
            f"SELECT * FROM {audit_t} WHERE kind = 'crm.company' AND object_id = ?"
            f" ORDER BY id DESC LIMIT 50",
            (str(pk),),
        ).fetchall()
        return rows

    def raw_search(term: str) -> Callable[[], list[Any]]:
        pattern = f"%{term}%"
        return lambda: db.execute(
            f"SELECT id, kind, object_id, title FROM {search_t}"
            f" WHERE team_id = ? AND (title LIKE ? OR text LIKE ?)"
            f" ORDER BY updated_at DESC, id DESC LIMIT 20",
            (user.team_id, pattern, pattern),
        ).fetchall()

    server = Server()
    figures: list[Figure] = []
    try:
        list_url = _url("crm:company_list")
        figures.append(
            _measure(server, "company list page", list_url, cookie, raw_list, REQUESTS)
        )
        figures.append(
            _measure(
                server,
                "company list API",
                "/api/v1/companies",
                token,
                raw_list,
                REQUESTS,
            )
        )
        page_ids = iter(sample_ids * 3)
        detail_url = _url("crm:company_detail", sample_ids[0])
        detail_fig = _measure(
            server, "company detail page", detail_url, cookie, raw_detail, 1
        )
        if detail_fig.raw_p95_ms is not None:
            # Each request opens another company, so the cache cannot flatter it.
            samples = _time(
                lambda: server.get(
                    _url("crm:company_detail", next(page_ids)) or "", cookie
                ),
                REQUESTS,
            )
            raw_samples = _time(raw_detail, REQUESTS)
            detail_fig = Figure(
                "company detail page",
                statistics.median(samples),
                p95(samples),
                p95(raw_samples),
            )
        figures.append(detail_fig)
        search_url = _url("search") or _url("core:search")
        for term in SEARCH_TERMS:
            path = f"{search_url}?q={quote(term)}" if search_url else None
            figures.append(
                _measure(
                    server,
                    f"search page {term}",
                    path,
                    cookie,
                    raw_search(term),
                    REQUESTS // 2,
                )
            )
            figures.append(
                _measure(
                    server,
                    f"search API {term}",
                    f"/api/v1/search?q={quote(term)}",
                    token,
                    raw_search(term),
                    REQUESTS // 2,
                )
            )
        rss, peak = server.rss_mb()
    finally:
        server.stop()

    print()
    print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8} {'raw p95':>9} {'ratio':>7}")
    for figure in figures:
        print(figure.line())
    verdict = "ok" if peak <= MEMORY_TARGET_MB else "over target"
    print(
        f"\nweb process memory after the benchmark: {rss:.0f} MB resident,"
        f" peak {peak:.0f} MB (target <= {MEMORY_TARGET_MB} MB: {verdict})"
    )
    from bench import scheduling

    print("\nscheduling engine (python -m bench.scheduling):")
    scheduling.main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
