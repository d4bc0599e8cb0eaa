"""CRM background work."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from rapport.crm import services


@db_periodic_task(crontab(minute="*"))
def send_reminders_task() -> None:
    """Every minute, notify owners of tasks whose reminder time has come."""
    services.send_due_reminders()
