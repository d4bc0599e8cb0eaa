"""Every projects write and business rule; pages, API, jobs and consumers call these.

Each public function checks the actor's permission, validates, writes in one
transaction with its audit entry and event, and asks for a reschedule when the
plan changed. The functions live in modules by aggregate and are all importable
from here.
"""

from rapport.projects.services.plan import (
    create_assignment,
    create_dependency,
    create_task,
    create_time_entry,
    delete_assignment,
    delete_dependency,
    delete_task,
    delete_time_entry,
    update_assignment,
    update_dependency,
    update_task,
    update_time_entry,
)
from rapport.projects.services.progress import (
    assess_risk,
    snapshot_open_projects,
    take_snapshot,
)
from rapport.projects.services.projects import (
    create_phase,
    create_project,
    create_project_from_deal,
    delete_phase,
    delete_project,
    ensure_default_templates,
    set_customer_risk,
    update_phase,
    update_project,
)
from rapport.projects.services.resources import (
    create_calendar,
    create_leave,
    create_skill,
    delete_calendar,
    delete_calendar_day,
    delete_leave,
    save_resource_profile,
    set_calendar_day,
    update_calendar,
    update_leave,
    update_skill,
)
from rapport.projects.services.schedule import (
    move_task,
    request_reschedule,
    reschedule,
    reschedule_now,
    reschedule_requested,
    save_baseline,
    what_if,
)

__all__ = [
    "assess_risk",
    "create_assignment",
    "create_calendar",
    "create_dependency",
    "create_leave",
    "create_phase",
    "create_project",
    "create_project_from_deal",
    "create_skill",
    "create_task",
    "create_time_entry",
    "delete_assignment",
    "delete_calendar",
    "delete_calendar_day",
    "delete_dependency",
    "delete_leave",
    "delete_phase",
    "delete_project",
    "delete_task",
    "delete_time_entry",
    "ensure_default_templates",
    "move_task",
    "request_reschedule",
    "reschedule",
    "reschedule_now",
    "reschedule_requested",
    "save_baseline",
    "save_resource_profile",
    "set_calendar_day",
    "set_customer_risk",
    "snapshot_open_projects",
    "take_snapshot",
    "update_assignment",
    "update_calendar",
    "update_dependency",
    "update_leave",
    "update_phase",
    "update_project",
    "update_skill",
    "update_task",
    "update_time_entry",
    "what_if",
]
