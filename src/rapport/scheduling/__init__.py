"""The scheduling engine: working calendars, the critical path, resource load.

Plain Python with no Django imports: the projects app feeds it tasks and
dependencies and stores what it computes; the benchmarks and property tests call
it directly.
"""
