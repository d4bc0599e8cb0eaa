"""Example schedules for each dependency type, with lags, milestones and slack."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.scheduling import Dependency, DepType, Task, schedule
from tests.scheduling.conftest import MONDAY


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def test_finish_to_start_starts_the_working_day_after(plain):
    # given a five-day task followed by a three-day task
    tasks = [Task("a", 5), Task("b", 3)]

    # when it is scheduled from a Monday
    result = schedule(tasks, [Dependency("a", "b")], plain, MONDAY)

    # then b starts the next Monday and both are critical
    assert result.tasks["a"].finish == d(3, 6)
    assert result.tasks["b"].start == d(3, 9)
    assert result.tasks["b"].finish == d(3, 11)
    assert result.project_finish == d(3, 11)
    assert result.duration_days == 8
    assert result.critical_path == ["a", "b"]
    assert all(t.critical and t.total_slack == 0 for t in result.tasks.values())


@pytest.mark.parametrize(
    ("kind", "lag", "start", "finish"),
    [
        (DepType.FS, 0, d(3, 9), d(3, 11)),
        (DepType.FS, 2, d(3, 11), d(3, 13)),
        (DepType.FS, -2, d(3, 5), d(3, 9)),
        (DepType.SS, 0, d(3, 2), d(3, 4)),
        (DepType.SS, 3, d(3, 5), d(3, 9)),
        (DepType.FF, 0, d(3, 4), d(3, 6)),
        (DepType.FF, 1, d(3, 5), d(3, 9)),
        (DepType.SF, 0, d(3, 2), d(3, 4)),
        (DepType.SF, 4, d(3, 4), d(3, 6)),
    ],
)
def test_each_type_and_lag(plain, kind, lag, start, finish):
    # given a five-day predecessor on Monday 2 March and a three-day successor
    tasks = [Task("p", 5), Task("s", 3)]

    # when they are linked by the dependency type and lag
    result = schedule(tasks, [Dependency("p", "s", kind, lag)], plain, MONDAY)

    # then the successor lands where the rule puts it (never before the start)
    assert (result.tasks["s"].start, result.tasks["s"].finish) == (start, finish)


def test_start_to_finish_with_a_long_predecessor_and_a_later_start(plain):
    # given the predecessor starts on Wednesday 11 March (SNET)
    tasks = [Task("p", 2, snet=d(3, 11)), Task("s", 3)]

    # when the successor must finish once the predecessor has started
    result = schedule(tasks, [Dependency("p", "s", DepType.SF)], plain, MONDAY)

    # then the successor finishes on that Wednesday
    assert result.tasks["s"].finish == d(3, 11)
    assert result.tasks["s"].start == d(3, 9)


def test_a_milestone_takes_no_time(plain):
    # given design, a milestone "design approved", then build
    tasks = [Task("design", 5), Task("approved", 0), Task("build", 2)]
    deps = [Dependency("design", "approved"), Dependency("approved", "build")]

    # when scheduled
    result = schedule(tasks, deps, plain, MONDAY)

    # then the milestone sits on the first day after design, and build starts then
    assert result.tasks["approved"].start == d(3, 9)
    assert result.tasks["approved"].finish == d(3, 9)
    assert result.tasks["build"].start == d(3, 9)
    assert result.critical_path == ["design", "approved", "build"]


def test_slack_of_a_parallel_branch(plain):
    # given a long branch and a short branch joining at the end
    tasks = [Task("long", 10), Task("short", 4), Task("end", 1)]
    deps = [Dependency("long", "end"), Dependency("short", "end")]

    # when scheduled
    result = schedule(tasks, deps, plain, MONDAY)

    # then the short branch has six days of total and free slack
    short = result.tasks["short"]
    assert (short.total_slack, short.free_slack, short.critical) == (6, 6, False)
    assert short.late_start == d(3, 10)
    assert short.late_finish == d(3, 13)
    assert result.critical_path == ["long", "end"]


def test_free_slack_is_less_than_total_when_a_successor_has_slack(plain):
    # given a -> b on a short branch beside a long task
    tasks = [Task("a", 2), Task("b", 2), Task("long", 10)]
    deps = [Dependency("a", "b")]

    # when scheduled
    result = schedule(tasks, deps, plain, MONDAY)

    # then a cannot slip without moving b, though the branch has slack
    assert result.tasks["a"].free_slack == 0
    assert result.tasks["a"].total_slack == 6
    assert result.tasks["b"].free_slack == 6


def test_automatic_tasks_move_earlier_when_a_predecessor_shrinks(plain):
    # given a schedule, then the predecessor gets shorter
    before = schedule(
        [Task("a", 5), Task("b", 3)], [Dependency("a", "b")], plain, MONDAY
    )

    # when rescheduled
    after = schedule(
        [Task("a", 2), Task("b", 3)], [Dependency("a", "b")], plain, MONDAY
    )

    # then b moves earlier
    assert after.tasks["b"].start == d(3, 4)
    assert after.tasks["b"].start < before.tasks["b"].start


def test_start_no_earlier_than(plain):
    # given a task that may not start before Wednesday 4 March
    result = schedule([Task("a", 2, snet=d(3, 4))], [], plain, MONDAY)

    # then it starts on that day
    assert result.tasks["a"].start == d(3, 4)


def test_start_no_earlier_than_on_a_weekend_starts_the_next_workday(plain):
    result = schedule([Task("a", 2, snet=d(3, 7))], [], plain, MONDAY)

    assert result.tasks["a"].start == d(3, 9)


def test_finish_no_later_than_that_holds_gives_slack_to_the_deadline(plain):
    # given a task due by Friday 13 March beside a longer task
    tasks = [Task("a", 3, fnlt=d(3, 13)), Task("b", 20)]

    # when scheduled
    result = schedule(tasks, [], plain, MONDAY)

    # then its late finish is the deadline and no warning is given
    assert result.tasks["a"].late_finish == d(3, 13)
    assert result.tasks["a"].total_slack == 7
    assert result.warnings == []


def test_finish_no_later_than_that_is_missed_reports_negative_slack(plain):
    # given a chain that cannot finish by its deadline
    tasks = [Task("a", 5), Task("b", 5, fnlt=d(3, 11))]

    # when scheduled
    result = schedule(tasks, [Dependency("a", "b")], plain, MONDAY)

    # then b keeps its early dates, is critical with negative slack and warned
    assert result.tasks["b"].finish == d(3, 13)
    assert result.tasks["b"].total_slack == -2
    assert result.tasks["a"].total_slack == -2
    assert result.tasks["b"].critical
    [warning] = result.warnings
    assert (warning.code, warning.task_id, warning.slack) == (
        "constraint_violated",
        "b",
        -2,
    )
    assert warning.required == d(3, 11)


def test_manual_task_stays_pinned_and_warns(plain):
    # given a manual task pinned before its predecessor finishes
    tasks = [Task("a", 5), Task("b", 2, manual=True, start=d(3, 4))]

    # when scheduled
    result = schedule(tasks, [Dependency("a", "b")], plain, MONDAY)

    # then it stays pinned and a warning names the dependency
    assert result.tasks["b"].start == d(3, 4)
    assert result.tasks["b"].manual
    [warning] = result.warnings
    assert warning.code == "dependency_violated"
    assert (warning.task_id, warning.predecessor_id) == ("b", "a")
    assert warning.required == d(3, 9)
    assert "a" in warning.detail and "b" in warning.detail


def test_manual_task_that_respects_its_dependency_gives_no_warning(plain):
    tasks = [Task("a", 2), Task("b", 2, manual=True, start=d(3, 16))]

    result = schedule(tasks, [Dependency("a", "b")], plain, MONDAY)

    assert result.tasks["b"].start == d(3, 16)
    assert result.warnings == []
    # a may slip until the day before b's pinned start without a violation
    assert result.tasks["a"].late_finish == d(3, 13)


def test_project_start_on_a_weekend_starts_on_monday(plain):
    result = schedule([Task("a", 1)], [], plain, date(2026, 2, 28))

    assert result.project_start == MONDAY
    assert result.tasks["a"].start == MONDAY


def test_an_empty_project(plain):
    result = schedule([], [], plain, MONDAY)

    assert result.tasks == {}
    assert result.critical_path == []
    assert (result.project_finish, result.duration_days) == (MONDAY, 0)


def test_a_pinned_successor_limits_its_predecessors_slack(plain):
    # given a -> b where b is pinned to Monday 9 March, beside a long task
    tasks = [Task("a", 2), Task("b", 2, manual=True, start=d(3, 9)), Task("c", 20)]

    # when scheduled
    result = schedule(tasks, [Dependency("a", "b")], plain, MONDAY)

    # then a may slip only until b's pinned start, though b itself has slack
    assert result.tasks["a"].late_finish == d(3, 6)
    assert result.tasks["a"].total_slack == 3
    assert result.tasks["b"].total_slack == 13


def test_a_task_pinned_to_a_holiday_starts_the_next_workday_with_a_warning(china):
    # given a manual task pinned to the national day (a later holiday, say)
    tasks = [Task("a", 2, manual=True, start=date(2026, 10, 1))]

    # when scheduled
    result = schedule(tasks, [], china, date(2026, 9, 28))

    # then it starts on the first working day after and says why
    assert result.tasks["a"].start == date(2026, 10, 8)
    [warning] = result.warnings
    assert (warning.code, warning.required) == ("start_not_workday", date(2026, 10, 8))


def test_slack_years_negative_still_gives_true_late_dates(china):
    # given a chain of 2,000 working days that is due within a week
    deadline = date(2026, 3, 6)
    tasks = [Task("a", 1000), Task("b", 1000, fnlt=deadline)]

    # when scheduled
    result = schedule(tasks, [Dependency("a", "b")], china, MONDAY)

    # then the late dates lie years before the start, and agree with the slack
    a, b = result.tasks["a"], result.tasks["b"]
    assert b.late_finish == deadline
    assert b.total_slack == a.total_slack == -(2000 - 5)
    assert china.workdays_between(a.late_start, a.early_start) - 1 == 2000 - 5
    assert a.late_start.year <= 2019
