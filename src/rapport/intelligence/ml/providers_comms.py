"""Churn features from the customer's messages, as of the prediction date.

Messages (comms, through its selector) and their analyses (sentiment and label,
this app's `MessageAnalysis`) are read once per run into frames kept on the
`History`; no per-company queries. Only messages sent at or before the as-of
time count. Per company:

- inbound and outbound messages in the last 30 and 90 days;
- days since the last inbound message;
- mean sentiment of inbound messages over 30 and 90 days, and its trend
  (30-day mean minus 90-day mean; negative when the tone is getting worse);
- the share of inbound messages labelled negative over 90 days.

A message not yet analysed counts in the message counts but not in the
sentiment columns (left empty when none is analysed). Response times are not
computed: pairing replies with the messages they answer needs the threads,
which would cost more than the counts above.
"""

from __future__ import annotations

from typing import Any

from rapport.intelligence.ml.features import (
    DAY,
    History,
    _windowed_counts,
    register_provider,
)


def _messages() -> Any:
    import pandas as pd

    from rapport.comms import selectors as comms

    fields = ["company_id", "direction", "sent_at"]
    frame = pd.DataFrame(list(comms.history_rows(fields)), columns=fields)
    frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
    return frame


def _analyses() -> Any:
    import pandas as pd

    from rapport.intelligence.models import MessageAnalysis

    fields = ["company_id", "sent_at", "sentiment", "label"]
    rows = (
        MessageAnalysis.objects.filter(company__isnull=False, inbound=True)
        .values_list(*fields)
        .iterator(chunk_size=5000)
    )
    frame = pd.DataFrame(list(rows), columns=fields)
    frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
    frame["sentiment"] = frame["sentiment"].astype(float)
    return frame


def _windowed_mean(events: Any, value: Any, rows: Any, days: int) -> tuple[Any, Any]:
    """Per row: mean of `value` and count over events in the window before as_of."""
    base = rows[["id", "as_of"]].reset_index().rename(columns={"index": "row"})
    base["id"] = base["id"].astype("int64")
    linked = events[["company_id", "sent_at"]].assign(value=value)
    linked = linked.assign(company_id=linked["company_id"].astype("int64"))
    joined = base.merge(linked, left_on="id", right_on="company_id", how="inner")
    age = (joined["as_of"] - joined["sent_at"]).dt.total_seconds() / DAY
    joined = joined[(age >= 0) & (age <= days)]
    groups = joined.groupby("row")["value"]
    return (
        groups.mean().reindex(rows.index),
        groups.size().reindex(rows.index, fill_value=0),
    )


def comms_activity(history: History, subject: str, rows: Any) -> Any:
    """Message counts, recency and sentiment of a company as of each row's date."""
    import numpy as np
    import pandas as pd

    messages = history.frame("comms.messages", _messages)
    analyses = history.frame("comms.analyses", _analyses)
    out = pd.DataFrame(index=rows.index)
    windows = {"30d": 30, "90d": 90}
    for direction in ("inbound", "outbound"):
        part = _windowed_counts(
            messages[messages["direction"] == direction],
            "company_id",
            "sent_at",
            rows,
            windows,
            f"{direction}_messages",
        )
        out[f"{direction}_messages_30d"] = part[f"{direction}_messages_30d"]
        out[f"{direction}_messages_90d"] = part[f"{direction}_messages_90d"]
        if direction == "inbound":
            out["days_since_inbound"] = part["inbound_messages_days_since_last"]
    mean_30, _count = _windowed_mean(analyses, analyses["sentiment"], rows, 30)
    mean_90, count_90 = _windowed_mean(analyses, analyses["sentiment"], rows, 90)
    out["sentiment_30d"] = mean_30.astype(float)
    out["sentiment_90d"] = mean_90.astype(float)
    out["sentiment_trend"] = out["sentiment_30d"] - out["sentiment_90d"]
    negative = (analyses["label"] == "negative").astype(float)
    share, _n = _windowed_mean(analyses, negative, rows, 90)
    out["negative_share_90d"] = share.astype(float).where(count_90 > 0, np.nan)
    return out


register_provider("comms", {"company"}, comms_activity)
