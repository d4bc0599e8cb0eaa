"""The dependency network as integer adjacency lists: order and loops."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rapport.scheduling.model import Dependency

# Per task, the (other task, weight) pairs of its links in one direction.
Adjacency = list[list[tuple[int, int]]]


def topological_order(waiting: list[int], succs: Adjacency) -> list[int]:
    """Kahn's order, given each task's predecessor count (which it uses up).

    Shorter than the task count when some tasks sit on a loop.
    """
    order = [i for i, count in enumerate(waiting) if not count]
    for i in order:  # the list grows while it is read
        for j, _weight in succs[i]:
            waiting[j] -= 1
            if not waiting[j]:
                order.append(j)
    return order


def loop_among(succs: Adjacency, placed: Iterable[int]) -> list[int]:
    """A loop among the tasks Kahn's order could not place, in dependency order."""
    # Every unplaced task has an unplaced predecessor, so walking predecessors
    # from any unplaced task must come back to one already walked: a loop.
    done = set(placed)
    pred_left: dict[int, int] = {}
    for i, edges in enumerate(succs):
        if i not in done:
            for j, _weight in edges:
                if j not in done:
                    pred_left[j] = i
    node = next(iter(pred_left))
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = pred_left[node]
    loop = walk[seen[node] :]
    loop.reverse()  # the walk went against the dependencies
    return loop


def find_cycle(
    task_ids: Iterable[Any], dependencies: Iterable[Dependency]
) -> list[Any] | None:
    """A loop in the dependencies, in order (first id not repeated), or None."""
    index: dict[Any, int] = {}
    links = [(d.predecessor, d.successor) for d in dependencies]
    for task_id in [*task_ids, *(task_id for link in links for task_id in link)]:
        index.setdefault(task_id, len(index))
    waiting = [0] * len(index)
    succs: Adjacency = [[] for _ in index]
    for pred, succ in links:
        waiting[index[succ]] += 1
        succs[index[pred]].append((index[succ], 0))
    order = topological_order(waiting, succs)
    if len(order) == len(index):
        return None
    ids = list(index)
    return [ids[i] for i in loop_among(succs, order)]
