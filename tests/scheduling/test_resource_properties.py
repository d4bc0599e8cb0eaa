"""Properties of weekly load and fixes on random projects and bookings."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from rapport.scheduling import (
    Booking,
    overallocations,
    schedule,
    spare_capacity,
    suggest_fixes,
    weekly_load,
)
from tests.scheduling.strategies import CALENDAR, SETTINGS, START, networks

PEOPLE = ["li", "wang", "zhao"]


@st.composite
def booked_projects(draw: st.DrawFn):
    network = draw(networks(snet=False))
    bookings = [
        Booking(
            task.id,
            draw(st.sampled_from(PEOPLE)),
            draw(st.sampled_from([0.25, 0.5, 1.0])),
            draw(st.sampled_from([4.0, 8.0])),
        )
        for task in network.tasks
        if draw(st.booleans())
    ]
    result = schedule(network.tasks, network.deps, CALENDAR, START)
    return network, bookings, result


@SETTINGS
@given(booked_projects())
def test_every_booked_hour_lands_in_exactly_one_week(project):
    network, bookings, result = project

    load = weekly_load(bookings, result, {}, {})

    expected = sum(b.daily_hours * network.task(b.task_id).duration for b in bookings)
    booked = sum(hours for weeks in load.values() for hours, _cap in weeks.values())
    assert abs(booked - expected) < 1e-6


@SETTINGS
@given(booked_projects())
def test_overallocations_are_exactly_the_weeks_over_capacity(project):
    _network, bookings, result = project
    capacity = {"li": 8.0, "wang": 6.0}

    load = weekly_load(bookings, result, {}, capacity)
    found = overallocations(bookings, result, {}, capacity)

    over = {(o.person_id, o.week) for o in found}
    assert over == {
        (person, week)
        for person, weeks in load.items()
        for week, (hours, cap) in weeks.items()
        if hours > cap + 1e-6
    }
    assert all(o.task_ids for o in found)


@SETTINGS
@given(booked_projects())
def test_fixes_never_move_a_critical_task_and_stay_within_slack(project):
    _network, bookings, result = project
    load = weekly_load(bookings, result, {}, {})
    spare = spare_capacity(load)
    skills = {person: ["any"] for person in PEOPLE}

    for over in overallocations(bookings, result, {}, {}):
        for fix in suggest_fixes(over, result, bookings, skills, {}, spare):
            planned = result.tasks[fix.task_id]
            assert fix.task_id in over.task_ids
            if fix.kind == "move_within_slack":
                assert not planned.critical
                assert fix.days is not None and 0 < fix.days <= planned.total_slack
                assert fix.new_start is not None
                assert fix.new_start > over.week + timedelta(days=6)
            else:
                assert fix.kind == "reassign"
                assert fix.to_person != over.person_id
                assert spare[fix.to_person][over.week] >= fix.hours - 1e-6
