"""Measure message ingestion and the company page with 5,000 messages.

Run with `python -m bench.comms` (a few minutes on two cores; not in
`bench/run.py`). It builds a fresh SQLite database in RAPPORT_BENCH_DIR
(default var/bench-comms), then:

1. Ingestion: BENCH_MESSAGES e-mails (Chinese and English, some in GBK or
   Big5, a third with HTML, a tenth with an attachment) written to an .mbox
   archive and imported by the real import job (parse, link, store, outbox
   event), in messages per second. The references, timed in this process on
   the same messages: the standard library's parser alone, and a plain
   multi-row INSERT of the same number of rows. The analysis (language,
   sentiment ...) is not included; the insight benchmark measures it.
2. The company page of a company with 5,000 messages, rendered in-process by
   Django's test client (BENCH_REQUESTS times; target p95 <= 300 ms), beside a
   raw SQL query for the messages the panel shows.
"""

from __future__ import annotations

import email
import mailbox
import os
import random
import shutil
import statistics
import time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(
    os.environ.get("RAPPORT_BENCH_DIR", ROOT / "var" / "bench-comms")
).resolve()
N_MESSAGES = int(os.environ.get("BENCH_MESSAGES", "3000"))
N_PAGE_MESSAGES = 5000
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
PAGE_TARGET_MS = 300.0
SEED = 7

ZH = ["交付延期了两周，非常不满意。", "请发一下最新报价。", "系统运行稳定，谢谢！"]
EN = ["The delivery is late again.", "Please send the quote.", "Works great, thanks!"]


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


def _customers(count: int = 200) -> tuple[Any, list[Any]]:
    from rapport.accounts.models import Team, User
    from rapport.crm.models import Company, Contact, ContactMethod

    team = Team.objects.create(name="Bench")
    user = User.objects.create(username="bench", role="admin", team=team)
    people = []
    for n in range(count):
        company = Company.objects.create(name=f"客户{n}", owner=user, team=team)
        contact = Contact.objects.create(
            name=f"联系人{n}", company=company, owner=user, team=team
        )
        ContactMethod.objects.create(
            contact=contact, kind="email", value=f"c{n}@customer{n}.cn"
        )
        people.append(contact)
    return user, people


def _mail(n: int, rng: random.Random) -> bytes:
    zh = rng.random() < 0.6
    body = " ".join(rng.sample(ZH if zh else EN, 2)) + f" #{n}"
    charset = rng.choice(["utf-8", "gb18030", "utf-8"]) if zh else "utf-8"
    mail = EmailMessage()
    who = rng.randrange(250)  # 200 known customers, some strangers
    mail["From"] = f"c{who}@customer{who}.cn"
    mail["To"] = "sales@bench.example"
    mail["Subject"] = f"{'关于交付' if zh else 'About delivery'} {n}"
    mail["Date"] = format_datetime(
        email.utils.localtime().replace(microsecond=0)
        - __import__("datetime").timedelta(minutes=n)
    )
    mail["Message-ID"] = f"<bench-{n}@customer.cn>"
    mail.set_content(body, charset=charset)
    if n % 3 == 0:
        mail.add_alternative(f"<p>{body}</p><script>x()</script>", subtype="html")
    if n % 10 == 0:
        mail.add_attachment(
            b"\0" * 200_000, maintype="application", subtype="pdf", filename="a.pdf"
        )
    return mail.as_bytes()


