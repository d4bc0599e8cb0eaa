"""Weekly load per person, over-allocation and the fixes suggested for it."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.scheduling import (
    Booking,
    Dependency,
    Task,
    overallocations,
    schedule,
    spare_capacity,
    suggest_fixes,
    weekly_load,
)
from tests.scheduling.conftest import MONDAY

WEEK1, WEEK2, WEEK3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)


@pytest.fixture
def project(plain):
    """Critical design -> build; a parallel review and a short note with slack."""
    tasks = [
        Task("design", 5),
        Task("build", 10),
        Task("review", 3),
        Task("note", 2),
        Task("done", 0),
    ]
    deps = [Dependency("design", "build"), Dependency("build", "done")]
    return schedule(tasks, deps, plain, MONDAY)


@pytest.fixture
def bookings():
    return [
        Booking("design", "li", 1.0, 8.0),
        Booking("review", "li", 0.5, 8.0),
        Booking("note", "li", 1.0, 8.0),
        Booking("build", "wang", 0.5, 8.0),
        Booking("done", "li", 1.0, 8.0),
    ]


def test_weekly_load_adds_bookings_per_working_day(plain, project, bookings):
    # when the load of the project is measured
    load = weekly_load(bookings, project, {"li": plain, "wang": plain}, {"li": 8.0})

    # then li carries design (40 h), half of review (12 h) and note (16 h) in
    # week one, and the milestone books nothing
    assert load["li"][WEEK1] == (68.0, 40.0)
    assert load["li"][WEEK2] == (0.0, 40.0)
    assert load["wang"][WEEK2] == (20.0, 40.0)
    assert load["wang"][WEEK3] == (20.0, 40.0)
    # every week of the project is listed, up to the milestone on Monday 23 March
    assert sorted(load["wang"]) == [WEEK1, WEEK2, WEEK3, date(2026, 3, 23)]


def test_leave_and_holidays_reduce_capacity(plain, project, bookings):
    # given li is off on Tuesday and Wednesday of week one
    li = plain.with_leave([date(2026, 3, 3), date(2026, 3, 4)])

    load = weekly_load(bookings, project, {"li": li}, {"li": 6.0})

    assert load["li"][WEEK1] == (68.0, 18.0)
    assert load["li"][WEEK2] == (0.0, 30.0)


def test_overallocations_name_person_week_and_tasks(plain, project, bookings):
    found = overallocations(bookings, project, {"li": plain, "wang": plain}, {})

    [over] = found
    assert (over.person_id, over.week) == ("li", WEEK1)
    assert (over.booked, over.capacity, over.excess) == (68.0, 40.0, 28.0)
    assert sorted(over.task_ids) == ["design", "note", "review"]


def test_fixes_move_non_critical_tasks_and_reassign_to_a_skilled_person(
    plain, project, bookings
):
    # given li is overloaded in week one; zhao knows design and is free, chen
    # has the skill but no time, and wang is busy with build
    calendars = {"li": plain, "wang": plain, "zhao": plain, "chen": plain}
    load = weekly_load(bookings, project, calendars, {"chen": 1.0})
    [over] = overallocations(bookings, project, calendars, {})
    skills = {
        "li": ["design"],
        "wang": ["build"],
        "zhao": ["design", "review"],
        "chen": ["design"],
    }
    task_skill = {"design": "design", "review": "review", "note": None}

    # when fixes are suggested
    fixes = suggest_fixes(
        over, project, bookings, skills, task_skill, spare_capacity(load)
    )

    # then the non-critical review and note move into week two within slack
    moves = {f.task_id: f for f in fixes if f.kind == "move_within_slack"}
    assert set(moves) == {"review", "note"}
    assert moves["note"].new_start == WEEK2
    assert moves["note"].days == 5
    assert moves["review"].hours == 12.0
    assert not moves["note"].moves_successors
    # and design, which is critical, is never moved but handed to zhao
    assert project.tasks["design"].critical
    reassign = [f for f in fixes if f.kind == "reassign"]
    assert ("design", "li", "zhao") in {
        (f.task_id, f.from_person, f.to_person) for f in reassign
    }
    assert all(f.to_person != "chen" for f in reassign)
    assert all(f.task_id != "design" for f in moves.values())


def test_no_move_when_the_slack_is_too_small(plain):
    # given a task with one day of slack in an overloaded week
    tasks = [Task("long", 5), Task("short", 4)]
    result = schedule(tasks, [], plain, MONDAY)
    bookings = [Booking("long", "li"), Booking("short", "li")]
    [over] = overallocations(bookings, result, {"li": plain}, {})

    # then no move is offered and, with nobody else, no fix at all
    assert suggest_fixes(over, result, bookings, {}, {}, {}) == []


def test_a_move_that_uses_total_slack_says_it_moves_successors(plain):
    # given note -> tidy, both with slack beside a long task
    tasks = [Task("long", 15), Task("note", 2), Task("tidy", 1), Task("extra", 5)]
    result = schedule(tasks, [Dependency("note", "tidy")], plain, MONDAY)
    bookings = [Booking("note", "li"), Booking("extra", "li")]
    [over] = overallocations(bookings, result, {"li": plain}, {})

    fixes = suggest_fixes(over, result, bookings, {}, {}, {})

    note = next(f for f in fixes if f.task_id == "note")
    assert note.moves_successors
    assert next(f for f in fixes if f.task_id == "extra").moves_successors is False


@pytest.mark.parametrize("share", [0, -0.5, 1.5])
def test_a_booking_share_must_be_a_fraction_of_a_day(share):
    with pytest.raises(ValueError):
        Booking("a", "li", share)
