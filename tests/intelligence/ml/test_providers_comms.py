"""Churn features from messages: counts, recency and tone, as of a date only."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.intelligence.ml.features import build, load_history
from rapport.intelligence.ml.providers_comms import comms_activity
from rapport.intelligence.models import MessageAnalysis
from tests.comms.factories import MessageFactory
from tests.factories import CompanyFactory


def _message(company, days_ago, direction="inbound", sentiment=None, now=None):
    sent = (now or timezone.now()) - timedelta(days=days_ago)
    message = MessageFactory(
        owner=company.owner, company=company, direction=direction, sent_at=sent
    )
    if sentiment is not None:
        MessageAnalysis.objects.create(
            message=message,
            company=company,
            owner=company.owner,
            team=company.team,
            sent_at=sent,
            inbound=direction == "inbound",
            channel="email",
            language="en",
            sentiment=sentiment,
            label="negative" if sentiment < -0.2 else "neutral",
        )
    return message


@pytest.fixture
def talk(db, manager):
    now = timezone.now()
    quiet = CompanyFactory(owner=manager)
    company = CompanyFactory(owner=manager)
    _message(company, 10, sentiment=-0.8, now=now)
    _message(company, 20, sentiment=-0.4, now=now)
    _message(company, 60, sentiment=0.6, now=now)
    _message(company, 80, sentiment=0.4, now=now)
    _message(company, 15, direction="outbound", now=now)
    _message(company, 200, sentiment=0.9, now=now)  # outside both windows
    return company, quiet, now


def test_counts_recency_and_tone_as_of_the_date(talk):
    company, quiet, now = talk
    rows = pd.DataFrame(
        {"id": [company.pk, quiet.pk], "as_of": [pd.Timestamp(now)] * 2}
    )
    out = comms_activity(load_history(), "company", rows)
    busy = out.iloc[0]
    assert busy["inbound_messages_30d"] == 2 and busy["inbound_messages_90d"] == 4
    assert busy["outbound_messages_30d"] == 1 and busy["outbound_messages_90d"] == 1
    assert busy["days_since_inbound"] == pytest.approx(10, abs=0.01)
    assert busy["sentiment_30d"] == pytest.approx(-0.6)
    assert busy["sentiment_90d"] == pytest.approx(-0.05)
    assert busy["sentiment_trend"] == pytest.approx(-0.55)
    assert busy["negative_share_90d"] == pytest.approx(0.5)
    # a company without messages has zero counts and no tone
    silent = out.iloc[1]
    assert silent["inbound_messages_90d"] == 0
    assert pd.isna(silent["sentiment_30d"]) and pd.isna(silent["days_since_inbound"])


def test_messages_after_the_as_of_date_change_nothing(talk):
    company, _quiet, now = talk
    as_of = now - timedelta(days=30)
    rows = pd.DataFrame({"id": [company.pk], "as_of": [pd.Timestamp(as_of)]})
    before = comms_activity(load_history(), "company", rows)
    # given an angry message and a reply after the as-of date
    _message(company, 29, sentiment=-0.9, now=now)
    _message(company, 5, direction="outbound", now=now)
    after = comms_activity(load_history(), "company", rows)
    pd.testing.assert_frame_equal(before, after)
    # as of 30 days ago, the 60- and 80-day-old messages were 30 and 50 days old
    assert after.iloc[0]["inbound_messages_30d"] == 1
    assert after.iloc[0]["inbound_messages_90d"] == 2
    assert after.iloc[0]["sentiment_30d"] == pytest.approx(0.6)


def test_the_provider_reads_messages_once_per_run_not_per_company(talk, manager):
    company, quiet, now = talk
    others = [CompanyFactory(owner=manager) for _ in range(5)]
    rows = pd.DataFrame(
        {
            "id": [c.pk for c in [company, quiet, *others]],
            "as_of": [pd.Timestamp(now)] * 7,
        }
    )
    history = load_history()
    with CaptureQueriesContext(connection) as first:
        build(history, "company", rows)
    with CaptureQueriesContext(connection) as second:
        build(history, "company", rows.iloc[:2])
    assert len(first) <= 2  # messages and analyses, once
    assert len(second) == 0  # kept on the history for the rest of the run
