"""Living profiles: fold analysed messages in as they arrive; rebuild on demand.

`fold` costs the same whatever a customer's history: it locks the profiles the
new messages touch, adds each message to their bounded state
(`insight.aggregates`), and writes them back. `rebuild_profiles` replays every
analysis from scratch, for repair after a bug or a changed formula.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rapport.intelligence.insight import sources
from rapport.intelligence.insight.aggregates import (
    MAX_REPLY_HOURS,
    MessageFacts,
    add_message,
    empty_state,
    figures,
)
from rapport.intelligence.models import CustomerProfile, MessageAnalysis

logger = logging.getLogger(__name__)

COMPANY, CONTACT = CustomerProfile.Kind.COMPANY, CustomerProfile.Kind.CONTACT
Key = tuple[str, int]
Reply = tuple[float, int]  # hours, id of the message answered
CHUNK = 500


def _keys(row: MessageAnalysis) -> list[Key]:
    keys = [(str(CONTACT), int(contact)) for contact in row.contact_ids]
    if row.company_id:
        keys.insert(0, (str(COMPANY), row.company_id))
    return keys


def _facts(row: MessageAnalysis, reply: Reply | None) -> MessageFacts:
    return MessageFacts(
        message_id=row.message_id,
        at=row.sent_at.astimezone(UTC),
        inbound=row.inbound,
        sentiment=row.sentiment,
        label=row.label,
        keywords=tuple(dict.fromkeys([*row.needs, *row.keywords])),
        topics=tuple(row.topics),
        reply_hours=reply[0] if reply else None,
        replied_to=reply[1] if reply else None,
    )


def _reply(
    previous: tuple[int, datetime, bool] | None, at: datetime, inbound: bool
) -> Reply | None:
    """The reply a message makes, if the thread's previous one went the other way."""
    if previous is None or previous[2] == inbound:
        return None
    hours = (at - previous[1]).total_seconds() / 3600
    return (hours, previous[0]) if 0 <= hours <= MAX_REPLY_HOURS else None


def _reply_links(rows: Sequence[MessageAnalysis]) -> dict[int, Reply]:
    """For each new message, the message of its thread it answers, if any.

    Reads only the threads' messages of the last MAX_REPLY_HOURS before the new
    ones: an indexed range, however long the thread's history.
    """
    threaded = [row for row in rows if row.thread_key]
    if not threaded:
        return {}
    since = min(r.sent_at for r in threaded) - timedelta(hours=MAX_REPLY_HOURS)
    until = max(r.sent_at for r in threaded)
    keys = sorted({row.thread_key for row in threaded})
    threads: dict[str, list[tuple[datetime, int, bool]]] = defaultdict(list)
    for start in range(0, len(keys), CHUNK):
        found = MessageAnalysis.objects.filter(
            thread_key__in=keys[start : start + CHUNK],
            sent_at__gte=since,
            sent_at__lte=until,
        ).values_list("thread_key", "sent_at", "message_id", "inbound")
        for key, sent_at, message_id, inbound in found:
            threads[key].append((sent_at, message_id, inbound))
    links: dict[int, Reply] = {}
    for items in threads.values():
        items.sort()
        for before, (at, message_id, inbound) in pairwise(items):
            reply = _reply((before[1], before[0], before[2]), at, inbound)
            if reply is not None:
                links[message_id] = reply
    return links


def _new_profile(key: Key, owners: dict[Key, Any]) -> CustomerProfile | None:
    record = owners.get(key)
    if record is None:  # deleted since the message was stored
        return None
    kind, pk = key
    return CustomerProfile(
        kind=kind,
        company_id=pk if kind == COMPANY else None,
        contact_id=pk if kind == CONTACT else None,
        owner_id=record.owner_id,
        team_id=record.team_id,
        state=empty_state(),
    )


def _owners(keys: Iterable[Key]) -> dict[Key, Any]:
    keys = list(keys)
    found: dict[Key, Any] = {}
    companies = sources.companies(pk for kind, pk in keys if kind == COMPANY)
    contacts = sources.contacts(pk for kind, pk in keys if kind == CONTACT)
    found.update({(str(COMPANY), pk): c for pk, c in companies.items()})
    found.update({(str(CONTACT), pk): c for pk, c in contacts.items()})
    return found


def _select(keys: set[Key], lock: bool) -> dict[Key, CustomerProfile]:
    companies = [pk for kind, pk in keys if kind == COMPANY]
    contacts = [pk for kind, pk in keys if kind == CONTACT]
    rows = CustomerProfile.objects.filter(
        Q(kind=COMPANY, company_id__in=companies)
        | Q(kind=CONTACT, contact_id__in=contacts)
    )
    if lock:
        rows = rows.select_for_update()
    found = {}
    for profile in rows:
        pk = profile.company_id if profile.kind == COMPANY else profile.contact_id
        found[(profile.kind, int(pk or 0))] = profile
    return found


def _locked_profiles(keys: set[Key]) -> dict[Key, CustomerProfile]:
    """The profiles for `keys`, locked for this transaction; missing ones made."""
    found = _select(keys, lock=True)
    missing = keys - set(found)
    if missing:
        owners = _owners(missing)
        new = [p for key in missing if (p := _new_profile(key, owners)) is not None]
        CustomerProfile.objects.bulk_create(new, ignore_conflicts=True)
        found |= _select(missing, lock=True)
    for profile in found.values():
        if not profile.state:
            profile.state = empty_state()
    return found


