"""Projects background work: reschedules, the daily snapshot and risk refresh."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rapport.projects import services


@db_task()
def reschedule_project_task(
    project_id: int,
    trigger: str,
    actor_id: int | None = None,
    requested_at: str | None = None,
) -> None:
    """Reschedule one project, unless a run since the request already did."""
    services.reschedule_requested(project_id, trigger, actor_id, requested_at)


@db_periodic_task(crontab(hour="2", minute="23"))
def snapshot_projects_task() -> None:
    """Every night, reschedule and snapshot every open project and refresh its risk."""
    services.snapshot_open_projects()
