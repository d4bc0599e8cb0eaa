"""Who hears of a risk alert, and the task each of them gets.

The project manager of each open project of the customer, or the company's
account owner when it has none. Each gets a notification in their language and
a crm task on the customer with the messages as evidence, both written through
the owning apps' services.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from rapport.accounts import selectors as accounts
from rapport.core.errors import RapportError
from rapport.core.services import notify
from rapport.crm import services as crm_services
from rapport.intelligence.insight import sources

logger = logging.getLogger(__name__)

TASK_DUE = timedelta(days=2)
EXCERPT = 160


def recipients(company: Any, projects: Sequence[sources.ProjectRef]) -> list[Any]:
    """The managers of the customer's open projects, else its account owner."""
    people = []
    for user_id in dict.fromkeys(p.manager_id for p in projects):
        if (user := accounts.get_user(user_id)) is not None:
            people.append(user)
    if not people and (owner := accounts.get_user(company.owner_id)) is not None:
        people.append(owner)
    return people


def _evidence_lines(alert: Any) -> list[str]:
    found = {m.pk: m for m in sources.messages(alert.evidence)}
    lines = []
    for message_id in alert.evidence:
        message = found.get(message_id)
        if message is None:
            continue
        words = " ".join(f"{message.subject} {message.text}".split())[:EXCERPT]
        lines.append(
            f"- {message.sent_at:%Y-%m-%d} [{message.channel}] {words} "
            f"({sources.message_url(message_id)})"
        )
    return lines


def _texts(alert: Any, rule: Any, company: Any, evidence: list[str]) -> dict[str, str]:
    """Title, task subject and body, in the active language."""
    values = {
        "rule": rule.display_name,
        "company": company.name,
        "count": alert.match_count,
        "days": rule.window_days,
    }
    title = _("Customer at risk: %(company)s (%(rule)s)") % values
    subject = _("Follow up risk: %(rule)s at %(company)s") % values
    body = "\n".join(
        [
            _("%(count)s messages in %(days)s days matched the rule “%(rule)s”.")
            % values,
            _("Evidence:"),
            *evidence,
        ]
    )
    return {"title": title[:200], "subject": subject[:200], "body": body}


def _task(user: Any, company: Any, texts: dict[str, str]) -> int | None:
    """A crm task for `user` on the customer; without the link if out of their scope."""
    data = {
        "kind": "task",
        "subject": texts["subject"],
        "body": texts["body"],
        "company_id": company.pk,
        "due_at": timezone.now() + TASK_DUE,
    }
    for attempt in (data, {k: v for k, v in data.items() if k != "company_id"}):
        try:
            return crm_services.create_activity(user, attempt).pk
        except RapportError as exc:
            logger.info("risk task not created for user %s: %s", user.pk, exc.detail)
    return None


def route(
    alert: Any, rule: Any, company: Any, projects: Sequence[sources.ProjectRef]
) -> tuple[list[Any], list[int]]:
    """Notify each recipient and give each a task; return them and the task ids."""
    people = recipients(company, projects)
    evidence = _evidence_lines(alert)
    url = reverse("intelligence:alert_detail", args=[alert.pk])
    task_ids = []
    for user in people:
        with override(user.language or "en"):
            texts = _texts(alert, rule, company, evidence)
        task_id = _task(user, company, texts)
        if task_id is not None:
            task_ids.append(task_id)
        notify(
            [user],
            texts["title"],
            texts["body"][:2000],
            url=url,
            kind="insight.risk",
            dedupe_key=alert.dedupe_key,
        )
    return people, task_ids
