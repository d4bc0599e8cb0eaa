"""Properties of the engine on random project networks (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from hypothesis import assume, given
from hypothesis import strategies as st

from rapport.scheduling import CycleError, Dependency, DepType, find_cycle, schedule
from tests.scheduling.strategies import (
    CALENDAR,
    SETTINGS,
    START,
    Network,
    networks,
    reference_early_starts,
    reference_late_starts,
    start_bound,
)

index = CALENDAR.index_of


def run(network: Network):
    return schedule(network.tasks, network.deps, CALENDAR, START)


@SETTINGS
@given(networks(fnlt=True))
def test_no_automatic_task_starts_before_its_predecessors_allow(network):
    # when any random network is scheduled
    result = run(network)
    durations = {t.id: t.duration for t in network.tasks}
    starts = {i: index(s.start) for i, s in result.tasks.items()}

    # then every dependency into an automatic task holds, and so do the start
    # of the project and "start no earlier than"
    for dep in network.deps:
        if not network.task(dep.successor).manual:
            bound = start_bound(dep, starts[dep.predecessor], durations)
            assert starts[dep.successor] >= bound, dep
    for task in network.tasks:
        if not task.manual:
            assert starts[task.id] >= index(START)
            if task.snet:
                assert starts[task.id] >= index(task.snet)


@SETTINGS
@given(networks(fnlt=True))
def test_automatic_tasks_start_as_early_as_allowed(network):
    result = run(network)

    reference = reference_early_starts(network)
    assert {i: index(s.early_start) for i, s in result.tasks.items()} == reference


@SETTINGS
@given(networks(manual=False, fnlt=True))
def test_late_starts_and_slack_match_a_reference(network):
    result = run(network)

    reference = reference_late_starts(network, index(result.project_finish))
    assert {i: index(s.late_start) for i, s in result.tasks.items()} == reference
    for planned in result.tasks.values():
        slack = index(planned.late_start) - index(planned.early_start)
        assert planned.total_slack == slack
        assert planned.critical == (slack <= 0)


@SETTINGS
@given(networks(fnlt=True))
def test_pinned_tasks_never_move(network):
    result = run(network)

    for task in network.tasks:
        if task.manual:
            assert result.tasks[task.id].start == task.start
            assert result.tasks[task.id].manual


@SETTINGS
@given(networks(fnlt=True))
def test_a_violated_dependency_of_a_pinned_task_is_always_warned(network):
    result = run(network)
    durations = {t.id: t.duration for t in network.tasks}
    warned = {w.task_id for w in result.warnings if w.code == "dependency_violated"}

    for task in network.tasks:
        if task.manual:
            bounds = [
                start_bound(dep, index(result.tasks[dep.predecessor].start), durations)
                for dep in network.deps
                if dep.successor == task.id
            ]
            violated = any(bound > index(task.start) for bound in bounds)
            assert violated == (task.id in warned)


@SETTINGS
@given(networks(manual=False))
def test_critical_tasks_have_zero_slack_and_early_never_after_late(network):
    result = run(network)

    for planned in result.tasks.values():
        assert planned.early_start <= planned.late_start
        assert planned.early_finish <= planned.late_finish
        assert 0 <= planned.free_slack <= planned.total_slack
        assert planned.critical == (planned.total_slack == 0)
    assert all(result.tasks[i].critical for i in result.critical_path)


@SETTINGS
@given(networks(manual=False, snet=False))
def test_the_critical_path_is_a_binding_chain_as_long_as_the_project(network):
    # given a network with no pinned tasks and no constraints
    result = run(network)
    durations = {t.id: t.duration for t in network.tasks}
    path = result.critical_path

    # then the path starts at the project start, each link is a dependency that
    # holds exactly, and its last task finishes when the project does
    assert index(result.tasks[path[0]].start) == index(START)
    length = 0
    for pred, succ in pairwise(path):
        gaps = [
            index(result.tasks[succ].start)
            - start_bound(dep, index(result.tasks[pred].start), durations)
            for dep in network.deps
            if (dep.predecessor, dep.successor) == (pred, succ)
        ]
        assert 0 in gaps
        length += index(result.tasks[succ].start) - index(result.tasks[pred].start)
    last = path[-1]
    length += max(durations[last], 1)
    assert result.tasks[last].finish == result.project_finish
    assert length == result.duration_days
    assert result.duration_days == CALENDAR.workdays_between(
        result.project_start, result.project_finish
    )


@SETTINGS
@given(networks(manual=False, snet=False), st.integers(1, 15), st.data())
def test_delaying_a_critical_task_delays_the_end_by_as_much(network, delay, data):
    # given a critical task of a network with any dependency types
    result = run(network)
    task_id = data.draw(st.sampled_from(sorted(result.critical_path)))
    start = result.tasks[task_id].start

    # when it may not start until `delay` working days later
    late_start = CALENDAR.add_workdays(start, delay)
    later = run(network.with_task(replace(network.task(task_id), snet=late_start)))

    # then the project ends exactly that many working days later
    assert index(later.project_finish) - index(result.project_finish) == delay


@SETTINGS
@given(networks(manual=False, snet=False, types=(DepType.FS,)), st.integers(1, 15))
def test_lengthening_a_critical_task_delays_the_end_by_as_much(network, delay):
    # given a critical task (not a milestone) of a finish-to-start network
    result = run(network)
    candidates = [i for i in result.critical_path if network.task(i).duration > 0]
    assume(candidates)
    task = network.task(candidates[0])

    # when its duration grows by `delay` working days
    longer = run(network.with_task(replace(task, duration=task.duration + delay)))

    # then the end moves by exactly that much
    assert index(longer.project_finish) - index(result.project_finish) == delay


@SETTINGS
@given(networks(manual=False, snet=False), st.data())
def test_slipping_within_slack(network, data):
    # given a task with slack in a network without pinned tasks or constraints
    result = run(network)
    slack = {i: s for i, s in result.tasks.items() if s.total_slack > 0}
    assume(slack)
    task_id = data.draw(st.sampled_from(sorted(slack)))
    planned = slack[task_id]

    # when it slips by its free slack, no other task moves
    free = CALENDAR.add_workdays(planned.start, planned.free_slack)
    moved = run(network.with_task(replace(network.task(task_id), snet=free)))
    for other, was in result.tasks.items():
        if other != task_id:
            assert moved.tasks[other].start == was.start

    # and when it slips by its total slack, the project end does not move
    total = CALENDAR.add_workdays(planned.start, planned.total_slack)
    moved = run(network.with_task(replace(network.task(task_id), snet=total)))
    assert moved.project_finish == result.project_finish
    assert moved.tasks[task_id].total_slack == 0


@SETTINGS
@given(networks(manual=False, snet=False, max_tasks=12), st.data())
def test_random_loops_are_found_and_named(network, data):
    # given random extra links, some of which may close a loop
    ids = [t.id for t in network.tasks]
    extra = data.draw(
        st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=6)
    )
    deps = network.deps + [Dependency(a, b) for a, b in extra if a != b]
    links = {(d.predecessor, d.successor) for d in deps}

    # when the engine looks for a loop
    loop = find_cycle(ids, deps)

    # then either there is none and scheduling works, or the named loop is real
    if loop is None:
        schedule(network.tasks, deps, CALENDAR, START)
        return
    assert len(set(loop)) == len(loop) >= 2
    assert all((a, b) in links for a, b in zip(loop, loop[1:] + loop[:1], strict=True))
    try:
        schedule(network.tasks, deps, CALENDAR, START)
    except CycleError as error:
        cycle = error.cycle
        assert all(
            (a, b) in links for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)
        )
    else:
        raise AssertionError("a network with a loop was scheduled")


@SETTINGS
@given(networks(snet=False), st.data())
def test_slipping_within_slack_breaks_no_pinned_task(network, data):
    # given a network with pinned tasks whose dependencies all hold
    result = run(network)
    assume(not result.warnings)
    slack = {
        i: s for i, s in result.tasks.items() if s.total_slack > 0 and not s.manual
    }
    assume(slack)
    task_id = data.draw(st.sampled_from(sorted(slack)))
    planned = slack[task_id]

    # when an automatic task slips by its total slack
    total = CALENDAR.add_workdays(planned.start, planned.total_slack)
    moved = run(network.with_task(replace(network.task(task_id), snet=total)))

    # then no pinned task's dependency is violated and the end stays
    assert moved.warnings == []
    assert moved.project_finish == result.project_finish
