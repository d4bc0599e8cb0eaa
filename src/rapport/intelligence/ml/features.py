"""Features as of a prediction date, from a list of providers, without leakage.

The CRM history is read once into frames (`load_history`); each feature
provider turns (record id, as-of time) rows into columns using only facts dated
at or before the as-of time: activities by `occurred_at`, deals by `created_at`
and their outcome only once `closed_at` has passed, quotes by `created_at`.
Record attributes that a later outcome rewrites (stage, probability, lead
status, closing date) are never features. Comms counts and sentiment come from
`providers_comms` (messages by `sent_at`); project health may join later as a
provider of its own (`register_provider`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rapport.crm import selectors as crm

DAY = 86400.0

COMPANY = ["id", "industry", "region", "size", "tier", "created_at", "owner_id"]
LEAD = [
    "id",
    "source",
    "region",
    "industry",
    "budget",
    "email",
    "phone",
    "company_id",
    "status",
    "created_at",
    "owner_id",
]
DEAL = [
    "id",
    "company_id",
    "lead_id",
    "amount",
    "currency",
    "discount_pct",
    "created_at",
    "closed_at",
    "stage__outcome",
    "owner_id",
    "lead__source",
]
ACTIVITY = ["id", "kind", "company_id", "deal_id", "lead_id", "occurred_at"]
QUOTE = ["id", "deal_id", "status", "created_at"]


@dataclass
class History:
    """The CRM tables as frames, read once for a training or scoring run."""

    companies: Any
    leads: Any
    deals: Any
    activities: Any
    quotes: Any
    now: datetime
    # Frames other providers read once per run (e.g. messages), by name.
    extra: dict[str, Any] = field(default_factory=dict)

    def frame(self, name: str, load: Callable[[], Any]) -> Any:
        """The named extra frame, loaded on first use and kept for the run."""
        if name not in self.extra:
            self.extra[name] = load()
        return self.extra[name]

    @property
    def start(self) -> datetime | None:
        firsts = [
            frame["created_at"].min()
            for frame in (self.companies, self.leads, self.deals)
            if len(frame)
        ]
        if len(self.activities):
            firsts.append(self.activities["occurred_at"].min())
        return min(firsts).to_pydatetime() if firsts else None


def _frame(kind: str, fields: list[str]) -> Any:
    import pandas as pd

    frame = pd.DataFrame(list(crm.history_rows(kind, fields)), columns=fields)
    for name in fields:
        if name.endswith("_at"):
            frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame.rename(columns={"stage__outcome": "outcome", "lead__source": "source"})


def load_history(now: datetime | None = None) -> History:
    """Read the CRM history (five queries) into frames."""
    deals = _frame("deal", DEAL)
    deals["amount"] = deals["amount"].astype(float)
    deals["discount_pct"] = deals["discount_pct"].astype(float)
    leads = _frame("lead", LEAD)
    leads["budget"] = leads["budget"].astype(float)
    return History(
        companies=_frame("company", COMPANY),
        leads=leads,
        deals=deals,
        activities=_frame("activity", ACTIVITY),
        quotes=_frame("quote", QUOTE),
        now=now or timezone.now(),
    )


# --- Providers -----------------------------------------------------------------

Provider = Callable[[History, str, Any], Any]
_PROVIDERS: dict[str, tuple[frozenset[str], Provider]] = {}


def register_provider(name: str, subjects: set[str], fn: Provider) -> None:
    """Add a feature provider: `fn(history, subject, rows)` returns columns.

    `rows` has `id` and `as_of`; the result is a frame with one row per input
    row (same index) whose facts all date at or before `as_of`.
    """
    _PROVIDERS[name] = (frozenset(subjects), fn)


def build(history: History, subject: str, rows: Any) -> Any:
    """All providers' columns for `rows` (id, as_of) of one kind of subject."""
    import pandas as pd

    rows = rows.reset_index(drop=True)
    parts = [
        fn(history, subject, rows)
        for subjects, fn in _PROVIDERS.values()
        if subject in subjects
    ]
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=rows.index)


