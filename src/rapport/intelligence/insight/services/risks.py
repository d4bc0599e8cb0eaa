"""Risk rules and alerts: edit rules, match messages, raise each alert once, route it.

When a rule fires for a customer, the customer is marked at risk, and the
project manager of each of its open projects (else its account owner) gets a
notification and a task with the messages as evidence. An alert has a dedupe
key (rule, customer, window period) that is unique in the database, and while
an alert is open new matches join it instead of raising another.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core import permissions
from rapport.core.errors import ValidationFailed
from rapport.core.models import AuditEntry
from rapport.core.services import (
    create_record,
    delete_record,
    emit,
    full_clean,
    record_audit,
    update_record,
)
from rapport.intelligence.insight import routing, sources
from rapport.intelligence.insight.rules import (
    DEFAULT_RULES,
    RuleSpec,
    dedupe_key,
    normalise,
)
from rapport.intelligence.models import (
    CustomerRisk,
    MessageAnalysis,
    RiskAlert,
    RiskMatch,
    RiskRule,
)
from rapport.intelligence.models.insight import SEVERITY_RANK, Severity

logger = logging.getLogger(__name__)

RULE = "intelligence.riskrule"
OPEN = (RiskAlert.Status.OPEN, RiskAlert.Status.ACKNOWLEDGED)
MAX_EVIDENCE = 20
MAX_PHRASES = 100

# --- Rules -------------------------------------------------------------------------

_RULE_FIELDS = {
    "code",
    "name",
    "name_zh",
    "phrases",
    "threshold",
    "window_days",
    "channels",
    "topic",
    "max_sentiment",
    "severity",
    "enabled",
}


def spec_of(rule: RiskRule) -> RuleSpec:
    return RuleSpec(
        key=rule.code,
        phrases=tuple(rule.phrases),
        threshold=rule.threshold,
        window_days=rule.window_days,
        channels=tuple(rule.channels),
        topic=rule.topic,
        max_sentiment=rule.max_sentiment,
    )


def _check_phrases(phrases: Any, errors: dict[str, list[str]]) -> list[str]:
    if isinstance(phrases, str):
        phrases = phrases.splitlines()
    if not isinstance(phrases, list | tuple) or not all(
        isinstance(p, str) for p in phrases
    ):
        errors["phrases"] = [_("Give the phrases as a list of texts.")]
        return []
    phrases = list(dict.fromkeys(p.strip() for p in phrases if p.strip()))
    if len(phrases) > MAX_PHRASES or any(len(p) > 200 for p in phrases):
        errors["phrases"] = [_("At most 100 phrases of at most 200 characters each.")]
    return phrases


def _check_channels(channels: Any, errors: dict[str, list[str]]) -> list[str]:
    known = {value for value, _label in sources.channels()}
    channels = channels or []
    if not isinstance(channels, list | tuple) or set(channels) - known:
        errors["channels"] = [
            _("Choose channels among: %(known)s.") % {"known": ", ".join(sorted(known))}
        ]
        return []
    return sorted(set(channels))


def _validated_rule(data: Mapping[str, Any], rule: RiskRule) -> dict[str, Any]:
    """Check a rule's new values; raise ValidationFailed listing every bad field."""
    errors: dict[str, list[str]] = {}
    for name in sorted(set(data) - _RULE_FIELDS):
        errors[name] = [_("Unknown field.")]
    values = {k: v for k, v in data.items() if k in _RULE_FIELDS}
    if "phrases" in values:
        values["phrases"] = _check_phrases(values["phrases"], errors)
    if "channels" in values:
        values["channels"] = _check_channels(values["channels"], errors)
    limits = {
        "threshold": (1, 1000, _("The count must be between 1 and 1000.")),
        "window_days": (1, 730, _("The window must be between 1 and 730 days.")),
        "max_sentiment": (-1, 1, _("Sentiment lies between -1 and 1.")),
    }
    for name, (low, high, message) in limits.items():
        value = values.get(name)
        if value is not None and not (
            isinstance(value, int | float) and low <= value <= high
        ):
            errors[name] = [str(message)]
    phrases = values.get("phrases", rule.phrases)
    if not phrases and not values.get("topic", rule.topic) and "phrases" not in errors:
        errors["phrases"] = [_("Give at least one phrase, or a topic.")]

    candidate = copy.copy(rule)
    for name, value in values.items():
        if name not in errors:
            setattr(candidate, name, value)
    try:
        full_clean(candidate, exclude=list(errors))
    except ValidationFailed as exc:
        errors.update({k: v for k, v in exc.errors.items() if k not in errors})
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def create_rule(actor: Any, data: Mapping[str, Any]) -> RiskRule:
    """Add a risk rule."""
    permissions.require(actor, permissions.ADD, RULE)
    rule = RiskRule(**_validated_rule(data, RiskRule()))
    create_record(actor, rule, event="riskrule.created")
    return rule


