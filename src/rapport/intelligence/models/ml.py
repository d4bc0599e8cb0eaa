"""Model versions, predictions, fairness reports and the human review queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core.models import ScopedModel, TimeStampedModel

__all__ = ["FairnessAlert", "ModelKind", "ModelVersion", "Prediction", "ReviewItem"]


class ModelKind(models.TextChoices):
    CHURN = "churn", _("Customer churn")
    LEAD_CONVERSION = "lead_conversion", _("Lead conversion")
    DEAL_CONVERSION = "deal_conversion", _("Deal win probability")
    CLV = "clv", _("Customer lifetime value")
    DELAY = "delay", _("Project delay")


class ModelVersion(TimeStampedModel):
    """One trained version of a model, with its data, metrics, file and status."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        ACTIVE = "active", pgettext_lazy("model status", "Active")
        RETIRED = "retired", _("Retired")

    kind = models.CharField(_("kind"), max_length=20, choices=ModelKind.choices)
    number = models.PositiveIntegerField(_("version"))
    method = models.CharField(_("method"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CANDIDATE
    )
    window_start = models.DateField(_("data from"), null=True, blank=True)
    window_end = models.DateField(_("data to"), null=True, blank=True)
    features = models.JSONField(_("features"), default=list)
    params = models.JSONField(_("parameters"), default=dict)
    metrics = models.JSONField(_("metrics"), default=dict)
    fairness = models.JSONField(_("fairness report"), default=dict)
    file_path = models.CharField(_("file"), max_length=300, blank=True)
    checksum = models.CharField(_("sha256"), max_length=64, blank=True)
    format_version = models.PositiveSmallIntegerField(_("format version"), default=1)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], name="uniq_model_version_number"
            )
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


class Prediction(models.Model):
    """A score one model version gave one record, with the factors behind it."""

    subject_kind = models.CharField(_("record kind"), max_length=40)
    subject_id = models.BigIntegerField(_("record id"))
    model_version = models.ForeignKey(
        ModelVersion,
        verbose_name=_("model version"),
        on_delete=models.CASCADE,
        related_name="predictions",
    )
    score = models.FloatField(_("score"))
    factors = models.JSONField(_("top factors"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("prediction")
        verbose_name_plural = _("predictions")
        indexes = [
            models.Index(fields=["subject_kind", "subject_id", "-created_at"]),
            models.Index(fields=["model_version", "-score"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind}#{self.subject_id}: {self.score:.2f}"


class FairnessAlert(models.Model):
    """A model version that treats groups of a sensitive attribute unequally."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")
        RESOLVED = "resolved", _("Resolved")

    model_version = models.ForeignKey(
        ModelVersion,
        verbose_name=_("model version"),
        on_delete=models.CASCADE,
        related_name="fairness_alerts",
    )
    attribute = models.CharField(_("attribute"), max_length=40)
    breaches = models.JSONField(_("breaches"), default=list)
    details = models.JSONField(_("details"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("fairness alert")
        verbose_name_plural = _("fairness alerts")
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.model_version}: {self.attribute}"


class ReviewItem(ScopedModel):
    """An automated action on a person or customer, waiting for a human decision."""

    class Action(models.TextChoices):
        OUTREACH = "outreach", _("Retention outreach to a churn-risk customer")
        ROUTING = "routing", _("Automatic lead routing")
        DISCOUNT = "discount", _("Automatic discount")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    subject_kind = models.CharField(_("record kind"), max_length=40)
    subject_id = models.BigIntegerField(_("record id"))
    subject_repr = models.CharField(_("record"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("why it needs review"))
    model_version = models.ForeignKey(
        ModelVersion,
        verbose_name=_("model version"),
        on_delete=models.PROTECT,
        related_name="review_items",
    )
    score = models.FloatField(_("score"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        indexes = [
            models.Index(fields=["status", "-id"]),
            models.Index(fields=["team", "status", "-id"]),
            models.Index(fields=["owner", "status", "-id"]),
            models.Index(fields=["subject_kind", "subject_id", "action", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.subject_repr}"