def _windowed_counts(
    events: Any, key: str, time: str, rows: Any, windows: dict[str, int], prefix: str
) -> Any:
    """Per row: events of the subject in each window before as_of, and recency."""
    import numpy as np
    import pandas as pd

    base = rows[["id", "as_of"]].reset_index().rename(columns={"index": "row"})
    base["id"] = base["id"].astype("int64")
    linked = events.loc[events[key].notna(), [key, time]]
    linked = linked.assign(**{key: linked[key].astype("int64")})
    joined = base.merge(linked, left_on="id", right_on=key, how="inner")
    joined = joined[joined[time] <= joined["as_of"]]
    age = (joined["as_of"] - joined[time]).dt.total_seconds() / DAY
    out = pd.DataFrame(index=rows.index)
    for name, days in windows.items():
        counts = (age <= days).groupby(joined["row"]).sum()
        out[f"{prefix}_{name}"] = counts.reindex(rows.index, fill_value=0).astype(float)
    last = age.groupby(joined["row"]).min()
    out[f"{prefix}_days_since_last"] = last.reindex(rows.index).astype(float)
    out[f"{prefix}_days_since_last"] = out[f"{prefix}_days_since_last"].fillna(np.nan)
    return out


def company_attributes(history: History, subject: str, rows: Any) -> Any:
    """Industry, region, size, tier and the customer's age in days."""
    column = "id" if subject == "company" else "company_id"
    table = history.companies.set_index("id")
    ids = rows[column] if column in rows else _company_of(history, subject, rows)
    out = table.reindex(ids.to_numpy())[["industry", "region", "size", "tier"]]
    out = out.set_axis(rows.index)
    created = table["created_at"].reindex(ids.to_numpy()).to_numpy()
    out["company_age_days"] = (rows["as_of"].to_numpy() - created) / timedelta(days=1)
    return out


def _company_of(history: History, subject: str, rows: Any) -> Any:
    table = history.deals if subject == "deal" else history.leads
    return (
        table.set_index("id")["company_id"]
        .reindex(rows["id"].to_numpy())
        .set_axis(rows.index)
    )


def activity_recency(history: History, subject: str, rows: Any) -> Any:
    """Activities on the record in the last 30/90/365 days, days since the last."""
    key = {"company": "company_id", "deal": "deal_id", "lead": "lead_id"}[subject]
    out = _windowed_counts(
        history.activities,
        key,
        "occurred_at",
        rows,
        {"30d": 30, "90d": 90, "365d": 365},
        "activities",
    )
    if subject == "company":
        acts = history.activities
        for kind in ("call", "meeting", "email"):
            part = _windowed_counts(
                acts[acts["kind"] == kind], key, "occurred_at", rows, {"90d": 90}, kind
            )
            out[f"{kind}s_90d"] = part[f"{kind}_90d"]
        out["activity_trend"] = out["activities_30d"] * 3 - out["activities_90d"]
    return out


def deal_history(history: History, subject: str, rows: Any) -> Any:
    """A company's deals before as_of: won, lost, open, won value, recency."""
    import numpy as np
    import pandas as pd

    deals = history.deals
    base = rows[["id", "as_of"]].reset_index().rename(columns={"index": "row"})
    joined = base.merge(deals, left_on="id", right_on="company_id", how="inner")
    joined = joined[joined["created_at"] <= joined["as_of"]]
    closed = joined["closed_at"].notna() & (joined["closed_at"] <= joined["as_of"])
    won = closed & (joined["outcome"] == "won")
    lost = closed & (joined["outcome"] == "lost")
    recent = (joined["as_of"] - joined["closed_at"]).dt.total_seconds() / DAY <= 180
    out = pd.DataFrame(index=rows.index)
    groups = joined["row"]
    for name, mask in {
        "deals_won": won,
        "deals_lost": lost,
        "deals_open": ~closed,
        "deals_lost_180d": lost & recent,
        "deals_won_180d": won & recent,
    }.items():
        out[name] = (
            mask.groupby(groups).sum().reindex(rows.index, fill_value=0).astype(float)
        )
    value = joined["amount"].where(won, 0.0).groupby(groups).sum()
    out["won_value_log"] = np.log1p(value.reindex(rows.index, fill_value=0.0))
    since = ((joined["as_of"] - joined["closed_at"]).dt.total_seconds() / DAY).where(
        won
    )
    out["days_since_last_win"] = since.groupby(groups).min().reindex(rows.index)
    return out