def bench_ingestion(user: Any) -> None:
    from django.db import connection

    from rapport.comms.importers import run_import
    from rapport.comms.models import Import, Message

    rng = random.Random(SEED)
    raws = [_mail(n, rng) for n in range(N_MESSAGES)]
    path = DATA_DIR / "bench.mbox"
    box = mailbox.mbox(str(path))
    for raw in raws:
        box.add(raw)
    box.flush()
    box.close()
    folder = DATA_DIR / "imports" / "bench"
    folder.mkdir(parents=True)
    shutil.copy(path, folder / "00000.mbox")

    started = time.perf_counter()
    for raw in raws:
        email.message_from_bytes(raw, policy=policy.compat32).get_payload()
    stdlib_s = time.perf_counter() - started

    run = Import.objects.create(
        kind="mbox", filename="bench.mbox", stored_path=str(folder), owner=user
    )
    started = time.perf_counter()
    summary = run_import(Import.objects.select_related("owner").get(pk=run.pk))
    ingest_s = time.perf_counter() - started
    assert summary["created"] == N_MESSAGES, summary

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE ref (a TEXT, b TEXT, c TEXT, d TEXT)")
        cursor.executemany(
            "INSERT INTO ref VALUES (%s, %s, %s, %s)",
            [(f"fp{n}", "subject", "text " * 20, "x") for n in range(N_MESSAGES)],
        )
    insert_s = time.perf_counter() - started

    linked = Message.objects.exclude(company=None).count()
    rate = N_MESSAGES / ingest_s
    print(f"ingestion of {N_MESSAGES} e-mails from an .mbox (parse+link+store+event)")
    print(f"  {rate:8.0f} messages/s   ({linked} linked to a company)")
    print(f"  reference: stdlib parse alone {N_MESSAGES / stdlib_s:8.0f} messages/s,")
    print(f"             raw INSERT alone   {N_MESSAGES / insert_s:8.0f} rows/s")
    print(
        f"  ratio to stdlib parse + raw INSERT: {ingest_s / (stdlib_s + insert_s):.1f}"
    )


def bench_company_page(user: Any) -> None:
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from rapport.comms.models import Message
    from rapport.crm.models import Company

    settings.ALLOWED_HOSTS = ["*"]
    company = Company.objects.create(name="五千条消息公司", owner=user, team=user.team)
    now = timezone.now()
    first = (
        Message.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    rows = [
        Message(
            id=first + n,
            channel="email",
            direction="inbound",
            source="demo",
            subject=f"主题 {n}",
            text="交付延期了两周 " * 10,
            sent_at=now - timedelta(hours=n),
            fingerprint=f"page-{n}",
            company_id=company.pk,
            owner_id=user.pk,
            team_id=user.team_id,
            recipients=[],
            attachments=[],
        )
        for n in range(N_PAGE_MESSAGES)
    ]
    Message.objects.bulk_create(rows, batch_size=1000)

    client = Client()
    client.force_login(user)
    url = f"/crm/companies/{company.pk}/"
    for _ in range(5):
        assert client.get(url).status_code == 200
    page_ms = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        page_ms.append((time.perf_counter() - started) * 1000)
        assert b"messages-panel" in response.content
    raw_ms = []
    sql = (
        "SELECT id, subject, sent_at, sender_name FROM comms_message "
        "WHERE company_id = %s ORDER BY sent_at DESC, id DESC LIMIT 8"
    )
    with connection.cursor() as cursor:
        for _ in range(REQUESTS):
            started = time.perf_counter()
            cursor.execute(sql, [company.pk])
            cursor.fetchall()
            raw_ms.append((time.perf_counter() - started) * 1000)

    p95 = statistics.quantiles(page_ms, n=20)[18]
    raw95 = statistics.quantiles(raw_ms, n=20)[18]
    verdict = "ok" if p95 <= PAGE_TARGET_MS else "over target"
    print(f"company page with {N_PAGE_MESSAGES} messages ({REQUESTS} requests)")
    print(
        f"  p50 {statistics.median(page_ms):6.1f} ms  p95 {p95:6.1f} ms"
        f"  (target {PAGE_TARGET_MS:.0f} ms: {verdict})"
    )
    print(f"  reference: raw SQL of the panel's rows p95 {raw95:.2f} ms")


def main() -> None:
    _setup()
    user, _people = _customers()
    bench_ingestion(user)
    bench_company_page(user)


if __name__ == "__main__":
    main()
