"""What the projects app adds to the shared registries at start-up: permissions."""

from __future__ import annotations

from rapport.core.permissions import ALL_ACTIONS, READ_ONLY, Role
from rapport.core.registry import extend_permissions

# Kinds that live inside a project: their scope is the project's.
PROJECT_KINDS = (
    "projects.project",
    "projects.phase",
    "projects.task",
    "projects.dependency",
    "projects.assignment",
    "projects.timeentry",
    "projects.baseline",
    "projects.progresssnapshot",
    "projects.reschedulerun",
    "projects.schedulerisk",
)
# Kinds shared by every project.
SHARED_KINDS = (
    "projects.calendar",
    "projects.skill",
    "projects.projecttemplate",
)
# Kinds about people: their scope is the person's team.
PEOPLE_KINDS = ("projects.resourceprofile", "projects.leave")
ALL_KINDS = PROJECT_KINDS + SHARED_KINDS + PEOPLE_KINDS


def _grant(
    kinds: tuple[str, ...], actions: frozenset[str]
) -> dict[str, frozenset[str]]:
    return {kind: actions for kind in kinds}


def register() -> None:
    """Grant each role its actions on the projects kinds (harmless to repeat).

    Project managers run projects in their team: every action. Sales managers,
    executives and finance read them (finance also sees cost and margin);
    sales reps read the projects they own; support reads and logs time.
    """
    read_all = _grant(ALL_KINDS, READ_ONLY)
    extend_permissions(
        {
            Role.PROJECT_MANAGER: _grant(ALL_KINDS, ALL_ACTIONS),
            Role.ADMIN: _grant(ALL_KINDS, ALL_ACTIONS),
            Role.SALES_MANAGER: read_all,
            Role.EXECUTIVE: read_all,
            Role.FINANCE: read_all,
            Role.SALES_REP: read_all,
            Role.SUPPORT: read_all
            | {"projects.timeentry": frozenset({"view", "add", "change"})},
        }
    )
