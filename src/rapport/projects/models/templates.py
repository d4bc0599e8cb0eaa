"""Project templates: the phases, tasks and dependencies a new project starts from."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rapport.crm.selectors import ProjectType

MAX_LAG = 2000


class DependencyType(models.TextChoices):
    FS = "FS", _("Finish to start")
    SS = "SS", _("Start to start")
    FF = "FF", _("Finish to finish")
    SF = "SF", _("Start to finish")


class Bilingual(models.Model):
    """A record named in English and Chinese; `label` follows the active language."""

    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_zh and (get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name


class ProjectTemplate(Bilingual):
    """The plan a won deal of one project type becomes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    project_type = models.CharField(
        _("project type"), max_length=20, choices=ProjectType.choices
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["project_type", "code"]
        verbose_name = _("project template")
        verbose_name_plural = _("project templates")
        indexes = [models.Index(fields=["project_type", "is_active"])]


class TemplatePhase(Bilingual):
    """A phase of a template, in order."""

    template = models.ForeignKey(
        ProjectTemplate, on_delete=models.CASCADE, related_name="phases"
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="uniq_template_phase"
            )
        ]


class TemplateTask(Bilingual):
    """A task of a template: its duration, effort, the skill and role it needs."""

    template = models.ForeignKey(
        ProjectTemplate, on_delete=models.CASCADE, related_name="tasks"
    )
    phase = models.ForeignKey(
        TemplatePhase, on_delete=models.CASCADE, related_name="tasks"
    )
    key = models.SlugField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    duration_days = models.PositiveIntegerField(
        _("duration (working days)"), validators=[MaxValueValidator(2000)]
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    skill = models.ForeignKey(
        "projects.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=40, blank=True)
    is_milestone = models.BooleanField(_("milestone"), default=False)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "key"], name="uniq_template_task_key"
            )
        ]


class TemplateDependency(models.Model):
    """A dependency between two tasks of a template."""

    template = models.ForeignKey(
        ProjectTemplate, on_delete=models.CASCADE, related_name="dependencies"
    )
    predecessor = models.ForeignKey(
        TemplateTask, on_delete=models.CASCADE, related_name="+"
    )
    successor = models.ForeignKey(
        TemplateTask, on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(
        _("type"), max_length=2, choices=DependencyType.choices, default="FS"
    )
    lag = models.IntegerField(
        _("lag (working days)"),
        default=0,
        validators=[MinValueValidator(-MAX_LAG), MaxValueValidator(MAX_LAG)],
    )

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.type} {self.successor_id}"
