"""The hidden causal rules behind the demo history (documented in docs/demo-data.md).

Nothing here is stored in the CRM tables: a model trained on the demo data has to
find these effects from what the records show (activities, discounts, sources,
stages and dates), as it would in a real company.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

# Win-probability shift by where the deal came from ("repeat" = an existing customer).
SOURCE_WIN = {
    "referral": 0.12,
    "trade_show": 0.06,
    "partner": 0.05,
    "repeat": 0.05,
    "website": 0.0,
    "other": 0.0,
    "campaign": -0.03,
    "cold_call": -0.08,
}

CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


@dataclass
class CompanyTruth:
    """What the generator knows about a customer and the CRM never records."""

    health: float
    overloaded_owner: bool
    language: str
    # Days from becoming a customer to leaving for good; None for those who stay.
    lifetime: float | None = None
    created_ago: float | None = None

    @property
    def churn_ago(self) -> float | None:
        """When the customer left, in days before now, if it has left yet."""
        if self.lifetime is None or self.created_ago is None:
            return None
        left = self.created_ago - self.lifetime
        return left if left > 5 else None


def win_probability(
    health: float, discount: float, source: str, engagement: float, overloaded: bool
) -> float:
    """The chance a deal is won: health, discount, source, engagement and rep load."""
    p = (
        0.42
        + 0.80 * (health - 0.65)
        + 0.035 * (discount - 8)
        + SOURCE_WIN.get(source, 0.0)
        + 0.12 * (engagement - 1)
        - (0.15 if overloaded else 0.0)
    )
    return min(0.95, max(0.03, p))


def cycle_days(
    size_factor: float, engagement: float, overloaded: bool, rng: random.Random
) -> float:
    """Days from opening to closing: bigger deals take longer, engaged ones less."""
    days = (25 + 35 * size_factor**0.5) / engagement * rng.lognormvariate(0, 0.25)
    if overloaded:
        days *= 1.3
    return min(300.0, max(7.0, days))


def complaint_share(health: float) -> float:
    """Share of a customer's activities that are complaints."""
    return 0.03 + 0.65 * (1 - health) ** 2.5


def positive_share(health: float) -> float:
    """Share of a customer's activities that are praise or good news."""
    return 0.10 + 0.45 * health**2


def pick_tone(health: float, rng: random.Random) -> str:
    """Complaint, positive or neutral, drawn by the customer's health."""
    draw = rng.random()
    if draw < complaint_share(health):
        return "complaint"
    if draw < complaint_share(health) + positive_share(health):
        return "positive"
    return "neutral"


def company_language(company: Any, rng: random.Random) -> str:
    """Chinese customers write Chinese (a few English); foreign ones English."""
    if company.credit_code:
        return "en" if rng.random() < 0.1 else "zh"
    return "en"


def org_code(body: str) -> str:
    """An organisation code (GB 11714): eight characters and their check character."""
    total = sum(
        CODE_CHARS.index(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def with_check(body17: str) -> str:
    """A unified social credit code (GB 32100): 17 characters and the check one."""
    total = sum(
        CODE_CHARS.index(ch) * w for ch, w in zip(body17, _CODE_WEIGHTS, strict=True)
    )
    return body17 + CODE_CHARS[(31 - total % 31) % 31]


def credit_code(rng: random.Random, area: str, taken: set[str]) -> str:
    """A valid-looking, unused credit code of a company registered in `area`."""
    while True:
        org = "MA" + "".join(
            rng.choice(CODE_CHARS[:10] + "ABCDEFGHJKLMN") for _ in range(6)
        )
        code = with_check("91" + area + org_code(org))
        if code not in taken:
            taken.add(code)
            return code
