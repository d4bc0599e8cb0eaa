"""The outbox and jobs through a real Huey consumer, on the SQLite and Redis queues."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from rapport.core import tasks
from rapport.core.jobs import job_kind
from rapport.core.models import EventDelivery, Job, OutboxEvent
from rapport.core.services import emit, start_job
from tests.core.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def delivered(*events: OutboxEvent) -> bool:
    """every event delivered"""
    statuses = OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).values_list(
        "status", flat=True
    )
    return list(statuses) == [OutboxEvent.Status.DELIVERED] * len(events)


def emit_committed(name: str, **payload) -> OutboxEvent:
    with transaction.atomic():
        return emit(name, payload=payload)


def test_each_consumer_runs_once_per_event_even_when_redelivered(worker, consumers):
    calls = consumers("test.ping", "tests.counter")
    with transaction.atomic():
        events = [emit("test.ping", payload={"n": n}) for n in range(3)]

    wait_for(lambda: delivered(*events))
    assert {calls[("tests.counter", e.pk)] for e in events} == {1}

    # As if a worker died after the consumers ran but before marking the events.
    OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(
        status=OutboxEvent.Status.PENDING
    )
    tasks.sweep_outbox_task()
    tasks.dispatch_outbox_task()
    wait_for(lambda: delivered(*events))
    marker = emit_committed("test.marker")  # queued after the redeliveries
    wait_for(lambda: delivered(marker))

    assert {calls[("tests.counter", e.pk)] for e in events} == {1}
    assert EventDelivery.objects.filter(consumer="tests.counter").count() == 3


def test_failing_consumer_is_retried_by_the_sweep_and_others_still_get_it(
    worker, consumers
):
    def fail_first_time(event, count):
        if count == 1:
            raise RuntimeError("mail server down")

    calls = consumers("test.deal.*", "tests.flaky", fail_first_time)
    consumers("test.deal.*", "tests.steady")
    event = emit_committed("test.deal.won", amount="100")

    attempted = wait_for(
        lambda: OutboxEvent.objects.filter(pk=event.pk, attempts__gte=1).first()
    )
    assert attempted.status == OutboxEvent.Status.PENDING
    assert "tests.flaky: RuntimeError: mail server down" in attempted.last_error
    assert calls[("tests.steady", event.pk)] == 1
    assert set(event.deliveries.values_list("consumer", flat=True)) == {"tests.steady"}

    tasks.sweep_outbox_task()
    wait_for(lambda: delivered(event))

    assert calls[("tests.flaky", event.pk)] == 2
    assert calls[("tests.steady", event.pk)] == 1
    done = OutboxEvent.objects.get(pk=event.pk)
    assert done.attempts == 2 and done.last_error == "" and done.delivered_at


def test_the_dispatch_leaves_a_failing_event_to_the_sweep(worker, consumers):
    def always_fail(event, count):
        raise ValueError("broken")

    calls = consumers("test.broken", "tests.broken", always_fail)
    consumers("test.marker", "tests.marker")
    event = emit_committed("test.broken")
    wait_for(lambda: OutboxEvent.objects.filter(pk=event.pk, attempts__gte=1).exists())

    marker = emit_committed("test.marker")
    wait_for(lambda: delivered(marker))

    assert calls[("tests.broken", event.pk)] == 1
    assert OutboxEvent.objects.get(pk=event.pk).attempts == 1


def test_events_of_a_rolled_back_transaction_are_never_delivered(worker, consumers):
    calls = consumers("test.*", "tests.all")

    with pytest.raises(RuntimeError), transaction.atomic():
        emit("test.ghost", payload={"n": 1})
        raise RuntimeError("the change failed")
    marker = emit_committed("test.marker")
    wait_for(lambda: delivered(marker))
    tasks.sweep_outbox_task()
    second = emit_committed("test.marker")
    wait_for(lambda: delivered(second))

    assert not OutboxEvent.objects.filter(name="test.ghost").exists()
    assert sorted(calls) == sorted([("tests.all", marker.pk), ("tests.all", second.pk)])


def test_two_workers_delivering_one_event_run_the_consumer_once(consumers):
    def slow(event, count):
        time.sleep(0.3)  # holds the delivery open while the other worker arrives

    calls = consumers("test.race", "tests.slow", slow)
    # Created directly, so no commit hook dispatches it behind the test's back.
    event = OutboxEvent.objects.create(name="test.race")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            tasks.deliver(OutboxEvent.objects.get(pk=event.pk))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert calls[("tests.slow", event.pk)] == 1
    assert OutboxEvent.objects.get(pk=event.pk).status == OutboxEvent.Status.DELIVERED


def test_an_event_fails_for_good_after_max_attempts(consumers):
    def always_fail(event, count):
        raise ValueError("broken")

    consumers("test.doomed", "tests.doomed", always_fail)
    event = OutboxEvent.objects.create(name="test.doomed")

    for _ in range(tasks.MAX_ATTEMPTS):
        tasks.deliver_pending()

    failed = OutboxEvent.objects.get(pk=event.pk)
    assert failed.status == OutboxEvent.Status.FAILED
    assert failed.attempts == tasks.MAX_ATTEMPTS
    assert tasks.deliver_pending() == 0


def test_a_consumer_raising_integrity_error_is_a_failure_not_a_delivery(consumers):
    from django.db import IntegrityError

    def clash(event, count):
        raise IntegrityError("duplicate key in the consumer's own table")

    consumers("test.clash", "tests.clash", clash)
    event = OutboxEvent.objects.create(name="test.clash")

    tasks.deliver(event)

    stored = OutboxEvent.objects.get(pk=event.pk)
    assert stored.status == OutboxEvent.Status.PENDING
    assert "IntegrityError" in stored.last_error
    assert not EventDelivery.objects.filter(event=event).exists()


# --- Jobs ---------------------------------------------------------------------------

_job_runs: dict[int, int] = {}
_job_titles: set[str] = set()


@job_kind("tests.core_worker.count")
def _count_job(ctx):
    _job_runs[ctx.job.pk] = _job_runs.get(ctx.job.pk, 0) + 1
    _job_titles.add(ctx.job.title)
    total = int(ctx.params["to"])
    for n in range(1, total + 1):
        ctx.log(f"counted {n}")
        ctx.progress(n * 100 // total)
    return {"total": total}


@pytest.fixture(autouse=True)
def _forget_job_runs():
    # Primary keys restart after a flush on some databases.
    _job_runs.clear()


@job_kind("tests.core_worker.explode")
def _explode_job(ctx):
    ctx.log("starting")
    raise ValueError("the file has no header row")


def finished(job: Job) -> Job | None:
    """the job finished"""
    return Job.objects.filter(
        pk=job.pk, status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED]
    ).first()


def test_a_job_runs_in_the_worker_and_records_progress_log_and_result(worker, rep):
    with transaction.atomic():
        job = start_job(rep, "tests.core_worker.count", "count three", to=3)

    done = wait_for(lambda: finished(job))

    assert done.status == Job.Status.SUCCEEDED
    assert done.progress == 100 and done.result == {"total": 3}
    assert [line.split("] ")[1] for line in done.log.splitlines()] == [
        "counted 1",
        "counted 2",
        "counted 3",
    ]
    assert done.started_at and done.finished_at and done.user == rep


def test_a_failing_job_records_its_error(worker, rep):
    with transaction.atomic():
        job = start_job(rep, "tests.core_worker.explode", "import customers")

    done = wait_for(lambda: finished(job))

    assert done.status == Job.Status.FAILED
    assert done.error.startswith("ValueError: the file has no header row")
    assert "starting" in done.log and done.finished_at


def test_an_unknown_job_kind_fails_clearly(worker, rep):
    with transaction.atomic():
        job = start_job(rep, "tests.core_worker.nothing", "mystery")

    done = wait_for(lambda: finished(job))

    assert done.status == Job.Status.FAILED
    assert "no job kind 'tests.core_worker.nothing'" in done.error


def test_redelivery_does_not_rerun_a_finished_job(worker, rep):
    with transaction.atomic():
        job = start_job(rep, "tests.core_worker.count", "count once", to=1)
    first = wait_for(lambda: finished(job))

    tasks.run_job_task(job.pk)  # the queue hands the same job out again
    with transaction.atomic():
        marker = start_job(rep, "tests.core_worker.count", "marker", to=1)
    wait_for(lambda: finished(marker))

    again = Job.objects.get(pk=job.pk)
    assert _job_runs[job.pk] == 1
    assert again.finished_at == first.finished_at and again.log == first.log


def test_a_job_of_a_rolled_back_transaction_never_runs(worker, rep):
    with pytest.raises(RuntimeError), transaction.atomic():
        start_job(rep, "tests.core_worker.count", "ghost", to=1)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        marker = start_job(rep, "tests.core_worker.count", "after ghost", to=1)
    wait_for(lambda: finished(marker))

    assert "ghost" not in _job_titles
    assert not Job.objects.filter(title="ghost").exists()


def test_stale_queued_jobs_are_queued_again(worker, rep):
    from datetime import timedelta

    from django.utils import timezone

    job = Job.objects.create(  # as if the enqueue after commit had been lost
        user=rep,
        kind="tests.core_worker.count",
        title="lost",
        params={"to": 1},
        created_at=timezone.now() - timedelta(minutes=10),
    )

    tasks.requeue_stale_jobs_task()

    assert wait_for(lambda: finished(job)).status == Job.Status.SUCCEEDED
