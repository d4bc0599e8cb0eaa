"""The scheduling engine's tests need no database: plain calendars and tasks."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.scheduling import WorkCalendar

# A Monday with no Chinese holiday near it.
MONDAY = date(2026, 3, 2)


@pytest.fixture
def plain() -> WorkCalendar:
    """Monday to Friday, no holidays at all."""
    return WorkCalendar(china=False)


@pytest.fixture
def china() -> WorkCalendar:
    """Monday to Friday with China's public holidays and adjusted workdays."""
    return WorkCalendar()
