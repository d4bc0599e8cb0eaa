"""Demo models: the predictive models trained on the demo company and its scores."""

from __future__ import annotations

from typing import Any


def load(builder: Any) -> dict[str, int]:
    """Write this step's demo records; return what was written, by kind."""
    return {}


def clear() -> None:
    """Delete this step's demo records."""
