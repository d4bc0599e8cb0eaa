"""Demo steps that other apps' records add after the CRM is written.

Each step is a module of this package with `load(builder) -> dict[str, int]`
(the counts it wrote) and `clear() -> None`. Steps run in order inside the demo's
transaction, after the CRM records exist, so a later step can read what an earlier
one wrote (messages follow the projects' story; the models learn from both).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

STEPS = (
    "rapport.demo.projects",
    "rapport.demo.messages",
    "rapport.demo.insight",
    "rapport.demo.models",
)


def load_steps(builder: Any) -> dict[str, Any]:
    """Run every step's `load`; return their counts merged."""
    counts: dict[str, Any] = {}
    for name in STEPS:
        counts.update(import_module(name).load(builder))
    return counts


def clear_steps() -> None:
    """Run every step's `clear`, the last step first."""
    for name in reversed(STEPS):
        import_module(name).clear()
