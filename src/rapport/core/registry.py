"""Extension points that let an app add to pages and rules it does not own.

`core` imports no app, so apps register themselves here at start-up (from their
`AppConfig.ready`): the permissions their kinds of record need, their entries in
the side navigation, and panels on another app's record pages. This is how the
projects, messages and AI output reach the CRM pages without the CRM importing
those apps (DESIGN.md, "Import contract").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest
    from django.utils.functional import Promise


def extend_permissions(grants: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
    """Grant roles actions on an app's kinds: `{role: {"app.model": {"view"}}}`.

    Grants add to what a role may already do; calling twice with the same grant is
    harmless, so `ready()` may run more than once in tests.
    """
    from rapport.core.permissions import PERMISSIONS

    for role, kinds in grants.items():
        table = PERMISSIONS.setdefault(role, {})
        for kind, actions in kinds.items():
            table[kind] = frozenset(table.get(kind, frozenset()) | set(actions))


@dataclass(frozen=True)
class NavEntry:
    """A link in the side navigation, shown only to users who may view `kind`."""

    group: str | Promise
    label: str | Promise
    url_name: str
    kind: str = ""
    order: int = 100


_NAV: dict[str, NavEntry] = {}


def register_nav(*entries: NavEntry) -> None:
    """Add links to the side navigation (keyed by URL name, so repeats replace)."""
    for entry in entries:
        _NAV[entry.url_name] = entry


def nav_entries() -> list[NavEntry]:
    return sorted(_NAV.values(), key=lambda e: (e.order, str(e.label)))


PanelRenderer = Callable[["HttpRequest", "Model"], str | None]


@dataclass(frozen=True)
class Panel:
    """A block of HTML on the record page of `kind`, drawn by another app.

    `render` gets the request and the record and returns safe HTML (usually from
    `render_to_string`) or None to show nothing. It must check the viewer's own
    permissions on what it shows and stay cheap: a few indexed queries.
    """

    kind: str
    name: str
    render: PanelRenderer
    order: int = 100
    column: str = "side"  # "main" under the fields, "side" beside the timeline


_PANELS: dict[tuple[str, str], Panel] = {}


def register_panel(panel: Panel) -> None:
    """Show `panel` on every record page of its kind (repeats replace)."""
    _PANELS[(panel.kind, panel.name)] = panel


def panels_for(kind: str, column: str | None = None) -> list[Panel]:
    found = [p for (k, _), p in _PANELS.items() if k == kind]
    if column is not None:
        found = [p for p in found if p.column == column]
    return sorted(found, key=lambda p: (p.order, p.name))


def render_panels(
    request: HttpRequest, record: Model, column: str | None = None
) -> list[str]:
    """The HTML of every panel registered for the record's kind, in order."""
    kind = record._meta.label_lower
    html = (panel.render(request, record) for panel in panels_for(kind, column))
    return [part for part in html if part]


def clear_for_tests(kind: str, name: str) -> Any:
    """Remove one panel (tests that register a temporary panel call this)."""
    return _PANELS.pop((kind, name), None)
