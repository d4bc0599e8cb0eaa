"""One small demo company for the whole package, loaded once per test worker."""

from __future__ import annotations

import pytest

from rapport.demo.generator import clear_demo, load_demo


@pytest.fixture(scope="package")
def small_demo(django_db_setup, django_db_blocker):
    """The small demo, committed; each test still runs in its own transaction."""
    with django_db_blocker.unblock():
        counts = load_demo("small")
    yield counts
    with django_db_blocker.unblock():
        clear_demo()
