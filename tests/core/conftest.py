"""Real machinery for core tests: a Huey consumer in threads, a local SMTP server.

The `worker` fixture runs the project's Huey instance (the one the tasks are
registered on) out of immediate mode, on a fresh SQLite queue file or on the
Redis queue named by QUEUE_URL, with a consumer in worker threads of this
process. Redis tests are skipped when QUEUE_URL is not a Redis URL or Redis
does not answer, and fail instead when RAPPORT_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from django.db import connections

POLL_TIMEOUT = 20.0


def wait_for(predicate: Callable[[], object], timeout: float = POLL_TIMEOUT) -> object:
    """Poll `predicate` until it returns something true; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            what = predicate.__doc__ or ""
            pytest.fail(f"condition not met within {timeout}s: {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)


def _redis_url() -> str:
    required = os.environ.get("RAPPORT_REQUIRE_SERVICES") == "1"
    url = os.environ.get("QUEUE_URL", "")
    problem = None
    if not url.startswith(("redis://", "rediss://")):
        problem = "QUEUE_URL is not a redis:// URL"
    else:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except Exception as exc:
            problem = f"Redis at {url} is unreachable: {exc}"
    if problem:
        if required:
            pytest.fail(f"RAPPORT_REQUIRE_SERVICES=1 but {problem}")
        pytest.skip(problem)
    return url


def _storage(kind: str, huey, tmp_path):
    if kind == "redis":
        from huey.storage import RedisStorage

        return RedisStorage(huey.name, url=_redis_url())
    from huey.storage import SqliteStorage

    return SqliteStorage(huey.name, filename=str(tmp_path / "queue.sqlite3"))


QUEUES = [
    pytest.param("sqlite", id="sqlite-queue"),
    pytest.param("redis", id="redis-queue", marks=pytest.mark.redis),
]


@pytest.fixture(params=QUEUES)
def worker(request, transactional_db, tmp_path) -> Iterator[object]:
    """A running Huey consumer (two worker threads) on a real queue."""
    from huey.contrib.djhuey import HUEY

    saved = (HUEY._immediate, HUEY.storage)
    storage = _storage(request.param, HUEY, tmp_path)
    HUEY._immediate = False
    HUEY.storage = storage
    HUEY.flush()

    @HUEY.on_shutdown(name="tests-close-db")
    def close_db() -> None:
        # The worker threads' connections must not outlive the test database.
        connections.close_all()

    handlers = {
        s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    consumer = HUEY.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=False,
        initial_delay=0.02,
        max_delay=0.1,
        check_worker_health=False,
    )
    consumer.start()
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        HUEY.unregister_on_shutdown("tests-close-db")
        HUEY.flush()
        storage.close() if hasattr(storage, "close") else None
        HUEY._immediate, HUEY.storage = saved


@pytest.fixture
def consumers() -> Iterator[Callable]:
    """Register event consumers for one test; counts (name, event id) calls."""
    from rapport.core import events

    calls: Counter = Counter()
    lock = threading.Lock()
    names: list[str] = []

    def add(pattern: str, name: str, fn: Callable | None = None) -> Counter:
        def run(event) -> None:
            with lock:
                calls[(name, event.pk)] += 1
                count = calls[(name, event.pk)]
            if fn is not None:
                fn(event, count)

        events.consumer(pattern, name=name)(run)
        names.append(name)
        return calls

    yield add
    for name in names:
        events.unregister(name)


class _Mailbox:
    """Messages the local SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.append(list(envelope.rcpt_tos))
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[_Mailbox]:
    """A real SMTP server on a free local port, with Django's e-mail pointed at it."""
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    try:
        yield mailbox
    finally:
        controller.stop()
