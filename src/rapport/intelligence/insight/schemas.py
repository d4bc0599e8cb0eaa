"""API shapes of insight: analyses, profiles, risk rules, alerts and customer risks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from rapport.core.api import Id, InputSchema, ListQuery, UserRefOut, omitted, sorted_by
from rapport.intelligence.models import RiskAlert
from rapport.intelligence.models.insight import Label, Severity


def _enum(values: list[str], description: str = "") -> Any:
    return omitted(description=description, json_schema_extra={"enum": values})


class AnalysisOut(Schema):
    """What the NLP read in one message."""

    message_id: int
    company_id: int | None
    contact_ids: list[int]
    sent_at: datetime
    inbound: bool
    channel: str
    language: str
    sentiment: float = Field(description="From -1 (negative) to 1 (positive).")
    label: str
    confidence: float
    keywords: list[str]
    needs: list[str]
    topics: list[str]
    products: list[str]
    competitors: list[str]
    model_version: str


class AnalysisFilter(ListQuery):
    """Filters and sort of the analysis list."""

    sort: str = sorted_by("id", "sent_at", "sentiment")
    company: Id | None = omitted(description="Company id.")
    label: str = _enum(list(Label.values))
    topic: str | None = omitted(max_length=40, description="Analyses on this topic.")
    sent_after: datetime | None = None


class FiguresOut(Schema):
    """A profile's figures as of now; sentiment from -1 to 1, replies in hours."""

    message_count: int
    inbound_count: int
    outbound_count: int
    sentiment: float | None = Field(
        description="Mean sentiment, each message weighted by age (half-life 30 days)."
    )
    sentiment_30: float | None
    sentiment_90: float | None
    negative_share_90: float | None
    messages_per_week_90: float
    messages_per_week_lifetime: float
    our_reply_hours: float | None
    their_reply_hours: float | None
    health: int = Field(description="0-100; the formula is in docs/insight.md.")
    components: dict[str, float]
    needs: list[tuple[str, int]]
    topics: list[tuple[str, int]]


class EvidenceOut(Schema):
    """Message ids behind the figures, newest first."""

    recent: list[int]
    negative: list[int]
    positive: list[int]
    needs: dict[str, list[int]]
    replies_ours: list[list[Any]] = Field(
        description="[message answered, our answer, hours] triples."
    )
    replies_theirs: list[list[Any]]


class TrendOut(Schema):
    """Months with their inbound message count and mean sentiment."""

    x: list[str]
    count: list[int]
    sentiment: list[float | None]


class ProfileOut(Schema):
    """The living profile of a company or contact."""

    id: int
    kind: str
    company_id: int | None
    contact_id: int | None
    message_count: int
    sentiment: float | None
    health: int
    last_message_at: datetime | None
    updated_at: datetime


class ProfileDetailOut(ProfileOut):
    """A profile with its figures as of now, the evidence and the monthly trend."""

    figures: FiguresOut
    evidence: EvidenceOut
    trend: TrendOut


class ProfileFilter(ListQuery):
    """Filters and sort of the profile list."""

    sort: str = sorted_by("id", "health", "message_count", "last_message_at")
    kind: str = _enum(["company", "contact"])
    company: Id | None = omitted(description="Company id.")
    contact: Id | None = omitted(description="Contact id.")
    health_below: int | None = omitted(ge=0, le=101)


class RuleOut(Schema):
    """A risk rule."""

    id: int
    code: str
    name: str
    name_zh: str
    phrases: list[str]
    threshold: int
    window_days: int
    channels: list[str]
    topic: str
    max_sentiment: float | None
    severity: str
    enabled: bool
    version: int
    updated_at: datetime


class RulePatch(InputSchema):
    """Fields of a risk rule to change; phrases are synonyms, any one counts."""

    name: str = omitted(min_length=1, max_length=120)
    name_zh: str = omitted(max_length=120)
    phrases: list[str] = omitted(description="Phrases in Chinese or English.")
    threshold: int = omitted(ge=1, le=1000, description="Matches needed.")
    window_days: int = omitted(ge=1, le=730, description="Within this many days.")
    channels: list[str] = omitted(description="Empty: every channel.")
    topic: str = omitted(max_length=40)
    max_sentiment: float | None = omitted(ge=-1, le=1)
    severity: str = _enum(list(Severity.values))
    enabled: bool = omitted()


class RuleIn(RulePatch):
    """A new risk rule."""

    code: str = Field(min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=120)


class AlertOut(Schema):
    """A rule that fired for a customer, with who was told and the evidence."""

    id: int
    rule_id: int
    rule_code: str
    company_id: int
    company_name: str
    status: str
    severity: str
    raised_at: datetime
    match_count: int
    evidence: list[int] = Field(description="Message ids, newest first.")
    recipients: list[int]
    task_ids: list[int]
    project_ids: list[int]
    acknowledged_by: UserRefOut | None
    acknowledged_at: datetime | None
    resolved_by: UserRefOut | None
    resolved_at: datetime | None
    note: str
    version: int

    @staticmethod
    def resolve_rule_code(obj: RiskAlert) -> str:
        return obj.rule.code

    @staticmethod
    def resolve_company_name(obj: RiskAlert) -> str:
        return obj.company.name


class AlertFilter(ListQuery):
    """Filters and sort of the alert list."""

    sort: str = sorted_by("id", "raised_at")
    status: str = _enum(list(RiskAlert.Status.values))
    company: Id | None = omitted(description="Company id.")
    rule: Id | None = omitted(description="Rule id.")


class AlertActionIn(InputSchema):
    """An optional note with an acknowledgement or resolution."""

    note: str = Field("", max_length=2000)


class CustomerRiskOut(Schema):
    """Whether a customer is at risk now, and why."""

    company_id: int
    at_risk: bool
    severity: str
    open_alerts: int
    reasons: list[str]
    health: int | None = None
