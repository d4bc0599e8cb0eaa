"""Huey tasks of the shared machinery: outbox delivery, e-mail copies, jobs, clean-up."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rapport.core import events
from rapport.core.jobs import run_job
from rapport.core.models import EventDelivery, IdempotencyRecord, Notification, OutboxEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH = 200


def deliver_pending(limit: int = BATCH) -> int:
    """Hand pending outbox events to their consumers; return how many were handled."""
    pending = list(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).order_by("id")[:limit]
    )
    for event in pending:
        deliver(event)
    return len(pending)


def deliver(event: OutboxEvent) -> None:
    """Run every consumer of one event that has not handled it yet."""
    done = set(event.deliveries.values_list("consumer", flat=True))
    failures = []
    for name, fn in events.consumers_for(event.name):
        if name in done:
            continue
        try:
            with transaction.atomic():
                fn(event)
                EventDelivery.objects.create(event=event, consumer=name)
        except IntegrityError:
            continue  # another worker delivered it at the same moment
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            logger.warning(
                "event consumer failed",
                extra={"event_id": event.pk, "consumer": name, "event": event.name},
            )
    event.attempts += 1
    if failures:
        event.last_error = "\n".join(failures)[:4000]
        if event.attempts >= MAX_ATTEMPTS:
            event.status = OutboxEvent.Status.FAILED
    else:
        event.status = OutboxEvent.Status.DELIVERED
        event.delivered_at = timezone.now()
    event.save(update_fields=["attempts", "last_error", "status", "delivered_at"])


@db_task()
def dispatch_outbox_task() -> None:
    """Deliver what is pending in the outbox, in batches until it is empty."""
    while deliver_pending() == BATCH:
        pass


@db_periodic_task(crontab(minute="*"))
def sweep_outbox_task() -> None:
    """Every minute, deliver events whose immediate dispatch was lost or failed."""
    deliver_pending()


@db_task()
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
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


@db_task()
def run_job_task(job_id: int) -> None:
    """Run one user job."""
    run_job(job_id)


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_records_task() -> None:
    """Forget Idempotency-Key answers older than the replay window."""
    cutoff = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS)
    IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
