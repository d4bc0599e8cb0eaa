"""Insight background work: batch analysis, the sweep for missed messages, repairs."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rapport.core.jobs import JobContext, job_kind
from rapport.intelligence.insight import services


@db_task()
def analyse_messages_task(message_ids: list[int]) -> int:
    """Analyse a batch of messages (an import's), skipping those already analysed."""
    return services.analyse_messages(message_ids)


@db_periodic_task(crontab(minute="*/15"))
def analyse_pending_task() -> int:
    """Every 15 minutes, analyse messages the events missed (a safety net)."""
    return services.analyse_pending(limit=20_000)


@db_periodic_task(crontab(minute="7", hour="3"))
def refresh_profiles_task() -> int:
    """Every night, re-read profile figures as of today (windows move on)."""
    return services.refresh_profile_figures()


@job_kind("insight.analyse")
def analyse_job(context: JobContext) -> dict[str, Any]:
    """Analyse every message without an analysis, reporting progress."""
    done = services.analyse_pending(
        progress=lambda n: context.log(f"{n} messages analysed")
    )
    return {"analysed": done}


@job_kind("insight.rebuild")
def rebuild_job(context: JobContext) -> dict[str, Any]:
    """Rebuild customer profiles from the stored analyses."""
    return {"profiles": services.rebuild_profiles(context.params.get("company_id"))}
