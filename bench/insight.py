"""Measure message analysis, the profile update cost, and the company page.

Run with `python -m bench.insight` (a few minutes on two shared cores; not in
`bench/run.py`). It builds a fresh SQLite database in RAPPORT_BENCH_DIR
(default var/bench-insight), then:

1. Ingestion with analysis, one worker: BENCH_MESSAGES messages (Chinese,
   English and mixed; one in six a complaint the default rules match; spread
   over 90 days and 100 customers) stored through comms' `ingest` (link, store, outbox
   event), then the outbox drained in this process the way the worker does
   it: each `message.received` event analysed (language, sentiment, keywords,
   topics), folded into its company's and contacts' profiles, and run through
   the five default risk rules. Messages per second from store to profile
   (target: 200 or more). References in the same process on the same texts:
   `analyze_many` alone (the NLP with nothing stored), and the batch path
   (`analyse_messages` over all of them at once).
2. Profile update cost as history grows: one more message folded into a
   company profile that already holds 0, 1,000, 5,000 and 20,000 messages
   (median of BENCH_FOLDS folds each). Flat is O(1). Reference: rebuilding the
   same profile from its history, which is what a recompute would cost.
3. The company page of a company with 5,000 analysed messages (profile panel,
   trend chart, evidence, alerts), rendered by Django's test client
   (target p95 <= 300 ms); reference: the same page with the profile panel
   unregistered.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(
    os.environ.get("RAPPORT_BENCH_DIR", ROOT / "var" / "bench-insight")
).resolve()
N_MESSAGES = int(os.environ.get("BENCH_MESSAGES", "2000"))
FOLDS = int(os.environ.get("BENCH_FOLDS", "30"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
HISTORY_SIZES = (0, 1_000, 5_000, 20_000)
PAGE_MESSAGES = 5_000
RATE_TARGET = 200.0
PAGE_TARGET_MS = 300.0
SEED = 11

# Everyday business messages, and complaints that the default rules match (about
# one message in six, as in the demo); sent over the last 90 days.
ROUTINE = [
    "请发一下最新的报价单，我们下周要做预算。",
    "系统运行很稳定，团队都很满意，谢谢你们的支持！",
    "合同条款已经确认，请安排签字盖章。",
    "下周二上午的会议改到十点，可以吗？",
    "Please send the revised quote before Friday.",
    "The installation went perfectly, the team is very happy with it.",
    "We are not unhappy with the service, just want a faster response.",
    "Could you share the training schedule for the new operators?",
    "报价 OK，但 lead time 能否再确认一下？",
]
COMPLAINTS = [
    "交付延期了两周，非常不满意，请尽快给出新的发货时间。",
    "设备出现故障，现场停工，请马上派工程师过来。",
    "价格太贵了，超出我们的预算，能否再优惠一些？",
    "Thanks for the update, however this is another late delivery for our site.",
    "We found a defect in the second batch of pumps.",
    "这个 delivery 又 delay 了，我们 project 很被动。",
]
HISTORY_MINUTES = 90 * 24 * 60


def _text(rng: random.Random, n: int) -> str:
    pool = COMPLAINTS if rng.random() < 1 / 6 else ROUTINE
    return f"{rng.choice(pool)} {rng.choice(ROUTINE)} #{n}"


def _setup() -> None:
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True)
    os.environ["RAPPORT_DATA_DIR"] = str(DATA_DIR)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("QUEUE_URL", None)
    os.environ["RAPPORT_QUEUE_IMMEDIATE"] = "0"
    os.environ.setdefault("RAPPORT_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _customers(count: int = 100) -> tuple[Any, list[Any]]:
    from rapport.accounts.models import Team, User
    from rapport.crm.models import Company, Contact, ContactMethod

    team = Team.objects.create(name="Bench")
    user = User.objects.create(username="bench", role="admin", team=team)
    companies = []
    for n in range(count):
        company = Company.objects.create(name=f"客户{n}", owner=user, team=team)
        contact = Contact.objects.create(
            name=f"联系人{n}", company=company, owner=user, team=team
        )
        ContactMethod.objects.create(
            contact=contact, kind="email", value=f"c{n}@customer{n}.cn"
        )
        companies.append(company)
    return user, companies


def bench_ingestion(user: Any, companies: list[Any]) -> None:
    from django.utils import timezone

    from rapport.comms.parsing import Incoming
    from rapport.comms.services import ingest
    from rapport.core.tasks import deliver_pending
    from rapport.intelligence.insight import services, sources
    from rapport.intelligence.models import MessageAnalysis, RiskAlert
    from rapport.intelligence.nlp import analyze_many

    rng = random.Random(SEED)
    services.install_default_rules()
    texts = [_text(rng, n) for n in range(N_MESSAGES)]
    analyze_many(texts[:20], dictionary=sources.dictionary())  # load the models

    now = timezone.now()
    started = time.perf_counter()
    for n, text in enumerate(texts):
        who = rng.randrange(len(companies))
        ingest(
            Incoming(
                channel=rng.choice(["email", "email", "call", "chat"]),
                direction="inbound" if n % 3 else "outbound",
                sender_address=f"c{who}@customer{who}.cn",
                text=text,
                sent_at=now
                - timedelta(minutes=HISTORY_MINUTES * (N_MESSAGES - n) / N_MESSAGES),
                external_id=f"bench-{n}@insight",
                thread_key=f"thread-{who}-{n // 6}",
            ),
            owner=user,
            source="api",
        )
    store_s = time.perf_counter() - started
    started = time.perf_counter()
    while deliver_pending(limit=500):
        pass
    analyse_s = time.perf_counter() - started
    analysed = MessageAnalysis.objects.count()
    assert analysed == N_MESSAGES, analysed
    alerts = RiskAlert.objects.count()

    started = time.perf_counter()
    analyze_many(texts, dictionary=sources.dictionary())
    nlp_s = time.perf_counter() - started
    MessageAnalysis.objects.all().delete()
    from rapport.intelligence.models import CustomerProfile, RiskMatch

    RiskMatch.objects.all().delete()
    RiskAlert.objects.all().delete()
    CustomerProfile.objects.all().delete()
    ids = list(sources.message_ids())
    started = time.perf_counter()
    services.analyse_messages(ids)
    batch_s = time.perf_counter() - started

    rate = N_MESSAGES / analyse_s
    verdict = "ok" if rate >= RATE_TARGET else "under target"
    print(f"ingestion with analysis, {N_MESSAGES} messages (zh/en/mixed), 1 worker")
    print(f"  ({alerts} risk alerts raised, each with notifications and tasks)")
    print(f"  store (link+insert+event)     {N_MESSAGES / store_s:8.0f} messages/s")
    print(
        f"  analyse+profile+rules (events){rate:8.0f} messages/s"
        f"  (target {RATE_TARGET:.0f}: {verdict})"
    )
    both = N_MESSAGES / (store_s + analyse_s)
    print(f"  end to end (store+analyse)    {both:8.0f} messages/s")
    print(f"  batch analyse_messages        {N_MESSAGES / batch_s:8.0f} messages/s")
    print(f"  reference: analyze_many alone {N_MESSAGES / nlp_s:8.0f} messages/s")
    print(f"  ratio event path / NLP alone: {analyse_s / nlp_s:.2f}")


def _history(user: Any, company: Any, size: int, start_id: int) -> int:
    """Bulk-write `size` analysed messages of `company`, 18 months back."""
    from django.utils import timezone

    from rapport.comms.models import Message
    from rapport.intelligence.models import MessageAnalysis

    rng = random.Random(size)
    now = timezone.now()
    messages, analyses = [], []
    for n in range(size):
        at = now - timedelta(minutes=int(rng.uniform(0, 540 * 24 * 60)))
        pk = start_id + n
        inbound = rng.random() < 0.6
        messages.append(
            Message(
                id=pk,
                channel="email",
                direction="inbound" if inbound else "outbound",
                source="demo",
                text="history",
                sent_at=at,
                fingerprint=f"h-{pk}",
                thread_key=f"h-{company.pk}-{n // 5}",
                company_id=company.pk,
                owner_id=user.pk,
                team_id=user.team_id,
            )
        )
        sentiment = rng.uniform(-1, 1)
        analyses.append(
            MessageAnalysis(
                message_id=pk,
                company_id=company.pk,
                owner_id=user.pk,
                team_id=user.team_id,
                sent_at=at,
                inbound=inbound,
                channel="email",
                thread_key=f"h-{company.pk}-{n // 5}",
                language="zh",
                sentiment=sentiment,
                label="negative" if sentiment < -0.2 else "positive",
                keywords=[f"词{rng.randrange(500)}", f"word{rng.randrange(500)}"],
                topics=[rng.choice(["delivery", "price", "quality"])],
            )
        )
    Message.objects.bulk_create(messages, batch_size=1000)
    MessageAnalysis.objects.bulk_create(analyses, batch_size=1000)
    return start_id + size


def _fold_once(user: Any, company: Any, pk: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from rapport.comms.models import Message
    from rapport.intelligence.insight.services import profiles
    from rapport.intelligence.models import MessageAnalysis

    now = timezone.now()
    Message.objects.create(
        id=pk,
        channel="email",
        direction="inbound",
        source="demo",
        text="new",
        sent_at=now,
        fingerprint=f"n-{pk}",
        thread_key=f"h-{company.pk}-0",
        company_id=company.pk,
        owner_id=user.pk,
        team_id=user.team_id,
    )
    row = MessageAnalysis.objects.create(
        message_id=pk,
        company_id=company.pk,
        owner_id=user.pk,
        team_id=user.team_id,
        sent_at=now,
        inbound=True,
        channel="email",
        thread_key=f"h-{company.pk}-0",
        language="en",
        sentiment=-0.5,
        label="negative",
        keywords=["delivery"],
        topics=["delivery"],
    )
    started = time.perf_counter()
    with transaction.atomic():
        profiles.fold([row])
    return (time.perf_counter() - started) * 1000


def bench_profile_update(user: Any) -> None:
    from rapport.crm.models import Company
    from rapport.intelligence.insight.services import profiles

    print(f"profile update: one more message folded in (median of {FOLDS})")
    next_id, first_ms = 10_000_000, None
    for size in HISTORY_SIZES:
        company = Company.objects.create(name=f"历史{size}", owner=user, team=user.team)
        next_id = _history(user, company, size, next_id)
        profiles.rebuild_profiles(company.pk)
        started = time.perf_counter()
        profiles.rebuild_profiles(company.pk)
        rebuild_ms = (time.perf_counter() - started) * 1000
        folds = []
        for _ in range(FOLDS):
            folds.append(_fold_once(user, company, next_id))
            next_id += 1
        median = statistics.median(folds)
        first_ms = first_ms or median
        print(
            f"  history {size:6d}: fold {median:6.2f} ms"
            f"  (x{median / first_ms:4.2f} of empty)"
            f"   reference: rebuild from history {rebuild_ms:9.1f} ms"
        )


def bench_company_page(user: Any) -> None:
    from django.conf import settings
    from django.test import Client

    from rapport.core import registry
    from rapport.crm.models import Company
    from rapport.intelligence.insight.services import profiles

    settings.ALLOWED_HOSTS = ["*"]
    company = Company.objects.create(name="五千条消息公司", owner=user, team=user.team)
    _history(user, company, PAGE_MESSAGES, 30_000_000)
    profiles.rebuild_profiles(company.pk)

    client = Client()
    client.force_login(user)
    url = f"/crm/companies/{company.pk}/"

    def timed() -> list[float]:
        for _ in range(5):
            assert client.get(url).status_code == 200
        found = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            found.append((time.perf_counter() - started) * 1000)
        return found

    assert b"insight-profile" in client.get(url).content
    with_panel = timed()
    panel = registry.clear_for_tests("crm.company", "insight.profile")
    without = timed()
    registry.register_panel(panel)

    p95 = statistics.quantiles(with_panel, n=20)[18]
    ref95 = statistics.quantiles(without, n=20)[18]
    verdict = "ok" if p95 <= PAGE_TARGET_MS else "over target"
    print(f"company page with {PAGE_MESSAGES} analysed messages ({REQUESTS} requests)")
    print(
        f"  p50 {statistics.median(with_panel):6.1f} ms  p95 {p95:6.1f} ms"
        f"  (target {PAGE_TARGET_MS:.0f} ms: {verdict})"
    )
    print(f"  reference: same page without the profile panel p95 {ref95:6.1f} ms")
    print(f"  ratio: {p95 / ref95:.2f}")


def main() -> None:
    _setup()
    user, companies = _customers()
    bench_ingestion(user, companies)
    bench_profile_update(user)
    bench_company_page(user)


if __name__ == "__main__":
    main()
