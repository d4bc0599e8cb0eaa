"""People, prospects and the activity timeline of the demo company.

`ActivityWriter` spreads the wanted number of activities over deals, leads and
customer accounts, with times, owners and tones that follow each record's hidden
story (rules.py): unhappy customers complain, busy reps answer late, engaged
deals see frequent contact and close sooner.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rapport.crm.models import Activity, Company, Contact, ContactMethod, Lead
from rapport.demo import names, texts
from rapport.demo.rules import pick_tone

if TYPE_CHECKING:
    from rapport.accounts.models import User
    from rapport.demo.state import DealPlan, DemoState

KIND_SHARE = {"call": 28, "email": 30, "meeting": 14, "note": 12, "task": 16}
GROUP_SHARE = {"deal": 0.62, "lead": 0.18, "company": 0.20}
PRODUCT_NAMES = {code: (zh, en) for code, zh, en, *_ in names.PRODUCTS}
PERSONAL_MAIL = {
    "zh": ["163.com", "qq.com", "126.com"],
    "en": ["gmail.com", "outlook.com"],
}


@dataclass
class LeadStory:
    """When a lead was open, what it is about and in which language it speaks."""

    created_ago: float
    end_ago: float
    theme: tuple[str, str, list[str]]
    language: str


@dataclass
class _Thread:
    kind: str
    start_ago: float
    end_ago: float
    weight: float
    owner: User
    company: Company | None = None
    deal_plan: DealPlan | None = None
    lead: Lead | None = None
    health: float = 0.7
    language: str = "zh"
    theme: tuple[str, str, list[str]] | None = None
    first_lag: float = 0.0


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, largest remainders first."""
    if not weights or total <= 0:
        return [0] * len(weights)
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def person_name(rng: random.Random, language: str) -> tuple[str, str, str]:
    """A person's display name and the two parts their e-mail address is made of."""
    if language == "zh":
        (surname, sur_py), (given, given_py) = (
            rng.choice(names.SURNAMES),
            rng.choice(names.GIVEN_NAMES),
        )
        return f"{surname}{given}", given_py, sur_py
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    ascii_last = last.lower().replace("ü", "ue")
    return f"{first} {last}", first.lower(), ascii_last


def mobile(rng: random.Random, language: str, region_prefix: str = "+1") -> str:
    if language == "zh":
        digits = (
            f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
        )
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return (
        f"{region_prefix} {rng.randint(200, 999)} {rng.randint(1000, 9999)} "
        f"{rng.randint(100, 999)}"
    )


def domain_of(website: str) -> str:
    return website.removeprefix("https://").removeprefix("www.")


