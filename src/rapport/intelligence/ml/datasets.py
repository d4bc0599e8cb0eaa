"""Labelled training sets and scoring sets for churn and conversion.

Churn: every 30 days from two months after the history starts, each active
account (known for 30 days, with some activity or deal in the 180 days before
the date) is a row as of that date; it churned if the next 120 days bring no
activity and no new deal. Conversion: every decided lead (converted or
disqualified) as of one day after it came in; every closed deal as of a point
in its open life (fixed per deal), labelled won or lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.errors import RapportError
from rapport.intelligence.ml.features import History, build

MIN_HISTORY_DAYS = 182
MIN_CASES = 20
CHURN_HORIZON_DAYS = 120
CHURN_STEP_DAYS = 30
ACTIVE_WINDOW_DAYS = 180


class NotEnoughData(RapportError):
    """The history is too short or holds too few cases of an outcome to train."""

    status = 422
    code = "ml_not_enough_data"
    title = gettext_lazy("Not enough data to train this model.")


@dataclass
class Dataset:
    """Features, labels and each row's as-of time (for the time split)."""

    frame: Any
    y: Any
    as_of: Any
    ids: Any
    positive: str
    negative: str


def check_window(history: History, needed_days: int = MIN_HISTORY_DAYS) -> None:
    """Refuse a history shorter than six months, saying how much is missing."""
    start = history.start
    days = 0 if start is None else (history.now - start).days
    if days < needed_days:
        raise NotEnoughData(
            _(
                "Training needs %(needed)d days of complete history; the CRM holds "
                "%(days)d (since %(start)s), so %(missing)d days are missing."
            )
            % {
                "needed": needed_days,
                "days": days,
                "start": start.date().isoformat() if start else "—",
                "missing": needed_days - days,
            },
            code="ml_history_too_short",
        )


def check_cases(data: Dataset, minimum: int = MIN_CASES) -> None:
    """Refuse too few positive or negative cases, saying which and how many."""
    positives = int(data.y.sum())
    negatives = int(len(data.y) - positives)
    missing = []
    if positives < minimum:
        missing.append(f"{minimum - positives} {data.positive}")
    if negatives < minimum:
        missing.append(f"{minimum - negatives} {data.negative}")
    if missing:
        raise NotEnoughData(
            _(
                "Training needs at least %(min)d cases of each outcome; found "
                "%(pos)d %(pos_name)s and %(neg)d %(neg_name)s: %(missing)s more "
                "are missing."
            )
            % {
                "min": minimum,
                "pos": positives,
                "pos_name": data.positive,
                "neg": negatives,
                "neg_name": data.negative,
                "missing": _(" and ").join(missing),
            },
            code="ml_too_few_cases",
        )


def _active_customers(history: History, cutoff: Any) -> Any:
    """Accounts known for 30 days with an activity or a deal in the last 180."""
    deals, acts, companies = history.deals, history.activities, history.companies
    known = companies[companies["created_at"] <= cutoff - timedelta(days=30)]
    since = cutoff - timedelta(days=ACTIVE_WINDOW_DAYS)
    recent_acts = acts[(acts["occurred_at"] > since) & (acts["occurred_at"] <= cutoff)]
    recent_deals = deals[
        (deals["created_at"] > since) & (deals["created_at"] <= cutoff)
    ]
    alive = set(recent_acts["company_id"].dropna()) | set(recent_deals["company_id"])
    return sorted(set(known["id"]) & alive)


def _went_quiet(history: History, ids: list[int], cutoff: Any) -> list[int]:
    end = cutoff + timedelta(days=CHURN_HORIZON_DAYS)
    acts, deals = history.activities, history.deals
    busy = set(
        acts[(acts["occurred_at"] > cutoff) & (acts["occurred_at"] <= end)][
            "company_id"
        ].dropna()
    ) | set(
        deals[(deals["created_at"] > cutoff) & (deals["created_at"] <= end)][
            "company_id"
        ]
    )
    return [0 if i in busy else 1 for i in ids]


