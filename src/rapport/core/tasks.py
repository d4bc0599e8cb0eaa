"""Huey tasks of the shared machinery: outbox delivery, e-mail, jobs, clean-up."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rapport.core import events
from rapport.core.jobs import run_job
from rapport.core.maintenance import refresh_planner_statistics
from rapport.core.models import (
    EventDelivery,
    IdempotencyRecord,
    Job,
    Notification,
    OutboxEvent,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH = 200
STALE_JOB_MINUTES = 5


def deliver_pending(limit: int = BATCH, fresh_only: bool = False) -> int:
    """Hand pending outbox events to their consumers; return how many were handled.

    `fresh_only` takes only events never tried: the dispatch after a commit
    leaves failed ones to the sweep, so a broken consumer is not retried in a
    tight loop.
    """
    pending = OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING)
    if fresh_only:
        pending = pending.filter(attempts=0)
    batch = list(pending.order_by("attempts", "id")[:limit])
    for event in batch:
        deliver(event)
    return len(batch)


def deliver(event: OutboxEvent) -> None:
    """Run every consumer of one event that has not handled it yet."""
    failures = []
    for name, fn in events.consumers_for(event.name):
        try:
            with transaction.atomic():
                # The row lock makes a second worker delivering the same event
                # wait here, then see the first one's delivery record and skip.
                list(
                    OutboxEvent.objects.select_for_update()
                    .filter(pk=event.pk)
                    .values_list("pk", flat=True)
                )
                if EventDelivery.objects.filter(event=event, consumer=name).exists():
                    continue
                fn(event)
                EventDelivery.objects.create(event=event, consumer=name)
        except Exception as exc:
            if (
                isinstance(exc, IntegrityError)
                and EventDelivery.objects.filter(event=event, consumer=name).exists()
            ):
                continue  # another worker delivered it at the same moment
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            logger.warning(
                "consumer %s failed on event %s #%s",
                name,
                event.name,
                event.pk,
                exc_info=True,
            )
    changes: dict[str, Any] = {"attempts": F("attempts") + 1}
    if failures:
        changes["last_error"] = "\n".join(failures)[:4000]
        if event.attempts + 1 >= MAX_ATTEMPTS:
            changes["status"] = OutboxEvent.Status.FAILED
    else:
        changes.update(
            status=OutboxEvent.Status.DELIVERED,
            delivered_at=timezone.now(),
            last_error="",
        )
    OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.PENDING).update(
        **changes
    )


@db_task()
def dispatch_outbox_task() -> None:
    """Deliver the events never tried yet, in batches until none is left."""
    while deliver_pending(fresh_only=True) == BATCH:
        pass


@db_periodic_task(crontab(minute="*"))
def sweep_outbox_task() -> None:
    """Every minute, deliver events whose immediate dispatch was lost or failed."""
    deliver_pending()


@db_task(retries=3, retry_delay=60)
def email_notifications_task(notification_ids: list[int]) -> None:
    """Send the e-mail copy of each notification whose recipient has an address."""
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    for note in pending:
        address = getattr(note.recipient, "email", "")
        if not address:
            continue
        body = note.body
        if note.url:
            body = f"{body}\n\n{note.url}".strip()
        send_mail(note.title, body, settings.DEFAULT_FROM_EMAIL, [address])
        # Marked one by one, so a retry after a failure sends only the rest.
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


@db_task()
def run_job_task(job_id: int) -> None:
    """Run one user job."""
    run_job(job_id)


@db_periodic_task(crontab(minute="*/5"))
def requeue_stale_jobs_task() -> None:
    """Queue again jobs still waiting minutes after they were created.

    Their first enqueue was lost (the queue was down at commit); running a job
    twice is harmless because `run_job` claims it first.
    """
    cutoff = timezone.now() - timedelta(minutes=STALE_JOB_MINUTES)
    stale = Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=cutoff)
    for job_id in stale.values_list("pk", flat=True)[:BATCH]:
        run_job_task(job_id)


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_records_task() -> None:
    """Forget Idempotency-Key answers older than the replay window."""
    cutoff = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS)
    IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()


@db_periodic_task(crontab(hour="3", minute="41"))
def refresh_planner_statistics_task() -> None:
    """Every night, refresh the database's planner statistics as the data grows."""
    refresh_planner_statistics()
