"""The projects' records, split by aggregate: templates, plans, resources, tracking."""

from rapport.projects.models.plan import (
    Dependency,
    DependencyType,
    Phase,
    Project,
    Task,
)
from rapport.projects.models.resources import (
    Assignment,
    Calendar,
    CalendarDay,
    Leave,
    ResourceProfile,
    Skill,
    TimeEntry,
)
from rapport.projects.models.templates import (
    ProjectTemplate,
    TemplateDependency,
    TemplatePhase,
    TemplateTask,
)
from rapport.projects.models.tracking import (
    Baseline,
    BaselineTask,
    ProgressSnapshot,
    RescheduleRun,
    ScheduleRisk,
    TaskMove,
)

__all__ = [
    "Assignment",
    "Baseline",
    "BaselineTask",
    "Calendar",
    "CalendarDay",
    "Dependency",
    "DependencyType",
    "Leave",
    "Phase",
    "ProgressSnapshot",
    "Project",
    "ProjectTemplate",
    "RescheduleRun",
    "ResourceProfile",
    "ScheduleRisk",
    "Skill",
    "Task",
    "TaskMove",
    "TemplateDependency",
    "TemplatePhase",
    "TemplateTask",
    "TimeEntry",
]
