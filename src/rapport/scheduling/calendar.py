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
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

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
        # The lazily built table: working days of the years [_first_year,
        # _last_year]; ordinal of _dates[k] is _base + k; _k_of_day[n] is the k
        # of the first working day on or after the n-th day of the table.
        self._first_year = 0
        self._last_year = -1
        self._first_day = 0
        self._base = 0
        self._dates: list[date] = []
        self._k_of_day: list[int] = []

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
            offset = day.toordinal() - self._first_day
            if 0 <= offset < len(self._k_of_day):
                k = self._k_of_day[offset]
                if k < len(self._dates):
                    return self._base + k
                self._extend(self._first_year, self._last_year + _CHUNK_YEARS)
            else:
                self._cover_year(day.year)

    def index_on_or_before(self, day: date) -> int:
        """Ordinal of the last working day on or before `day`."""
        index = self.index_of(day)
        return index if self.date_of(index) == day else index - 1

    def date_of(self, index: int) -> date:
        """The working day with ordinal `index`."""
        k = index - self._base
        while not 0 <= k < len(self._dates):
            if not self._dates:
                self._cover_year(date.today().year)
            elif k < 0:
                self._extend(self._first_year - _CHUNK_YEARS, self._last_year)
            else:
                self._extend(self._first_year, self._last_year + _CHUNK_YEARS)
            k = index - self._base
        return self._dates[k]

    def table(self, low: int, high: int) -> tuple[int, list[date]]:
        """(base, dates) such that dates[i - base] is date_of(i) for low..high."""
        self.date_of(low)
        self.date_of(high)
        return self._base, self._dates

    def add_workdays(self, day: date, n: int) -> date:
        """The working day n working days after `day` (n=0: on or after `day`)."""
        return self.date_of(self.index_of(day) + n)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days from `start` to `end`, both included (0 if end < start)."""
        if end < start:
            return 0
        return self.index_on_or_before(end) - self.index_of(start) + 1

    # The table.

    def _cover_year(self, year: int) -> None:
        if not self._dates:
            self._extend(year - 1, year + 2)
        elif year < self._first_year:
            self._extend(min(year, self._first_year - _CHUNK_YEARS), self._last_year)
        elif year > self._last_year:
            self._extend(self._first_year, max(year, self._last_year + _CHUNK_YEARS))
        else:  # pragma: no cover - callers only ask for years outside the table
            raise AssertionError(year)

    def _extend(self, first_year: int, last_year: int) -> None:
        first_year = max(first_year, 1)
        last_year = min(last_year, 9998)
        if first_year >= self._first_year and last_year <= self._last_year:
            raise ValueError("Working-day arithmetic ran past the supported dates.")
        # Ordinals stay stable: working days added before the old table get
        # negative offsets from the old base.
        old_first_date = self._dates[0] if self._dates else None
        start = date(first_year, 1, 1)
        end = date(last_year, 12, 31)
        dates: list[date] = []
        k_of_day: list[int] = []
        day = start
        one = timedelta(days=1)
        while day <= end:
            if self.is_workday(day):
                dates.append(day)
            day += one
        k = 0
        for n in range((end - start).days + 1):
            ordinal = start.toordinal() + n
            while k < len(dates) and dates[k].toordinal() < ordinal:
                k += 1
            k_of_day.append(k)
        if old_first_date is not None:
            self._base -= dates.index(old_first_date) if old_first_date in dates else 0
        self._first_year, self._last_year = first_year, last_year
        self._first_day = start.toordinal()
        self._dates = dates
        self._k_of_day = k_of_day
        logger.debug("working-day table now covers %s-%s", first_year, last_year)