@transaction.atomic
def update_rule(
    actor: Any, rule: RiskRule, data: Mapping[str, Any], version: int | None = None
) -> dict[str, list[Any]]:
    """Change a risk rule's phrases, count, window, channels or conditions."""
    permissions.require(actor, permissions.CHANGE, RULE)
    values = _validated_rule(data, rule)
    return update_record(actor, rule, values, version, event="riskrule.updated")


@transaction.atomic
def delete_rule(actor: Any, rule: RiskRule, version: int | None = None) -> None:
    """Delete a risk rule with its alerts."""
    permissions.require(actor, permissions.DELETE, RULE)
    delete_record(actor, rule, version, event="riskrule.deleted")


@transaction.atomic
def install_default_rules() -> int:
    """Write the rules Rapport ships, those not already there (by code)."""
    known = set(RiskRule.objects.values_list("code", flat=True))
    new = [RiskRule(**rule) for rule in DEFAULT_RULES if rule["code"] not in known]
    RiskRule.objects.bulk_create(new)
    return len(new)


# --- Matching ----------------------------------------------------------------------


def run_rules(pairs: Sequence[tuple[MessageAnalysis, Any]], now: Any = None) -> int:
    """Match new messages against every enabled rule; raise the alerts that fire."""
    rules = [(rule, spec_of(rule)) for rule in RiskRule.objects.filter(enabled=True)]
    if not rules:
        return 0
    matches = []
    for row, message in pairs:
        if not row.company_id:
            continue
        text = normalise(f"{message.subject}\n{message.text}")
        for rule, spec in rules:
            if spec.matches(
                text=text,
                channel=row.channel,
                inbound=row.inbound,
                topics=row.topics,
                sentiment=row.sentiment,
            ):
                matches.append(
                    RiskMatch(
                        rule=rule,
                        company_id=row.company_id,
                        message_id=row.message_id,
                        phrase=(spec.phrase_found(text) or "")[:200],
                        at=row.sent_at,
                    )
                )
    RiskMatch.objects.bulk_create(matches, ignore_conflicts=True)
    raised = 0
    for rule, company_id in sorted({(m.rule, m.company_id) for m in matches}, key=_pk):
        raised += evaluate(rule, company_id, now or timezone.now())
    return raised


def _pk(pair: tuple[RiskRule, int]) -> tuple[int, int]:
    return (pair[0].pk, pair[1])


def evaluate(rule: RiskRule, company_id: int, now: datetime) -> int:
    """Raise (or feed) the alert of one rule for one customer if it fires now.

    Only matches not yet counted in an alert count. A firing whose newest match
    is older than the rule's window is history (an import of old mail), not
    news, and raises nothing.
    """
    window = timedelta(days=rule.window_days)
    # The newest match must lie within a window of now, so every match of its
    # window lies within two windows of now: one indexed range read.
    fresh = list(
        RiskMatch.objects.filter(
            rule=rule, company_id=company_id, alert=None, at__gt=now - 2 * window
        ).order_by("at", "id")
    )
    latest = fresh[-1].at if fresh else None
    if latest is None or latest < now - window:
        return 0
    counted = [m for m in fresh if m.at > latest - window]
    alert = RiskAlert.objects.filter(
        rule=rule, company_id=company_id, status__in=OPEN
    ).first()
    if alert is not None:  # the customer is already flagged for this: add evidence
        _attach(alert, counted)
        return 0
    if len(counted) < rule.threshold:
        return 0
    key = dedupe_key(rule.pk, company_id, counted[0].at, rule.window_days)
    if RiskAlert.objects.filter(dedupe_key=key).exists():
        return 0
    return int(_raise(rule, company_id, key, counted) is not None)


def _evidence(matches: Iterable[RiskMatch], before: Sequence[int] = ()) -> list[int]:
    newest = [m.message_id for m in sorted(matches, key=lambda m: m.at, reverse=True)]
    return list(dict.fromkeys([*newest, *before]))[:MAX_EVIDENCE]


def _attach(alert: RiskAlert, matches: list[RiskMatch]) -> None:
    RiskMatch.objects.filter(pk__in=[m.pk for m in matches]).update(alert=alert)
    RiskAlert.objects.filter(pk=alert.pk).update(
        match_count=alert.match_count + len(matches),
        evidence=_evidence(matches, alert.evidence),
        updated_at=timezone.now(),
    )


