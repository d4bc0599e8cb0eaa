"""What the demo generator knows while planning: records so far, hidden truths."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Max

from rapport.accounts.models import Team, User
from rapport.crm.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    Product,
    Quote,
    QuoteLine,
    Stage,
)
from rapport.demo.people import PEOPLE, Person
from rapport.demo.rules import CompanyTruth
from rapport.demo.story import LeadStory

HISTORY_DAYS = 547  # 18 months


@dataclass(frozen=True)
class DemoSize:
    """How many records of each kind a demo holds."""

    companies: int
    contacts: int
    leads: int
    deals: int
    activities: int


SIZES = {
    "full": DemoSize(
        companies=500, contacts=1500, leads=3000, deals=1200, activities=30000
    ),
    "small": DemoSize(
        companies=50, contacts=150, leads=300, deals=120, activities=3000
    ),
}

# Chance that a lead from each source becomes a deal (docs/demo-data.md).
CONVERSION = {
    "referral": 0.45,
    "trade_show": 0.35,
    "partner": 0.30,
    "website": 0.18,
    "campaign": 0.12,
    "other": 0.10,
    "cold_call": 0.05,
}
# Conversion also grows with the lead's budget, as (budget / 180,000)^0.6; this
# factor keeps the mean over the budget draw near 1.
BUDGET_PULL = 0.74
SOURCE_SHARE = {
    "website": 25,
    "cold_call": 25,
    "trade_show": 13,
    "referral": 12,
    "campaign": 12,
    "partner": 8,
    "other": 5,
}
INDUSTRY_SHARE = {
    "manufacturing": 30,
    "construction": 12,
    "software": 10,
    "energy": 10,
    "logistics": 8,
    "healthcare": 7,
    "retail": 6,
    "finance": 5,
    "government": 5,
    "education": 4,
    "other": 3,
}
SIZE_SHARE = {"small": 30, "medium": 40, "large": 22, "enterprise": 8}
REGION_TEAM = {
    "east_china": "east",
    "south_china": "south",
    "hong_kong": "south",
    "north_china": "north",
    "central_china": "north",
    "west_china": "north",
    "asia_pacific": "intl",
    "europe": "intl",
    "north_america": "intl",
    "other": "intl",
}
DISCOUNTS = [0, 0, 2, 3, 5, 5, 6, 8, 8, 10, 10, 12, 12, 15, 15, 18, 20]


@dataclass
class DealPlan:
    """A deal with the hidden values that decided its fate."""

    deal: Deal
    truth: CompanyTruth
    source: str
    created_ago: float
    end_ago: float
    engagement: float
    theme: tuple[str, str, list[str]]
    list_value: float
    outcome: str
    overloaded: bool
    progress: float


@dataclass
class DemoState:
    """The planned records of one demo company, and helpers to plan more."""

    size: DemoSize
    seed: int
    now: datetime
    rng: random.Random = field(init=False)
    users: dict[str, User] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    stages: dict[str, Stage] = field(default_factory=dict)
    companies: list[Company] = field(default_factory=list)
    truths: dict[int, CompanyTruth] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    contacts_of: dict[int, list[Contact]] = field(default_factory=dict)
    contact_ago: dict[int, float] = field(default_factory=dict)
    reach: dict[int, tuple[str, str]] = field(default_factory=dict)
    lead_stories: dict[int, LeadStory] = field(default_factory=dict)
    methods: list[ContactMethod] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    deals: list[DealPlan] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    products: dict[str, Product] = field(default_factory=dict)
    quotes: list[Quote] = field(default_factory=list)
    lines: list[QuoteLine] = field(default_factory=list)
    next_id: dict[type[models.Model], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    def new_id(self, model: type[models.Model]) -> int:
        if model not in self.next_id:
            last = model._default_manager.aggregate(last=Max("id"))["last"] or 0
            self.next_id[model] = last + 1
        self.next_id[model] += 1
        return self.next_id[model] - 1

    def pick(self, weights: Mapping[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def owners_of(self, team: str) -> list[tuple[User, Person]]:
        return [
            (self.users[p.username], p)
            for p in PEOPLE
            if p.team == team and p.sells > 0
        ]

    def pick_owner(self, team: str) -> tuple[User, Person]:
        owners = self.owners_of(team)
        return self.rng.choices(owners, weights=[p.sells for _, p in owners])[0]

    def contact_at(self, company: Company, when_ago: float) -> Contact:
        people = self.contacts_of[company.id]
        known = [c for c in people if self.contact_ago.get(c.id, 0.0) >= when_ago]
        return self.rng.choice(known or people[:1])