class ActivityWriter:
    """Makes contacts, prospects and the activity timeline for a `DemoState`."""

    def __init__(self, builder: DemoState) -> None:
        self.b = builder
        self.rng = builder.rng
        self.support = builder.users.get("deng.li")

    # --- People and prospects ---------------------------------------------------------

    @staticmethod
    def fill_contact(
        b: DemoState, contact: Contact, company: Company, language: str
    ) -> None:
        """Name a contact of `company` and give them phones and e-mail addresses."""
        rng = b.rng
        name, part1, part2 = person_name(rng, language)
        title, department = rng.choice(
            names.TITLES_ZH if language == "zh" else names.TITLES_EN
        )
        contact.name, contact.title, contact.department = name, title, department
        domain = domain_of(company.website)
        email = (
            f"{part1}.{part2}@{domain}"
            if rng.random() < 0.6
            else f"{part2}{part1}@{domain}"
        )
        prefix = "+86"
        for place in names.FOREIGN_PLACES:
            if company.address.endswith(place[0]):
                prefix = place[3]
        phone = mobile(rng, "zh" if prefix == "+86" else "en", prefix)
        rows = [
            ContactMethod(
                contact=contact,
                kind="email",
                value=email,
                label="work",
                is_primary=True,
            ),
            ContactMethod(
                contact=contact,
                kind="phone",
                value=phone,
                label="mobile",
                is_primary=True,
            ),
        ]
        if rng.random() < 0.5:
            office = (
                f"{prefix} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
                if prefix != "+86"
                else f"{rng.choice(names.CITIES)[6]}-{rng.randint(5000, 8999)}"
                f" {rng.randint(1000, 9999)}"
            )
            rows.append(
                ContactMethod(
                    contact=contact, kind="phone", value=office, label="office"
                )
            )
        if rng.random() < 0.3:
            personal = rng.choice(PERSONAL_MAIL["zh" if prefix == "+86" else "en"])
            rows.append(
                ContactMethod(
                    contact=contact,
                    kind="email",
                    value=f"{part2}{part1}{rng.randint(1, 99)}@{personal}",
                    label="personal",
                )
            )
        b.methods.extend(rows)
        b.reach[contact.id] = (email, phone)

    @staticmethod
    def name_prospect(b: DemoState, lead: Lead, story: LeadStory) -> None:
        """Give a not-yet-customer lead a company, a person and a title."""
        rng = b.rng
        zh, en, _codes = story.theme
        if story.language == "zh":
            cities = [c for c in names.CITIES if c[2] == lead.region] or names.CITIES
            city = rng.choice(cities)
            (c1, p1), (c2, p2) = rng.sample(names.TRADE_CHARS, 2)
            word = rng.choice(names.INDUSTRY_WORDS[lead.industry])[0]
            lead.company_name = f"{city[0]}{c1}{c2}{word}有限公司"
            short, domain = f"{c1}{c2}{word[:2]}", f"{p1}{p2}.com.cn"
            lead.title = f"{short}{zh}"
        else:
            stem = rng.choice(names.ENGLISH_STEMS)
            word = rng.choice(names.ENGLISH_INDUSTRY_WORDS[lead.industry])
            lead.company_name = f"{stem} {word}"
            short, domain = stem, f"{stem.lower().replace(' ', '')}.com"
            lead.title = f"{short}: {en}"
        name, part1, part2 = person_name(rng, story.language)
        lead.contact_name = name
        lead.email = f"{part1}.{part2}@{domain}"
        lead.phone = mobile(rng, story.language)

    @staticmethod
    def deal_title(
        company: Company, theme: tuple[str, str, list[str]], language: str, phase: int
    ) -> str:
        zh, en, _codes = theme
        if language == "zh":
            return f"{company.short_name}{zh}{names.PHASES_ZH[phase]}"
        return f"{company.short_name}: {en} {names.PHASES_EN[phase]}".strip()

    @staticmethod
    def deal_notes(theme: tuple[str, str, list[str]], language: str) -> str:
        codes = theme[2]
        products = [PRODUCT_NAMES[c][0 if language == "zh" else 1] for c in codes]
        if language == "zh":
            return f"范围：{'、'.join(products)}。"
        return f"Scope: {', '.join(products)}."

    # --- The timeline -----------------------------------------------------------------

    def plan(self, total: int) -> None:
        """Spread `total` activities over deals, leads and customer accounts."""
        closing = [p for p in self.b.deals if p.outcome != "open"]
        groups = {
            "deal": self.deal_threads(),
            "lead": self.lead_threads(),
            "company": self.company_threads(),
        }
        quotas = allocate(total - len(closing), list(GROUP_SHARE.values()))
        for threads, quota in zip(groups.values(), quotas, strict=True):
            counts = allocate(quota, [t.weight for t in threads])
            for thread, count in zip(threads, counts, strict=True):
                for _ in range(count):
                    self.b.activities.append(self.activity(thread))
        for plan in closing:
            self.b.activities.append(self.closing_note(plan))

    def deal_threads(self) -> list[_Thread]:
        threads = []
        for plan in self.b.deals:
            deal = plan.deal
            lag = (
                self.rng.uniform(4, 12) if plan.overloaded else self.rng.uniform(0.1, 2)
            )
            window = max(plan.created_ago - plan.end_ago, 0.5)
            threads.append(
                _Thread(
                    kind="deal",
                    start_ago=plan.created_ago,
                    end_ago=plan.end_ago,
                    weight=plan.engagement * window,
                    owner=deal.owner,
                    company=deal.company,
                    deal_plan=plan,
                    health=plan.truth.health,
                    language=plan.truth.language,
                    theme=plan.theme,
                    first_lag=lag,
                )
            )
        return threads

    def lead_threads(self) -> list[_Thread]:
        threads = []
        for lead in self.b.leads:
            story = self.b.lead_stories[lead.id]
            window = max(story.created_ago - story.end_ago, 0.5)
            threads.append(
                _Thread(
                    kind="lead",
                    start_ago=story.created_ago,
                    end_ago=story.end_ago,
                    weight=min(window, 45.0),
                    owner=lead.owner,
                    lead=lead,
                    language=story.language,
                    theme=story.theme,
                )
            )
        return threads

    def company_threads(self) -> list[_Thread]:
        threads = []
        for company in self.b.companies:
            truth = self.b.truths[company.id]
            assert truth.created_ago is not None
            end = truth.churn_ago or 0.0
            window = max(truth.created_ago - end, 0.5)
            threads.append(
                _Thread(
                    kind="company",
                    start_ago=truth.created_ago,
                    end_ago=end,
                    weight=window * (0.4 + 1.6 * (1 - truth.health) ** 1.5),
                    owner=company.owner,
                    company=company,
                    health=truth.health,
                    language=truth.language,
                    theme=self.rng.choice(names.DEAL_THEMES),
                )
            )
        return threads

    def activity(self, thread: _Thread) -> Activity:
        rng = self.rng
        start = thread.start_ago - thread.first_lag
        if start <= thread.end_ago:
            start = thread.start_ago
        when_ago = rng.uniform(thread.end_ago, start)
        kind = self.b.pick(KIND_SHARE)
        owner = thread.owner
        if thread.kind == "lead":
            choices = [t for t in texts.PROSPECTING[thread.language] if t[0] == kind]
            _kind, subject, body = rng.choice(choices)
            tone = "neutral"
        else:
            tone = pick_tone(thread.health, rng)
            subject, body = rng.choice(texts.TONES[tone][thread.language][kind])
            if tone == "complaint" and self.support is not None and rng.random() < 0.3:
                owner = self.support
        activity = Activity(
            id=self.b.new_id(Activity),
            version=1,
            kind=kind,
            owner=owner,
            team_id=owner.team_id,
            occurred_at=self.b.at(when_ago),
            created_at=self.b.at(when_ago),
            updated_at=self.b.at(when_ago),
        )
        contact = self.link(activity, thread, when_ago)
        slots = self.slots(thread, contact)
        activity.subject = subject.format(**slots)[:200]
        activity.body = body.format(**slots)
        if kind == "task":
            self.schedule(activity, when_ago)
        return activity

    def link(self, activity: Activity, thread: _Thread, when_ago: float) -> Any:
        if thread.kind == "lead":
            activity.lead = thread.lead
            return None
        activity.company = thread.company
        if thread.deal_plan is not None:
            activity.deal = thread.deal_plan.deal
            contact = thread.deal_plan.deal.contact
        else:
            assert thread.company is not None
            contact = self.b.contact_at(thread.company, when_ago)
        activity.contact = contact
        return contact

    def slots(self, thread: _Thread, contact: Contact | None) -> dict[str, Any]:
        zh = thread.language == "zh"
        theme = thread.theme or names.DEAL_THEMES[0]
        product = PRODUCT_NAMES[self.rng.choice(theme[2])][0 if zh else 1]
        if thread.lead is not None:
            person = thread.lead.contact_name or ("对方" if zh else "them")
            company = thread.lead.company_name
        else:
            assert thread.company is not None
            person = contact.name if contact is not None else ""
            company = thread.company.short_name or thread.company.name
        return {
            "contact": person,
            "company": company,
            "theme": theme[0 if zh else 1],
            "product": product,
            "days": self.rng.randint(3, 30),
        }

    def schedule(self, activity: Activity, when_ago: float) -> None:
        """Give a task its due date: old ones mostly done, recent ones maybe late."""
        rng = self.rng
        lead_time = rng.uniform(1, 10)
        due_ago = when_ago - lead_time
        activity.due_at = self.b.at(due_ago)
        if due_ago > 0:
            if rng.random() < (0.96 if due_ago > 21 else 0.55):
                done_ago = min(when_ago, max(0.0, due_ago + rng.uniform(-2, 1.5)))
                activity.done_at = activity.updated_at = self.b.at(done_ago)
        elif due_ago < -1:
            activity.remind_at = activity.due_at - timedelta(days=1)

    def closing_note(self, plan: DealPlan) -> Activity:
        deal = plan.deal
        zh = plan.truth.language
        theme = plan.theme[0 if zh == "zh" else 1]
        if plan.outcome == "won":
            subject, body = texts.WON_NOTE[zh]
        else:
            subject, body = texts.LOST_NOTE[zh]
        when = self.b.at(plan.end_ago)
        return Activity(
            id=self.b.new_id(Activity),
            version=1,
            kind="note",
            owner=deal.owner,
            team_id=deal.team_id,
            company=deal.company,
            contact=deal.contact,
            deal=deal,
            subject=subject.format(theme=theme)[:200],
            body=body.format(theme=theme, reason=deal.lost_reason),
            occurred_at=when,
            created_at=when,
            updated_at=when,
        )
