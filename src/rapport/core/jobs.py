"""Background jobs users start and follow on the jobs page.

A job kind is a function registered with `@job_kind("crm.import")` taking a
`JobContext`; `services.start_job` creates the Job row and the worker runs it,
recording status, progress, log lines and any error on the row.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from rapport.core.models import Job

logger = logging.getLogger(__name__)

JobFunction = Callable[["JobContext"], dict[str, Any] | None]
_kinds: dict[str, JobFunction] = {}


def job_kind(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register the function that runs jobs of `kind`."""

    def register(fn: JobFunction) -> JobFunction:
        _kinds[kind] = fn
        return fn

    return register


class JobContext:
    """What a running job uses to report: log lines and progress."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params = job.params

    def log(self, line: str) -> None:
        stamp = timezone.now().strftime("%H:%M:%S")
        self.job.log += f"[{stamp}] {line}\n"
        Job.objects.filter(pk=self.job.pk).update(log=self.job.log)

    def progress(self, percent: int) -> None:
        self.job.progress = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=self.job.progress)


def run_job(job_id: int) -> None:
    """Run one queued job to the end, recording its outcome on the row."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # already run, or being run: redelivery is harmless
        return
    job = Job.objects.get(pk=job_id)
    context = JobContext(job)
    fn = _kinds.get(job.kind)
    try:
        if fn is None:
            raise LookupError(f"no job kind {job.kind!r} is registered")
        result = fn(context) or {}
    except Exception as exc:
        logger.warning("job failed", extra={"job_id": job_id, "kind": job.kind})
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=5)}",
            finished_at=timezone.now(),
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        result=result,
        finished_at=timezone.now(),
    )
    logger.info("job succeeded", extra={"job_id": job_id, "kind": job.kind})


def enqueue_job(job_id: int) -> None:
    """Queue a job for the worker; if the queue is down, a periodic task retries."""
    from rapport.core.tasks import run_job_task

    try:
        run_job_task(job_id)
    except Exception:  # requeue_stale_jobs_task picks it up later
        logger.warning("could not queue job %s; it will be queued again", job_id)