def churn_training(history: History) -> Dataset:
    """Customer snapshots every 30 days, labelled by the 120 days that followed."""
    import numpy as np
    import pandas as pd

    check_window(history, MIN_HISTORY_DAYS)
    start = pd.Timestamp(history.start)
    last = pd.Timestamp(history.now) - timedelta(days=CHURN_HORIZON_DAYS)
    rows: list[tuple[Any, Any]] = []
    labels: list[int] = []
    cutoff = start + timedelta(days=MIN_HISTORY_DAYS - CHURN_HORIZON_DAYS)
    cutoff = max(cutoff, start + timedelta(days=60))
    while cutoff <= last:
        ids = _active_customers(history, cutoff)
        rows.extend((i, cutoff) for i in ids)
        labels.extend(_went_quiet(history, ids, cutoff))
        cutoff += timedelta(days=CHURN_STEP_DAYS)
    frame = pd.DataFrame(rows, columns=["id", "as_of"])
    data = Dataset(
        frame=build(history, "company", frame) if len(frame) else frame,
        y=np.asarray(labels, dtype=int),
        as_of=frame["as_of"].to_numpy() if len(frame) else np.array([]),
        ids=frame["id"].to_numpy() if len(frame) else np.array([]),
        positive=_("churned customers"),
        negative=_("retained customers"),
    )
    check_cases(data)
    return data


def churn_scoring(history: History) -> tuple[Any, Any]:
    """Today's active customers and their features."""
    import pandas as pd

    now = pd.Timestamp(history.now)
    ids = _active_customers(history, now)
    rows = pd.DataFrame({"id": ids, "as_of": [now] * len(ids)})
    return rows["id"].to_numpy(), build(history, "company", rows)


def lead_training(history: History) -> Dataset:
    """Decided leads as of one day after they came in, labelled converted or not."""
    import pandas as pd

    check_window(history, MIN_HISTORY_DAYS)
    leads = history.leads
    decided = leads[leads["status"].isin(["converted", "disqualified"])]
    rows = pd.DataFrame(
        {
            "id": decided["id"].to_numpy(),
            "as_of": (decided["created_at"] + timedelta(days=1)).to_numpy(),
        }
    )
    rows["as_of"] = pd.to_datetime(rows["as_of"], utc=True)
    data = Dataset(
        frame=build(history, "lead", rows),
        y=(decided["status"] == "converted").to_numpy().astype(int),
        as_of=rows["as_of"].to_numpy(),
        ids=rows["id"].to_numpy(),
        positive=_("converted leads"),
        negative=_("disqualified leads"),
    )
    check_cases(data, 10)
    return data


def lead_scoring(history: History, ids: list[int] | None = None) -> tuple[Any, Any]:
    """Open leads (or the given ones) as of now."""
    import pandas as pd

    leads = history.leads
    open_leads = leads[leads["status"].isin(["new", "contacted", "qualified"])]
    chosen = (
        open_leads["id"].to_numpy()
        if ids is None
        else open_leads[open_leads["id"].isin(ids)]["id"].to_numpy()
    )
    rows = pd.DataFrame(
        {"id": chosen, "as_of": [pd.Timestamp(history.now)] * len(chosen)}
    )
    return chosen, build(history, "lead", rows)


def deal_training(history: History) -> Dataset:
    """Closed deals as of a fixed point of their open life, labelled won or lost."""
    import pandas as pd

    check_window(history, MIN_HISTORY_DAYS)
    deals = history.deals
    closed = deals[deals["outcome"].isin(["won", "lost"]) & deals["closed_at"].notna()]
    # A fixed, record-specific fraction of the deal's life, so rows spread over
    # young and old deals the way open deals do when they are scored.
    fraction = ((closed["id"].to_numpy() * 2654435761) % 1000) / 1000 * 0.8
    life = closed["closed_at"] - closed["created_at"]
    as_of = closed["created_at"] + life * fraction
    rows = pd.DataFrame({"id": closed["id"].to_numpy(), "as_of": as_of.to_numpy()})
    rows["as_of"] = pd.to_datetime(rows["as_of"], utc=True)
    data = Dataset(
        frame=build(history, "deal", rows),
        y=(closed["outcome"] == "won").to_numpy().astype(int),
        as_of=closed["closed_at"].to_numpy(),
        ids=rows["id"].to_numpy(),
        positive=_("won deals"),
        negative=_("lost deals"),
    )
    check_cases(data, 10)
    return data


def deal_scoring(history: History, ids: list[int] | None = None) -> tuple[Any, Any]:
    """Open deals (or the given ones) as of now."""
    import pandas as pd

    deals = history.deals
    open_deals = deals[deals["outcome"] == "open"]
    if ids is not None:
        open_deals = open_deals[open_deals["id"].isin(ids)]
    chosen = open_deals["id"].to_numpy()
    rows = pd.DataFrame(
        {"id": chosen, "as_of": [pd.Timestamp(history.now)] * len(chosen)}
    )
    return chosen, build(history, "deal", rows)