def lead_attributes(history: History, subject: str, rows: Any) -> Any:
    """Source, region, industry, budget, contact details, existing customer."""
    import numpy as np

    table = history.leads.set_index("id").reindex(rows["id"].to_numpy())
    out = table[["source", "region", "industry"]].set_axis(rows.index).copy()
    out["budget_log"] = np.log1p(table["budget"].to_numpy())
    out["has_email"] = (table["email"].fillna("") != "").to_numpy().astype(float)
    out["has_phone"] = (table["phone"].fillna("") != "").to_numpy().astype(float)
    # Conversion links a lead to its company, so only a company that existed
    # before the lead came in counts (else the outcome would leak in).
    company_created = history.companies.set_index("id")["created_at"].reindex(
        table["company_id"].to_numpy()
    )
    existed = company_created.to_numpy() <= table["created_at"].to_numpy()
    out["existing_company"] = (table["company_id"].notna().to_numpy() & existed).astype(
        float
    )
    out["owner_open_deals"] = _owner_load(history, table["owner_id"], rows)
    return out


def deal_attributes(history: History, subject: str, rows: Any) -> Any:
    """Amount, discount, source, age, quotes, repeat business and owner load."""
    import numpy as np

    table = history.deals.set_index("id").reindex(rows["id"].to_numpy())
    out = table[["currency", "source"]].set_axis(rows.index).copy()
    out["source"] = out["source"].fillna("existing_customer")
    out["amount_log"] = np.log1p(table["amount"].to_numpy())
    out["discount_pct"] = table["discount_pct"].to_numpy()
    out["days_open"] = (
        rows["as_of"].to_numpy() - table["created_at"].to_numpy()
    ) / timedelta(days=1)
    quotes = history.quotes.rename(columns={"deal_id": "key"})
    counts = _windowed_counts(
        quotes, "key", "created_at", rows, {"all": 100000}, "quotes"
    )
    out["quotes"] = counts["quotes_all"]
    prior = history.deals[["company_id", "closed_at", "outcome"]]
    prior = prior[prior["outcome"] == "won"]
    base = rows.assign(
        company_id=table["company_id"].to_numpy(),
        created=table["created_at"].to_numpy(),
    )
    joined = base.reset_index().merge(prior, on="company_id", how="left")
    earlier = joined["closed_at"].notna() & (joined["closed_at"] < joined["created"])
    out["repeat_customer"] = (
        earlier.groupby(joined["index"])
        .any()
        .reindex(rows.index, fill_value=False)
        .astype(float)
    )
    out["owner_open_deals"] = _owner_load(history, table["owner_id"], rows)
    return out


def _owner_load(history: History, owners: Any, rows: Any) -> Any:
    """Open deals the record's owner carried at the as-of time."""
    import numpy as np

    deals = history.deals
    created = deals["created_at"].to_numpy()
    closed = deals["closed_at"].fillna(history.now).to_numpy()
    owner = deals["owner_id"].to_numpy()
    out = np.zeros(len(rows))
    as_of = rows["as_of"].to_numpy()
    for i, (who, when) in enumerate(zip(owners.to_numpy(), as_of, strict=True)):
        mine = owner == who
        out[i] = float(((created[mine] <= when) & (closed[mine] > when)).sum())
    return out


register_provider("company", {"company", "deal"}, company_attributes)
register_provider("activity", {"company", "deal", "lead"}, activity_recency)
register_provider("deal_history", {"company"}, deal_history)
register_provider("lead", {"lead"}, lead_attributes)
register_provider("deal", {"deal"}, deal_attributes)
