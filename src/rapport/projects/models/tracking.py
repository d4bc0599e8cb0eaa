"""What a project's schedule was and is: baselines, reschedules, snapshots, risks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStampedModel


def money(label: Any) -> models.DecimalField:
    """An amount of money with two decimals, zero by default."""
    return models.DecimalField(
        label, max_digits=14, decimal_places=2, default=Decimal("0")
    )


class Baseline(TimeStampedModel):
    """A saved copy of a project's plan to compare the actual schedule against."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="baselines"
    )
    name = models.CharField(_("name"), max_length=100)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    start = models.DateField(_("start"), null=True, blank=True)
    finish = models.DateField(_("finish"), null=True, blank=True)

    class Meta:
        ordering = ["project", "-id"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    """One task's planned dates and effort in a baseline."""

    baseline = models.ForeignKey(
        Baseline, on_delete=models.CASCADE, related_name="tasks"
    )
    task = models.ForeignKey(
        "projects.Task", on_delete=models.CASCADE, related_name="baseline_rows"
    )
    start = models.DateField(null=True)
    finish = models.DateField(null=True)
    duration_days = models.IntegerField(default=0)
    estimated_hours = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["baseline", "task"], name="uniq_baseline_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.baseline_id}:{self.task_id}"


class RescheduleRun(models.Model):
    """One run of the scheduling engine over a project: why, how long, what moved."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="reschedules"
    )
    trigger = models.CharField(_("trigger"), max_length=80)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.TextField(_("error"), blank=True)
    warnings = models.JSONField(default=list, blank=True)
    duration_ms = models.FloatField(_("time taken (ms)"), default=0)
    task_count = models.PositiveIntegerField(default=0)
    moved_count = models.PositiveIntegerField(default=0)
    finish_before = models.DateField(null=True, blank=True)
    finish_after = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("reschedule")
        verbose_name_plural = _("reschedules")
        indexes = [models.Index(fields=["project", "-id"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.trigger} {self.status}"


class TaskMove(models.Model):
    """A task whose dates a reschedule changed."""

    run = models.ForeignKey(
        RescheduleRun, on_delete=models.CASCADE, related_name="moves"
    )
    task = models.ForeignKey(
        "projects.Task", on_delete=models.CASCADE, related_name="moves"
    )
    old_start = models.DateField(null=True)
    new_start = models.DateField(null=True)
    old_finish = models.DateField(null=True)
    new_finish = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.task_id}: {self.old_start} → {self.new_start}"


class ProgressSnapshot(models.Model):
    """A project's progress on one day: the history the delay model learns from."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="snapshots"
    )
    date = models.DateField(_("date"))
    planned_value = money(_("planned value"))
    earned_value = money(_("earned value"))
    actual_cost = money(_("actual cost"))
    percent_complete = models.FloatField(_("% complete"), default=0)
    planned_percent = models.FloatField(_("planned % complete"), default=0)
    spi = models.FloatField(_("schedule performance index"), null=True)
    schedule_variance_days = models.IntegerField(
        _("schedule variance (days)"), default=0
    )
    slipped_tasks = models.PositiveIntegerField(_("slipped tasks"), default=0)
    open_tasks = models.PositiveIntegerField(_("open tasks"), default=0)
    resource_load = models.FloatField(_("resource load"), default=0)
    critical_path_days = models.IntegerField(_("critical path (days)"), default=0)
    forecast_finish = models.DateField(_("forecast finish"), null=True)
    planned_finish = models.DateField(_("planned finish"), null=True)

    class Meta:
        ordering = ["project", "date"]
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "date"], name="uniq_progress_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.date}"


class ScheduleRisk(models.Model):
    """A project's current schedule risk: its score, what is at stake, what to do."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="risk"
    )
    score = models.FloatField(_("score"), default=0, db_index=True)
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    delay_days = models.FloatField(_("expected delay (days)"), default=0)
    at_stake = money(_("at stake"))
    estimator = models.CharField(_("estimated by"), max_length=60)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    suggestion = models.JSONField(_("suggestion"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("schedule risk")
        verbose_name_plural = _("schedule risks")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.level} ({self.score:.2f})"
