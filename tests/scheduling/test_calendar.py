"""Working calendars: China's holidays and 调休, company days, leave, unknown years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rapport.scheduling import WorkCalendar, china_known_years


def test_national_day_is_off_and_the_adjusted_saturday_is_worked(china):
    # 2026: 1-7 October are the national holiday; Saturday 10 October is worked.
    assert not china.is_workday(date(2026, 10, 1))
    assert not china.is_workday(date(2026, 10, 7))
    assert china.is_workday(date(2026, 10, 10))
    # Sunday 20 September is worked in exchange for the mid-autumn holiday.
    assert china.is_workday(date(2026, 9, 20))
    assert not china.is_workday(date(2026, 9, 25))


def test_without_china_the_plain_week_applies(plain):
    assert plain.is_workday(date(2026, 10, 1))
    assert not plain.is_workday(date(2026, 10, 10))


def test_spring_festival_2026(china):
    # The spring festival break of 2026 runs 15-23 February; 14 and 28 Feb worked.
    assert all(not china.is_workday(date(2026, 2, day)) for day in range(15, 24))
    assert china.is_workday(date(2026, 2, 14))
    assert china.is_workday(date(2026, 2, 28))


def test_add_workdays_across_national_day(china):
    # Wednesday 30 September plus one working day skips the holiday to 8 October.
    assert china.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert china.add_workdays(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_add_zero_workdays_is_the_next_workday_on_or_after(china):
    assert china.add_workdays(date(2026, 10, 1), 0) == date(2026, 10, 8)
    assert china.add_workdays(date(2026, 10, 9), 0) == date(2026, 10, 9)


def test_workdays_between_counts_both_ends(china, plain):
    assert china.workdays_between(date(2026, 9, 28), date(2026, 10, 12)) == 7
    assert plain.workdays_between(date(2026, 9, 28), date(2026, 10, 12)) == 11
    assert plain.workdays_between(date(2026, 10, 3), date(2026, 10, 4)) == 0
    assert plain.workdays_between(date(2026, 10, 5), date(2026, 10, 1)) == 0


def test_index_and_date_agree_far_in_both_directions(china):
    # given ordinals far before and after the first table the calendar built
    anchor = china.index_of(date(2026, 3, 2))

    # when walking 3000 working days either way
    later = china.date_of(anchor + 3000)
    earlier = china.date_of(anchor - 3000)

    # then the ordinals still round-trip and count the working days between
    assert china.index_of(later) == anchor + 3000
    assert china.index_of(earlier) == anchor - 3000
    assert china.workdays_between(earlier, later) == 6001


def test_index_of_a_non_workday_is_the_next_workday(plain):
    saturday = date(2026, 3, 7)
    assert plain.date_of(plain.index_of(saturday)) == date(2026, 3, 9)
    assert plain.date_of(plain.index_on_or_before(saturday)) == date(2026, 3, 6)


def test_numbering_matches_a_day_by_day_walk(china):
    # given every day of 2025-2027 walked one at a time
    day, expected = date(2025, 1, 1), []
    while day <= date(2027, 12, 31):
        if china.is_workday(day):
            expected.append(day)
        day += timedelta(days=1)

    # then consecutive ordinals are exactly the working days in order
    first = china.index_of(expected[0])
    assert [china.date_of(first + k) for k in range(len(expected))] == expected


def test_company_holidays_and_extra_workdays_override(china):
    company = WorkCalendar(
        holidays=[date(2026, 3, 3)],
        extra_workdays=[date(2026, 10, 2), date(2026, 3, 7)],
    )
    assert not company.is_workday(date(2026, 3, 3))
    assert company.is_workday(date(2026, 10, 2))
    assert company.is_workday(date(2026, 3, 7))
    assert china.is_workday(date(2026, 3, 3))


def test_a_custom_weekend(plain):
    six_days = WorkCalendar(weekend={6}, china=False)
    assert six_days.is_workday(date(2026, 3, 7))
    assert six_days.workdays_between(date(2026, 3, 2), date(2026, 3, 8)) == 6


def test_leave_takes_days_out_of_a_person_calendar(china):
    # given a person on leave on Tuesday and on an adjusted Saturday
    person = china.with_leave([date(2026, 3, 3), date(2026, 10, 10)])

    # then those days are off for the person only
    assert not person.is_workday(date(2026, 3, 3))
    assert not person.is_workday(date(2026, 10, 10))
    assert china.is_workday(date(2026, 3, 3))
    assert person.add_workdays(date(2026, 3, 2), 1) == date(2026, 3, 4)
    # and the public holidays still apply to the person
    assert not person.is_workday(date(2026, 10, 1))


def test_unknown_years_fall_back_to_the_plain_week(china):
    # given a year the installed package has no official data for
    unknown = max(china_known_years()) + 1

    # then the calendar says so, and treats it as Monday to Friday
    assert china.unknown_years(date(2026, 6, 1), date(unknown, 3, 1)) == [unknown]
    assert china.unknown_years(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert china.is_workday(date(unknown, 10, 1)) == (
        date(unknown, 10, 1).weekday() < 5
    )
    assert (
        WorkCalendar(china=False).unknown_years(date(2026, 1, 1), date(2040, 1, 1))
        == []
    )


def test_calendars_compare_by_their_rules():
    assert WorkCalendar() == WorkCalendar()
    assert WorkCalendar() != WorkCalendar(china=False)
    assert WorkCalendar().with_leave([date(2026, 3, 3)]) != WorkCalendar()
    assert len({WorkCalendar(), WorkCalendar()}) == 1


@pytest.mark.parametrize("weekend", [{7}, {-1}, set(range(7))])
def test_bad_weekends_are_refused(weekend):
    with pytest.raises(ValueError):
        WorkCalendar(weekend=weekend)
