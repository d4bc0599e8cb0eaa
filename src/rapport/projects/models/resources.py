"""Working calendars, skills, people's capacity and leave, assignments, time spent."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import TimeStampedModel


def default_weekend() -> list[int]:
    return [5, 6]


class Calendar(TimeStampedModel):
    """A working week, China's public holidays if wanted, and exception days."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    weekend = models.JSONField(
        _("days off each week"),
        default=default_weekend,
        help_text=_("Weekday numbers, Monday = 0 … Sunday = 6."),
    )
    china_holidays = models.BooleanField(
        _("China's public holidays and adjusted working days"), default=True
    )
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """One date a calendar treats differently: a company holiday or an extra workday."""

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"), default=False)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="uniq_calendar_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id}:{self.date}"


class Skill(TimeStampedModel):
    """Something a person can do and a task can require (a trade, a product)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class ResourceProfile(TimeStampedModel):
    """How much a person can work on projects, at what cost, with which skills."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="resource_profile",
    )
    daily_capacity_hours = models.DecimalField(
        _("hours a day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8"),
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    cost_rate = models.DecimalField(
        _("cost per hour"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), related_name="people", blank=True
    )
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("resource profile")
        verbose_name_plural = _("resource profiles")

    def __str__(self) -> str:
        return str(self.user)


class Leave(TimeStampedModel):
    """Days a person is away (both dates included)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="leaves",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        indexes = [models.Index(fields=["user", "start_date"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.start_date}–{self.end_date}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Leave cannot end before it starts.")})


class Assignment(TimeStampedModel):
    """A person working a share of their time on a task."""

    task = models.ForeignKey(
        "projects.Task", on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="task_assignments",
    )
    share = models.PositiveSmallIntegerField(
        _("share of time %"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], name="uniq_assignment")
        ]
        indexes = [models.Index(fields=["user", "task"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.task_id} ({self.share}%)"


class TimeEntry(TimeStampedModel):
    """Hours a person spent on a task on one day, with the cost rate at the time."""

    task = models.ForeignKey(
        "projects.Task", on_delete=models.CASCADE, related_name="time_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="time_entries",
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(24)],
    )
    cost_rate = models.DecimalField(
        _("cost per hour"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["task", "date"]),
            models.Index(fields=["user", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date} {self.hours}h"
