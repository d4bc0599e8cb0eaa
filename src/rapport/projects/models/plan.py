"""A project's plan: the project, its phases, its tasks and their dependencies."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core.models import ScopedModel, TimeStampedModel
from rapport.projects.models.templates import MAX_LAG, DependencyType

__all__ = ["Dependency", "DependencyType", "Phase", "Project", "Task"]


class Project(ScopedModel):
    """Work sold to a company: its owner is the project manager, its team the deal's."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", pgettext_lazy("project status", "Active")
        ON_HOLD = "on_hold", _("On hold")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")

    class DelayCause(models.TextChoices):
        NONE = "", _("None")
        OVERLOAD = "overload", _("An overloaded person")
        LATE_PREDECESSOR = "late_predecessor", _("A late predecessor")
        SCOPE_CHANGE = "scope_change", _("The customer changed the scope")

    OPEN_STATUSES = (Status.PLANNING, Status.ACTIVE, Status.ON_HOLD)

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=30, unique=True)
    description = models.TextField(_("description"), blank=True)
    company = models.ForeignKey(
        "crm.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    deal = models.OneToOneField(
        "crm.Deal",
        verbose_name=_("deal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project",
    )
    template = models.ForeignKey(
        "projects.ProjectTemplate",
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    contract_value = models.DecimalField(
        _("contract value"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNING
    )
    start_date = models.DateField(_("start"))
    calendar = models.ForeignKey(
        "projects.Calendar",
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    customer_risk = models.CharField(
        _("customer risk"), max_length=8, choices=Risk.choices, default=Risk.NORMAL
    )
    delay_cause = models.CharField(
        _("cause of delay"),
        max_length=20,
        choices=DelayCause.choices,
        default=DelayCause.NONE,
        blank=True,
    )
    # Written by the reschedule, never by a caller.
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    forecast_finish = models.DateField(_("forecast finish"), null=True, blank=True)
    critical_path_days = models.IntegerField(
        _("critical path (working days)"), null=True, blank=True
    )
    last_scheduled_at = models.DateTimeField(_("scheduled"), null=True, blank=True)
    schedule_error = models.TextField(_("schedule error"), blank=True)
    schedule_warnings = models.JSONField(
        _("schedule warnings"), default=list, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
            models.Index(fields=["team", "-updated_at"]),
            models.Index(fields=["status", "-id"]),
            models.Index(fields=["company", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Phase(TimeStampedModel):
    """A stage of a project that groups its tasks (design, build, go-live)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["project", "position", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.name


class Task(TimeStampedModel):
    """A piece of work with a duration in working days; its dates come from the plan.

    The schedule fields (start, finish, early and late dates, slack, critical)
    are computed by the reschedule and written in bulk; they never change the
    task's version, so saving a schedule does not invalidate anyone's edit.
    """

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    class Scheduling(models.TextChoices):
        AUTO = "auto", _("Automatic")
        MANUAL = "manual", _("Manual (pinned)")

    class Constraint(models.TextChoices):
        NONE = "", _("None")
        SNET = "snet", _("Start no earlier than")
        FNLT = "fnlt", _("Finish no later than")

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    duration_days = models.IntegerField(
        _("duration (working days)"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("% complete"), default=0, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.TODO
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    scheduling = models.CharField(
        _("scheduling"),
        max_length=6,
        choices=Scheduling.choices,
        default=Scheduling.AUTO,
    )
    pinned_start = models.DateField(_("pinned start"), null=True, blank=True)
    constraint = models.CharField(
        _("constraint"),
        max_length=4,
        choices=Constraint.choices,
        default=Constraint.NONE,
        blank=True,
    )
    constraint_date = models.DateField(_("constraint date"), null=True, blank=True)
    required_skill = models.ForeignKey(
        "projects.Skill",
        verbose_name=_("required skill"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_milestone = models.BooleanField(_("milestone"), default=False)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)

    # Computed by the reschedule.
    start = models.DateField(_("start"), null=True, blank=True)
    finish = models.DateField(_("finish"), null=True, blank=True)
    early_start = models.DateField(_("early start"), null=True, blank=True)
    early_finish = models.DateField(_("early finish"), null=True, blank=True)
    late_start = models.DateField(_("late start"), null=True, blank=True)
    late_finish = models.DateField(_("late finish"), null=True, blank=True)
    total_slack = models.IntegerField(_("total slack"), null=True, blank=True)
    free_slack = models.IntegerField(_("free slack"), null=True, blank=True)
    is_critical = models.BooleanField(_("critical"), default=False)

    SCHEDULE_FIELDS = (
        "start",
        "finish",
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_slack",
        "free_slack",
        "is_critical",
    )

    class Meta:
        ordering = ["project", "position", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["project", "position"]),
            models.Index(fields=["project", "is_critical"]),
        ]

    def __str__(self) -> str:
        return self.name

    # A task lies in its project's scope: `permissions.check` and search read
    # these (querysets filter through `selectors.tasks`, never `visible`).
    scoped = True

    @property
    def owner_id(self) -> int:
        return self.project.owner_id

    @property
    def team_id(self) -> int | None:
        return self.project.team_id

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.scheduling == self.Scheduling.MANUAL and not self.pinned_start:
            errors["pinned_start"] = _("A manually scheduled task needs its start.")
        if self.constraint and not self.constraint_date:
            errors["constraint_date"] = _("Give the date of the constraint.")
        if self.is_milestone and self.duration_days:
            errors["duration_days"] = _("A milestone takes no time: use 0 days.")
        phase = self.phase if self.phase_id else None
        if phase is not None and phase.project_id != self.project_id:
            errors["phase"] = _("This phase belongs to another project.")
        if errors:
            raise ValidationError(errors)


class Dependency(TimeStampedModel):
    """One task waiting on another: finish/start to finish/start, with a lag."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="dependencies"
    )
    predecessor = models.ForeignKey(
        Task,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Task,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    type = models.CharField(
        _("type"),
        max_length=2,
        choices=DependencyType.choices,
        default=DependencyType.FS,
    )
    lag = models.IntegerField(
        _("lag (working days)"),
        default=0,
        validators=[MinValueValidator(-MAX_LAG), MaxValueValidator(MAX_LAG)],
    )

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="uniq_dependency"
            )
        ]
        indexes = [models.Index(fields=["project", "id"])]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.type} {self.successor_id}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.predecessor_id and self.predecessor_id == self.successor_id:
            errors["successor"] = _("A task cannot depend on itself.")
        for name in ("predecessor", "successor"):
            task = getattr(self, name) if getattr(self, f"{name}_id") else None
            if task is not None and task.project_id != self.project_id:
                errors[name] = _("This task belongs to another project.")
        if errors:
            raise ValidationError(errors)
