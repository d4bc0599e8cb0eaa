"""Comms background work: polling mailboxes (imports run as `comms.import` jobs)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from rapport.comms import services


@db_periodic_task(crontab(minute="*/5"))
def poll_mailboxes_task() -> None:
    """Every five minutes, queue a poll of each enabled mailbox not being polled."""
    services.poll_due_mailboxes()