def _refresh(profile: CustomerProfile, now: datetime) -> None:
    """Copy the figures worth sorting by from the state onto the row."""
    got = figures(profile.state, now)
    profile.message_count = got.message_count
    profile.sentiment = None if got.sentiment is None else round(got.sentiment, 4)
    profile.health = got.health
    last = profile.state.get("last_at")
    profile.last_message_at = datetime.fromisoformat(last) if last else None
    profile.updated_at = now


_SAVED = ["state", "message_count", "sentiment", "health", "last_message_at"]


def _save(profiles: Iterable[CustomerProfile]) -> None:
    # One plain UPDATE per profile: bulk_update's CASE over large JSON states
    # costs more than the round trips it saves.
    for row in profiles:
        CustomerProfile.objects.filter(pk=row.pk).update(
            **{name: getattr(row, name) for name in [*_SAVED, "updated_at"]}
        )


def fold(rows: Sequence[MessageAnalysis]) -> int:
    """Add newly analysed messages to their company's and contacts' profiles."""
    if not rows:
        return 0
    replies = _reply_links(rows)
    profiles = _locked_profiles({key for row in rows for key in _keys(row)})
    touched: dict[Key, CustomerProfile] = {}
    for row in sorted(rows, key=lambda r: (r.sent_at, r.message_id)):
        facts = _facts(row, replies.get(row.message_id))
        for key in _keys(row):
            if (profile := profiles.get(key)) is not None:
                add_message(profile.state, facts)
                touched[key] = profile
    now = timezone.now()
    for profile in touched.values():
        _refresh(profile, now)
    _save(touched.values())
    return len(touched)


@transaction.atomic
def rebuild_profiles(company_id: int | None = None) -> int:
    """Recompute profiles from every stored analysis: all, or one company's.

    With a company, its profile and its contacts' profiles are rebuilt from the
    company's messages. Returns the number of profiles written.
    """
    analyses = MessageAnalysis.objects.order_by("sent_at", "message_id")
    if company_id is not None:
        analyses = analyses.filter(company_id=company_id)
    states: dict[Key, dict[str, Any]] = {}
    last_in_thread: dict[str, tuple[int, datetime, bool]] = {}
    for row in analyses.iterator(chunk_size=2000):
        reply = None
        if row.thread_key:
            previous = last_in_thread.get(row.thread_key)
            reply = _reply(previous, row.sent_at, row.inbound)
            last_in_thread[row.thread_key] = (row.message_id, row.sent_at, row.inbound)
        facts = _facts(row, reply)
        for key in _keys(row):
            add_message(states.setdefault(key, empty_state()), facts)

    stale = CustomerProfile.objects.all()
    if company_id is not None:
        stale = stale.filter(
            Q(kind=COMPANY, company_id=company_id)
            | Q(kind=CONTACT, contact_id__in=[pk for k, pk in states if k == CONTACT])
        )
    stale.delete()
    owners = _owners(states)
    now = timezone.now()
    rebuilt = []
    for key, state in states.items():
        if (profile := _new_profile(key, owners)) is not None:
            profile.state = state
            _refresh(profile, now)
            rebuilt.append(profile)
    CustomerProfile.objects.bulk_create(rebuilt, batch_size=200)
    logger.info("rebuilt %s customer profiles", len(rebuilt))
    return len(rebuilt)


def refresh_profile_figures(chunk: int = 500) -> int:
    """Re-read every profile's figures as of now (30/90-day windows move daily)."""
    now = timezone.now()
    refreshed, after = 0, 0
    while True:
        rows = list(CustomerProfile.objects.filter(pk__gt=after).order_by("pk")[:chunk])
        if not rows:
            return refreshed
        for profile in rows:
            _refresh(profile, now)
        _save(rows)
        refreshed += len(rows)
        after = rows[-1].pk


@transaction.atomic
def relink_analysis(message_id: int) -> bool:
    """Follow a message moved to another company: its analysis, matches, profiles.

    Rare (a person corrects a link by hand), so the two companies' profiles are
    rebuilt from their analyses rather than unpicked. Returns whether anything
    moved.
    """
    from rapport.intelligence.models import RiskMatch

    row = MessageAnalysis.objects.select_for_update().filter(message_id=message_id)
    analysis = row.first()
    found = sources.messages([message_id])
    if analysis is None or not found:
        return False
    message = found[0]
    contacts = sorted(c.pk for c in message.contacts.all())
    before = analysis.company_id
    if before == message.company_id and contacts == analysis.contact_ids:
        return False
    row.update(
        company_id=message.company_id,
        owner_id=message.owner_id,
        team_id=message.team_id,
        contact_ids=contacts,
    )
    matches = RiskMatch.objects.filter(message_id=message_id, alert=None)
    if message.company_id:
        matches.update(company_id=message.company_id)
    else:
        matches.delete()
    for company_id in {before, message.company_id} - {None}:
        rebuild_profiles(company_id)
    return True