def _raise(
    rule: RiskRule, company_id: int, key: str, matches: list[RiskMatch]
) -> RiskAlert | None:
    company = sources.companies([company_id]).get(company_id)
    if company is None:
        return None
    projects = sources.open_projects(company_id)
    alert = RiskAlert(
        rule=rule,
        company_id=company_id,
        dedupe_key=key,
        severity=rule.severity,
        owner_id=company.owner_id,
        team_id=company.team_id,
        match_count=len(matches),
        evidence=_evidence(matches),
        project_ids=[p.id for p in projects],
    )
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:  # raised meanwhile by another worker
        return None
    RiskMatch.objects.filter(pk__in=[m.pk for m in matches]).update(alert=alert)
    record_audit(None, AuditEntry.Action.CREATE, alert, {"rule": [None, rule.code]})

    recipients, task_ids = routing.route(alert, rule, company, projects)
    RiskAlert.objects.filter(pk=alert.pk).update(
        recipients=[u.pk for u in recipients], task_ids=task_ids
    )
    alert.recipients, alert.task_ids = [u.pk for u in recipients], task_ids
    refresh_customer_risk(company)
    emit(
        "customer.risk_raised",
        alert,
        {"id": alert.pk, "company_id": company_id, "rule": rule.code},
    )
    logger.info(
        "risk alert raised",
        extra={"alert_id": alert.pk, "rule": rule.code, "company_id": company_id},
    )
    return alert


# --- Customer risk and alert handling ----------------------------------------------


def refresh_customer_risk(company: Any) -> CustomerRisk:
    """Recount the customer's open alerts: at risk while any is open."""
    open_alerts = list(
        RiskAlert.objects.filter(company_id=company.pk, status__in=OPEN)
        .select_related("rule")
        .order_by("raised_at")
    )
    severity = max(
        (a.severity for a in open_alerts),
        key=lambda s: SEVERITY_RANK.get(s, 0),  # type: ignore[call-overload]
        default="",
    )
    values = {
        "owner_id": company.owner_id,
        "team_id": company.team_id,
        "at_risk": bool(open_alerts),
        "severity": severity,
        "open_alerts": len(open_alerts),
        "since": open_alerts[0].raised_at if open_alerts else None,
        "reasons": sorted({a.rule.code for a in open_alerts}),
        "updated_at": timezone.now(),
    }
    risk, _created = CustomerRisk.objects.update_or_create(
        company_id=company.pk, defaults=values
    )
    # The projects' risk ranking weighs what is at stake by the customer's risk
    # level: an open alert makes it high, the last one closed brings it back.
    sources.set_project_risk(company.pk, at_risk=bool(open_alerts))
    return risk


def _set_status(
    actor: Any, alert: RiskAlert, status: str, version: int | None, note: str
) -> RiskAlert:
    permissions.check(actor, permissions.CHANGE, alert)
    now = timezone.now()
    changes: dict[str, Any] = {"status": status}
    if status == RiskAlert.Status.ACKNOWLEDGED:
        changes |= {"acknowledged_by": actor, "acknowledged_at": now}
    else:
        changes |= {"resolved_by": actor, "resolved_at": now}
    if note:
        changes["note"] = note[:2000]
    update_record(actor, alert, changes, version, event=f"riskalert.{status}")
    company = sources.companies([alert.company_id]).get(alert.company_id)
    if company is not None:
        refresh_customer_risk(company)
    return alert


@transaction.atomic
def acknowledge_alert(
    actor: Any, alert: RiskAlert, version: int | None = None, note: str = ""
) -> RiskAlert:
    """Say that someone is on it; the customer stays at risk."""
    if alert.status != RiskAlert.Status.OPEN:
        raise ValidationFailed.single(
            "status", _("Only an open alert can be acknowledged.")
        )
    return _set_status(actor, alert, RiskAlert.Status.ACKNOWLEDGED, version, note)


@transaction.atomic
def resolve_alert(
    actor: Any, alert: RiskAlert, version: int | None = None, note: str = ""
) -> RiskAlert:
    """Close an alert; the customer stays at risk only if others are open."""
    if alert.status == RiskAlert.Status.RESOLVED:
        raise ValidationFailed.single("status", _("This alert is already resolved."))
    return _set_status(actor, alert, RiskAlert.Status.RESOLVED, version, note)


__all__ = [
    "Severity",
    "acknowledge_alert",
    "create_rule",
    "delete_rule",
    "evaluate",
    "install_default_rules",
    "refresh_customer_risk",
    "resolve_alert",
    "run_rules",
    "spec_of",
    "update_rule",
]
