"""Shared write machinery: audit entries, outbox events, notifications and jobs.

Business apps call these from their own services, inside the same transaction
as the change, so a change, its audit entry and its event land together or not
at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from rapport.core.errors import PreconditionFailed, ValidationFailed
from rapport.core.models import AuditEntry, Job, Notification, OutboxEvent

logger = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the audit log and events."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Kept by the machinery itself, never part of a change worth recording.
_BOOKKEEPING = frozenset({"created_at", "updated_at", "version"})


def field_values(instance: models.Model) -> dict[str, Any]:
    """The field values of a record that a change can touch, keyed by field name.

    Derived fields that users cannot edit (a quote's totals) are included, so a
    change that only moves them is still seen, versioned and audited.
    """
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in _BOOKKEEPING:
            continue
        key = field.attname if field.is_relation else field.name
        values[field.name] = _plain(getattr(instance, key))
    return values


def record_audit(
    actor: Any,
    action: str,
    instance: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry for a change to `instance`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        kind=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=dict(changes or {}),
    )


def emit(
    name: str,
    instance: models.Model | None = None,
    payload: Mapping[str, Any] | None = None,
    actor: Any = None,
) -> OutboxEvent:
    """Record a domain event in the outbox; the worker delivers it after commit."""
    event = OutboxEvent.objects.create(
        name=name,
        aggregate=instance._meta.label_lower if instance is not None else "",
        aggregate_id=str(instance.pk) if instance is not None else "",
        payload={k: _plain(v) for k, v in (payload or {}).items()},
        actor_id=getattr(actor, "pk", None),
    )
    # One dispatch per transaction delivers all its events: a bulk import's
    # thousand events must not queue a thousand tasks.
    # Entries are (savepoint ids, callback, robust) tuples.
    pending = (entry[1] for entry in connection.run_on_commit)
    if not any(callback is _enqueue_dispatch for callback in pending):
        transaction.on_commit(_enqueue_dispatch)
    return event


def _enqueue_dispatch() -> None:
    from rapport.core.tasks import dispatch_outbox_task

    try:
        dispatch_outbox_task()
    except Exception:  # the periodic sweep delivers it later
        logger.warning("could not enqueue outbox dispatch; the sweep will deliver it")


def full_clean(instance: models.Model, exclude: Iterable[str] | None = None) -> None:
    """Run model validation and raise ValidationFailed with per-field messages."""
    try:
        instance.full_clean(exclude=list(exclude or []), validate_unique=True)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def check_version(instance: models.Model, expected: int | None) -> None:
    """Refuse a change made against an older version of the record."""
    if expected is not None and expected != instance.version:  # type: ignore[attr-defined]
        raise PreconditionFailed()


def create_record(
    actor: Any, instance: models.Model, event: str | None = None, **event_payload: Any
) -> models.Model:
    """Validate and insert a new record with its audit entry and event."""
    full_clean(instance)
    instance.save(force_insert=True)
    record_audit(
        actor,
        AuditEntry.Action.CREATE,
        instance,
        {
            name: [None, value]
            for name, value in field_values(instance).items()
            if value not in (None, "", [], {})
        },
    )
    if event:
        emit(event, instance, {"id": instance.pk, **event_payload}, actor=actor)
    return instance


def update_record(
    actor: Any,
    instance: models.Model,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    event: str | None = None,
) -> dict[str, list[Any]]:
    """Apply `changes` to `instance`, validate, save and audit what really changed.

    Returns the changed fields as {field: [old, new]}; nothing is written and no
    event is emitted when no value changes.
    """
    check_version(instance, expected_version)
    before = field_values(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    full_clean(instance)
    after = field_values(instance)
    diff = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    if not diff:
        return {}

    # A conditional UPDATE makes the version check hold even between two
    # requests that loaded the same version at the same moment.
    model = type(instance)
    current = instance.version  # type: ignore[attr-defined]
    instance.version = current + 1  # type: ignore[attr-defined]
    instance.updated_at = timezone.now()  # type: ignore[attr-defined]
    values = {
        f.attname: getattr(instance, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key
    }
    updated = model._default_manager.filter(pk=instance.pk, version=current).update(
        **values
    )
    if not updated:
        instance.version = current  # type: ignore[attr-defined]
        raise PreconditionFailed()

    record_audit(actor, AuditEntry.Action.UPDATE, instance, diff)
    if event:
        emit(event, instance, {"id": instance.pk, "changed": sorted(diff)}, actor=actor)
    return diff


def delete_record(
    actor: Any,
    instance: models.Model,
    expected_version: int | None = None,
    event: str | None = None,
) -> None:
    """Delete a record, keeping its last values in the audit log."""
    check_version(instance, expected_version)
    pk = instance.pk
    values = field_values(instance)
    record_audit(
        actor,
        AuditEntry.Action.DELETE,
        instance,
        {
            name: [value, None]
            for name, value in values.items()
            if value not in (None, "")
        },
    )
    try:
        instance.delete()
    except models.ProtectedError as exc:
        from rapport.core.errors import Conflict

        raise Conflict(
            "This record is still referenced by other records; remove those first."
        ) from exc
    instance.pk = pk
    if event:
        emit(event, instance, {"id": pk}, actor=actor)


def notify(
    recipients: Iterable[Any],
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "info",
    dedupe_key: str = "",
) -> list[Notification]:
    """Send an in-app notification to each recipient, and an e-mail copy if configured.

    With a `dedupe_key`, a recipient who already has a notification with that
    key does not get a second one, so repeated triggers stay quiet.
    """
    from django.conf import settings

    recipients = [r for r in recipients if r is not None]
    if dedupe_key:
        already = set(
            Notification.objects.filter(
                dedupe_key=dedupe_key, recipient__in=recipients
            ).values_list("recipient_id", flat=True)
        )
        recipients = [r for r in recipients if r.pk not in already]
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=r,
                title=title[:200],
                body=body,
                url=url,
                kind=kind,
                dedupe_key=dedupe_key,
            )
            for r in recipients
        ]
    )
    if settings.EMAIL_HOST and created:
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # bulk_create on MariaDB does not return primary keys
            ids = list(
                Notification.objects.filter(recipient__in=recipients, title=title[:200])
                .order_by("-id")
                .values_list("id", flat=True)[: len(created)]
            )

        def enqueue() -> None:
            from rapport.core.tasks import email_notifications_task

            email_notifications_task(ids)

        transaction.on_commit(enqueue)
    return created


def mark_read(user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: the given ones, or all of them."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def start_job(user: Any, kind: str, title: str, **params: Any) -> Job:
    """Create a Job row and queue its task once the transaction commits."""
    from rapport.core.jobs import enqueue_job

    job = Job.objects.create(user=user, kind=kind, title=title[:200], params=params)
    transaction.on_commit(lambda: enqueue_job(job.pk))
    logger.info("job queued", extra={"job_id": job.pk, "kind": kind})
    return job
