"""Working calendars: which days are worked, and a fast working-day numbering.

A `WorkCalendar` answers "is this a working day?" from, in order of precedence:
a person's leave, the company's own holidays, the company's extra working days,
China's public holidays and adjusted working days (调休, from the
`chinese_calendar` package, for the years it knows), and the working week.

The engine never does date arithmetic in its inner loops: it turns dates into
working-day ordinals with `index_of`, adds integers, and turns the results back
with `date_of`. The table behind both is built lazily a few years at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

logger = logging.getLogger(__name__)

# Years added to the table at a time when a date or an ordinal falls outside it.
_CHUNK_YEARS = 4


@lru_cache(maxsize=1)
def _china_data() -> tuple[frozenset[date], frozenset[date], frozenset[int]]:
    """China's holidays, adjusted working days and the years the package covers."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    years = frozenset(d.year for d in holidays) | frozenset(d.year for d in workdays)
    return holidays, workdays, years


def china_known_years() -> frozenset[int]:
    """The years for which the installed `chinese_calendar` has official data."""
    return _china_data()[2]


class WorkCalendar:
    """The working days of a company (or of one person, once leave is added)."""

    def __init__(
        self,
        weekend: Iterable[int] = frozenset({5, 6}),
        holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        china: bool = True,
        leave: Iterable[date] = (),
    ) -> None:
        self.weekend = frozenset(weekend)
        if any(not 0 <= day <= 6 for day in self.weekend):
            raise ValueError("Weekend days are numbered 0 (Monday) to 6 (Sunday).")
        if len(self.weekend) == 7:
            raise ValueError("A working week needs at least one working day.")
        self.holidays = frozenset(holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self.china = china
        self.leave = frozenset(leave)
        self._table = _Table(0, -1, 0, 0, [], [])
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(weekend={sorted(self.weekend)}, china={self.china},"
            f" holidays={len(self.holidays)}, extra_workdays="
            f"{len(self.extra_workdays)}, leave={len(self.leave)})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[object, ...]:
        return (
            self.weekend,
            self.holidays,
            self.extra_workdays,
            self.china,
            self.leave,
        )

    def with_leave(self, dates: Iterable[date]) -> WorkCalendar:
        """This calendar with a person's days of leave taken out."""
        return WorkCalendar(
            weekend=self.weekend,
            holidays=self.holidays,
            extra_workdays=self.extra_workdays,
            china=self.china,
            leave=self.leave | frozenset(dates),
        )

    # Questions about single days.

    def is_workday(self, day: date) -> bool:
        """True when `day` is worked under this calendar."""
        if day in self.leave or day in self.holidays:
            return False
        if day in self.extra_workdays:
            return True
        if self.china:
            china_holidays, china_workdays, years = _china_data()
            if day.year in years:
                if day in china_workdays:
                    return True
                if day in china_holidays:
                    return False
        return day.weekday() not in self.weekend

    def unknown_years(self, start: date, end: date) -> list[int]:
        """Years in start..end whose Chinese holidays are unknown (week assumed)."""
        if not self.china:
            return []
        known = china_known_years()
        low, high = sorted((start.year, end.year))
        return [year for year in range(low, high + 1) if year not in known]

    # Working-day arithmetic.

    def index_of(self, day: date) -> int:
        """Ordinal of the first working day on or after `day`."""
        while True:
            table = self._table
            offset = day.toordinal() - table.first_day
            if 0 <= offset < len(table.k_of_day):
                k = table.k_of_day[offset]
                if k < len(table.dates):
                    return table.base + k
                self._grow(table, table.first_year, table.last_year + _CHUNK_YEARS)
            else:
                self._cover_year(table, day.year)

    def index_on_or_before(self, day: date) -> int:
        """Ordinal of the last working day on or before `day`."""
        index = self.index_of(day)
        return index if self.date_of(index) == day else index - 1

    def date_of(self, index: int) -> date:
        """The working day with ordinal `index`."""
        while True:
            table = self._table
            k = index - table.base
            if 0 <= k < len(table.dates):
                return table.dates[k]
            if not table.dates:
                self._cover_year(table, date.today().year)
            elif k < 0:
                self._grow(table, table.first_year - _CHUNK_YEARS, table.last_year)
            else:
                self._grow(table, table.first_year, table.last_year + _CHUNK_YEARS)

    def table(self, low: int, high: int) -> tuple[int, list[date]]:
        """(base, dates) such that dates[i - base] is date_of(i) for low..high."""
        while True:
            self.date_of(low)
            self.date_of(high)
            table = self._table
            if table.base <= low and high - table.base < len(table.dates):
                return table.base, table.dates

    def add_workdays(self, day: date, n: int) -> date:
        """The working day n working days after `day` (n may be negative).

        Counting starts from the first working day on or after `day`, so n=0
        gives that day, and from a Saturday n=1 gives the Tuesday.
        """
        return self.date_of(self.index_of(day) + n)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days from `start` to `end`, both included (0 if end < start)."""
        if end < start:
            return 0
        return self.index_on_or_before(end) - self.index_of(start) + 1

    # The table.

    def _cover_year(self, table: _Table, year: int) -> None:
        if not table.dates:
            self._grow(table, year - 1, year + 2)
        elif year < table.first_year:
            self._grow(
                table, min(year, table.first_year - _CHUNK_YEARS), table.last_year
            )
        else:
            self._grow(
                table, table.first_year, max(year, table.last_year + _CHUNK_YEARS)
            )

    def _grow(self, seen: _Table, first_year: int, last_year: int) -> None:
        """Replace the table by one covering more years (one swap, thread-safe)."""
        with self._lock:
            if self._table is not seen:
                return  # another thread grew it meanwhile; the caller looks again
            first_year, last_year = max(first_year, 1), min(last_year, 9998)
            if first_year >= seen.first_year and last_year <= seen.last_year:
                raise ValueError("Working-day arithmetic ran past the supported dates.")
            self._table = self._build(seen, first_year, last_year)
        logger.debug("working-day table now covers %s-%s", first_year, last_year)

    def _build(self, old: _Table, first_year: int, last_year: int) -> _Table:
        start, end = date(first_year, 1, 1), date(last_year, 12, 31)
        dates: list[date] = []
        k_of_day: list[int] = []
        day, one = start, timedelta(days=1)
        while day <= end:
            # Each day maps to the next working day: its count of workdays so far.
            k_of_day.append(len(dates))
            if self.is_workday(day):
                dates.append(day)
            day += one
        # Ordinals stay stable: working days added before the old table take the
        # ordinals below its first one.
        base = old.base
        if old.dates:
            base -= dates.index(old.dates[0])
        return _Table(first_year, last_year, start.toordinal(), base, dates, k_of_day)


class _Table(NamedTuple):
    """Working days of first_year..last_year; dates[k] has ordinal base + k."""

    first_year: int
    last_year: int
    first_day: int  # date ordinal of 1 January of first_year
    base: int
    dates: list[date]
    k_of_day: list[int]  # per day from first_day: k of the next working day
