"""Bad input is refused with a stable code and a message naming the task."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.scheduling import (
    CycleError,
    Dependency,
    DepType,
    ScheduleInputError,
    Task,
    diff_schedules,
    find_cycle,
    schedule,
)
from tests.scheduling.conftest import MONDAY


def refused(tasks, deps, calendar) -> ScheduleInputError:
    with pytest.raises(ScheduleInputError) as caught:
        schedule(tasks, deps, calendar, MONDAY)
    return caught.value


def test_negative_duration(plain):
    error = refused([Task(1, 2), Task(2, -1)], [], plain)

    assert (error.code, error.task_id) == ("negative_duration", 2)
    assert "negative" in str(error)
    assert isinstance(error, ValueError)


def test_fractional_duration(plain):
    error = refused([Task(1, 1.5)], [], plain)  # type: ignore[arg-type]

    assert error.code == "duration_invalid"


def test_duplicate_task_ids(plain):
    error = refused([Task(1, 2), Task(1, 3)], [], plain)

    assert (error.code, error.task_id) == ("duplicate_task", 1)


def test_unknown_task_in_a_dependency(plain):
    error = refused([Task(1, 2)], [Dependency(1, 99)], plain)

    assert (error.code, error.task_id) == ("unknown_task", 99)
    assert "99" in str(error)


def test_self_dependency(plain):
    error = refused([Task(1, 2)], [Dependency(1, 1)], plain)

    assert (error.code, error.task_id) == ("self_dependency", 1)


def test_manual_task_without_a_start(plain):
    error = refused([Task(1, 2, manual=True)], [], plain)

    assert (error.code, error.task_id) == ("manual_without_start", 1)


@pytest.mark.parametrize("lag", [2001, -2001, 10**6])
def test_lag_beyond_two_thousand_days(lag):
    with pytest.raises(ValueError) as caught:
        Dependency(1, 2, DepType.FS, lag)

    assert caught.value.code == "lag_out_of_range"  # type: ignore[attr-defined]


@pytest.mark.parametrize("lag", [2000, -2000])
def test_lag_of_two_thousand_days_is_accepted(plain, lag):
    result = schedule(
        [Task(1, 1), Task(2, 1)], [Dependency(1, 2, lag=lag)], plain, MONDAY
    )

    assert result.tasks[2].start >= MONDAY


def test_unknown_dependency_type():
    with pytest.raises(ValueError) as caught:
        Dependency(1, 2, "XX")  # type: ignore[arg-type]

    assert caught.value.code == "dependency_type"  # type: ignore[attr-defined]


def test_dependency_type_from_its_string_value():
    assert Dependency(1, 2, "SF").type is DepType.SF  # type: ignore[arg-type]


def test_a_loop_is_named_in_order(plain):
    # given 3 -> 7 -> 5 -> 3 beside a harmless task
    tasks = [Task(i, 1) for i in (1, 3, 5, 7)]
    deps = [Dependency(1, 3), Dependency(3, 7), Dependency(7, 5), Dependency(5, 3)]

    # when scheduled
    with pytest.raises(CycleError) as caught:
        schedule(tasks, deps, plain, MONDAY)

    # then the error names the loop, each link a real dependency
    error = caught.value
    assert error.code == "dependency_cycle"
    assert sorted(error.cycle) == [3, 5, 7]
    start = error.cycle.index(3)
    assert error.cycle[start:] + error.cycle[:start] == [3, 7, 5]
    assert str(error) == "Dependencies form a loop: " + " → ".join(
        str(i) for i in [*error.cycle, error.cycle[0]]
    )


def test_find_cycle_refuses_a_new_dependency_before_saving():
    deps = [Dependency("a", "b"), Dependency("b", "c")]

    assert find_cycle(["a", "b", "c"], deps) is None
    loop = find_cycle(["a", "b", "c"], [*deps, Dependency("c", "a")])
    assert loop is not None and sorted(loop) == ["a", "b", "c"]
    assert find_cycle(["a"], [Dependency("a", "a")]) == ["a"]


def test_diff_lists_only_the_tasks_that_moved(plain):
    # given a chain with a parallel task
    tasks = [Task("a", 2), Task("b", 2), Task("c", 1)]
    deps = [Dependency("a", "b")]
    before = schedule(tasks, deps, plain, MONDAY)

    # when the first task grows by three days
    after = schedule([Task("a", 5), *tasks[1:]], deps, plain, MONDAY)

    # then a (finish) and b (both dates) moved, c did not
    moves = {move.task_id: move for move in diff_schedules(before, after)}
    assert set(moves) == {"a", "b"}
    assert moves["a"].old_finish == date(2026, 3, 3)
    assert moves["a"].new_finish == date(2026, 3, 6)
    assert (moves["b"].old_start, moves["b"].new_start) == (
        date(2026, 3, 4),
        date(2026, 3, 9),
    )
    assert moves["b"].days == 5
    assert diff_schedules(after, after) == []
