"""Message analysis, customer profiles, risk rules and risk alerts.

Analyses, profiles, alerts and customer risks copy the owner and team of the
company (or message) they describe, so the usual data scopes decide who sees
them. Links to the business apps are foreign keys by label ("comms.Message"),
which imports no module of theirs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rapport.core.models import ScopedModel, TimeStampedModel

__all__ = [
    "CustomerProfile",
    "CustomerRisk",
    "MessageAnalysis",
    "RiskAlert",
    "RiskMatch",
    "RiskRule",
]


class Label(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class MessageAnalysis(ScopedModel):
    """What the NLP read in one message: language, sentiment, needs, topics, names."""

    message = models.OneToOneField(
        "comms.Message",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    company = models.ForeignKey(
        "crm.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Copied from the message so profiles and rules need no join to read them.
    contact_ids = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    inbound = models.BooleanField(_("inbound"), default=True)
    channel = models.CharField(_("channel"), max_length=8)
    thread_key = models.CharField(max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=8)
    sentiment = models.FloatField(_("sentiment"))
    label = models.CharField(_("label"), max_length=8, choices=Label.choices)
    confidence = models.FloatField(_("confidence"), default=0.0)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    products = models.JSONField(_("products"), default=list, blank=True)
    competitors = models.JSONField(_("competitors"), default=list, blank=True)
    model_version = models.CharField(_("model version"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("message analysis")
        verbose_name_plural = _("message analyses")
        indexes = [
            models.Index(fields=["company", "-sent_at"]),
            models.Index(fields=["thread_key", "sent_at"]),
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.sentiment:+.2f} (message #{self.message_id})"


class CustomerProfile(ScopedModel):
    """The living profile of one company or one contact, updated per message."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        CONTACT = "contact", _("Contact")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    company = models.ForeignKey(
        "crm.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The running aggregates (insight.aggregates); bounded in size.
    state = models.JSONField(default=dict)
    # Read from `state` at the last update, for sorting and lists.
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    sentiment = models.FloatField(_("sentiment"), null=True, blank=True)
    health = models.PositiveSmallIntegerField(_("health"), default=50)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(kind="company"),
                name="uniq_profile_company",
            ),
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(kind="contact"),
                name="uniq_profile_contact",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "health"]),
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]

    def __str__(self) -> str:
        target = self.company_id if self.kind == self.Kind.COMPANY else self.contact_id
        return f"{self.kind} #{target} profile"


class Severity(models.TextChoices):
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class RiskRule(TimeStampedModel):
    """A risk phrase rule: phrases with synonyms, a count within a window, channels."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    # Every phrase is a synonym of the others; any one counts.
    phrases = models.JSONField(_("phrases"), default=list, blank=True)
    threshold = models.PositiveSmallIntegerField(_("count"), default=3)
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=30)
    # Empty: every channel.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    max_sentiment = models.FloatField(_("sentiment at most"), null=True, blank=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.HIGH
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The rule's name in the active language (its Chinese name when set)."""
        if self.name_zh and (get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name


class RiskMatch(models.Model):
    """That one message matched one rule: the counted evidence of an alert."""

    rule = models.ForeignKey(RiskRule, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "crm.Company", on_delete=models.CASCADE, related_name="+"
    )
    message = models.ForeignKey(
        "comms.Message", on_delete=models.CASCADE, related_name="+"
    )
    phrase = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    # The alert this match was counted in; a match counts towards one alert only.
    alert = models.ForeignKey(
        "RiskAlert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "message"], name="uniq_risk_match")
        ]
        indexes = [models.Index(fields=["rule", "company", "at"])]

    def __str__(self) -> str:
        return f"rule #{self.rule_id} matched message #{self.message_id}"


class RiskAlert(ScopedModel):
    """A rule that fired for a customer: who was told, the tasks made, the evidence."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    rule = models.ForeignKey(
        RiskRule,
        verbose_name=_("rule"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    company = models.ForeignKey(
        "crm.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    dedupe_key = models.CharField(max_length=120, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    match_count = models.PositiveIntegerField(_("matches"), default=0)
    # Message ids, newest first (capped); the RiskMatch rows hold them all.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    recipients = models.JSONField(default=list, blank=True)  # user ids
    task_ids = models.JSONField(default=list, blank=True)  # crm activity ids
    project_ids = models.JSONField(default=list, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("risk alert")
        verbose_name_plural = _("risk alerts")
        indexes = [
            models.Index(fields=["status", "-raised_at"]),
            models.Index(fields=["company", "status"]),
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · company #{self.company_id}"


class CustomerRisk(ScopedModel):
    """Whether a customer is at risk now: the open alerts, their worst severity."""

    company = models.OneToOneField(
        "crm.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    at_risk = models.BooleanField(_("at risk"), default=False)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, blank=True
    )
    open_alerts = models.PositiveSmallIntegerField(_("open alerts"), default=0)
    since = models.DateTimeField(_("at risk since"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # rule codes

    class Meta:
        verbose_name = _("customer risk")
        verbose_name_plural = _("customer risks")
        indexes = [models.Index(fields=["at_risk", "severity"])]

    def __str__(self) -> str:
        return f"company #{self.company_id}: {'at risk' if self.at_risk else 'ok'}"
