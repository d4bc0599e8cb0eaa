"""Planning the customers: companies, their people, leads and where deals come from."""

from __future__ import annotations

from decimal import Decimal

from rapport.crm.models import Company, Contact, Lead
from rapport.demo import names
from rapport.demo.deals import DealPlanner
from rapport.demo.rules import CompanyTruth, company_language, credit_code
from rapport.demo.state import (
    BUDGET_PULL,
    CONVERSION,
    HISTORY_DAYS,
    INDUSTRY_SHARE,
    REGION_TEAM,
    SIZE_SHARE,
    SOURCE_SHARE,
)
from rapport.demo.story import ActivityWriter, LeadStory


class CustomerPlanner(DealPlanner):
    """Plans companies, contacts and leads; converted leads and old customers buy."""

    def plan_companies(self) -> None:
        taken_names: set[str] = set()
        taken_codes: set[str] = set()
        for _ in range(self.size.companies):
            company = Company(id=self.new_id(Company), version=1)
            company.industry = self.pick(INDUSTRY_SHARE)
            company.size = self.pick(SIZE_SHARE)
            if self.rng.random() < 0.8:
                self.name_chinese(company, taken_names, taken_codes)
            else:
                self.name_foreign(company, taken_names)
            company.tier = {
                "enterprise": "A",
                "large": self.rng.choice("AB"),
                "medium": self.rng.choice("BBC"),
                "small": "C",
            }[company.size]
            owner, person = self.pick_owner(REGION_TEAM[company.region])
            company.owner, company.team_id = owner, owner.team_id
            health = min(0.97, max(0.05, self.rng.betavariate(3.2, 1.6)))
            truth = CompanyTruth(
                health=health,
                overloaded_owner=person.overloaded,
                language=company_language(company, self.rng),
            )
            if health < 0.4 and self.rng.random() < 0.75:
                truth.lifetime = self.rng.uniform(60, 320)
            self.truths[company.id] = truth
            self.companies.append(company)
        # Most customers came in through leads later; the rest were imported at go-live.
        for company in self.companies:
            if self.rng.random() < 0.45:
                self.truths[company.id].created_ago = self.rng.uniform(
                    541, HISTORY_DAYS
                )

    def name_chinese(self, company: Company, taken: set[str], codes: set[str]) -> None:
        city = self.rng.choice(names.CITIES)
        zh_city, en_city, region, code_area, district, road, _area = city
        while True:
            first, second = self.rng.sample(names.TRADE_CHARS, 2)
            word_zh, word_en = self.rng.choice(names.INDUSTRY_WORDS[company.industry])
            name = f"{zh_city}{first[0]}{second[0]}{word_zh}有限公司"
            if name not in taken:
                break
        taken.add(name)
        trade = f"{first[1]}{second[1]}".capitalize()
        company.name = name
        company.short_name = f"{first[0]}{second[0]}{word_zh[:2]}"
        company.english_name = f"{en_city} {trade} {word_en} Co., Ltd."
        company.region = region
        company.credit_code = credit_code(self.rng, code_area, codes)
        company.address = f"{zh_city}市{district}{road}{self.rng.randint(1, 2000)}号"
        company.website = f"https://www.{trade.lower()}{self.rng.randint(1, 99)}.com.cn"

    def name_foreign(self, company: Company, taken: set[str]) -> None:
        country, region, suffix, _phone, street, city, tld = self.rng.choice(
            names.FOREIGN_PLACES
        )
        while True:
            stem = self.rng.choice(names.ENGLISH_STEMS)
            word = self.rng.choice(names.ENGLISH_INDUSTRY_WORDS[company.industry])
            name = f"{stem} {word} {suffix}"
            if name not in taken:
                break
            stem = f"{stem} {self.rng.choice(['Pacific', 'Global', 'United', 'Asia'])}"
            name = f"{stem} {word} {suffix}"
            if name not in taken:
                break
        taken.add(name)
        company.name = company.english_name = name
        company.short_name = stem
        company.region = region
        company.address = f"{self.rng.randint(1, 400)} {street}, {city}, {country}"
        slug = stem.lower().replace(" ", "")
        company.website = f"https://www.{slug}.{tld}"

    def plan_contacts(self) -> None:
        weights = {"small": 1, "medium": 2, "large": 3, "enterprise": 4}
        per_company = {c.id: 1 for c in self.companies}
        extra = self.rng.choices(
            self.companies,
            weights=[weights[c.size] for c in self.companies],
            k=max(0, self.size.contacts - len(self.companies)),
        )
        for company in extra:
            per_company[company.id] += 1
        for company in self.companies:
            truth = self.truths[company.id]
            for _ in range(per_company[company.id]):
                contact = Contact(
                    id=self.new_id(Contact),
                    version=1,
                    company=company,
                    owner=company.owner,
                    team_id=company.team_id,
                )
                ActivityWriter.fill_contact(self, contact, company, truth.language)
                self.contacts.append(contact)
                self.contacts_of.setdefault(company.id, []).append(contact)

    def plan_leads_and_deals(self) -> None:
        converted: list[tuple[Lead, float]] = []
        for _ in range(self.size.leads):
            lead, converted_ago = self.plan_lead()
            self.leads.append(lead)
            if converted_ago is not None:
                converted.append((lead, converted_ago))
        converted.sort(key=lambda item: -item[1])
        acquired = [c for c in self.companies if self.truths[c.id].created_ago is None]
        newcomers = set(
            id(lead)
            for lead, _ in self.rng.sample(
                converted, min(len(acquired), len(converted))
            )
        )
        for company in acquired[len(newcomers) :]:
            self.truths[company.id].created_ago = self.rng.uniform(541, HISTORY_DAYS)
        acquired_iter = iter(acquired)
        for lead, converted_ago in converted:
            if id(lead) in newcomers:
                company = next(acquired_iter)
                self.truths[company.id].created_ago = converted_ago + 0.01
            else:
                company = self.existing_company(converted_ago)
            self.attach_lead(lead, company, converted_ago)
            self.plan_deal(company, lead.source, converted_ago, lead=lead)
        self.settle_companies()
        for _ in range(max(0, self.size.deals - len(converted))):
            company, created_ago = self.repeat_business()
            self.plan_deal(company, "repeat", created_ago)

    def plan_lead(self) -> tuple[Lead, float | None]:
        source = self.pick(SOURCE_SHARE)
        region = self.pick(
            {
                "east_china": 32,
                "south_china": 24,
                "north_china": 18,
                "central_china": 6,
                "west_china": 5,
                "asia_pacific": 8,
                "europe": 4,
                "north_america": 3,
            }
        )
        owner, _ = self.pick_owner(REGION_TEAM[region])
        industry = self.pick(INDUSTRY_SHARE)
        created_ago = self.rng.uniform(1, 540)
        lead = Lead(
            id=self.new_id(Lead),
            version=1,
            source=source,
            region=region,
            industry=industry,
            owner=owner,
            team_id=owner.team_id,
            created_at=self.at(created_ago),
            updated_at=self.at(created_ago),
        )
        size_factor = self.rng.choice([0.35, 1.0, 1.0, 2.2, 4.0])
        budget = 180000 * size_factor * self.rng.lognormvariate(0, 0.5)
        lead.budget = Decimal(int(budget / 1000) * 1000)
        language = "zh" if REGION_TEAM[region] != "intl" else "en"
        story = LeadStory(
            created_ago=created_ago,
            end_ago=0.0,
            theme=self.rng.choice(names.DEAL_THEMES),
            language=language,
        )
        self.lead_stories[lead.id] = story
        ActivityWriter.name_prospect(self, lead, story)

        lag = min(60.0, 4 + self.rng.expovariate(1 / 14))
        decided_ago = created_ago - lag
        # A lead that states a larger budget is a more serious buyer: the
        # source's rate scales with (budget / 180,000)^0.6, normalised so the
        # overall rate stays about that of the source alone (docs/demo-data.md).
        chance = CONVERSION[source] * BUDGET_PULL * (budget / 180000) ** 0.6
        converts = self.rng.random() < min(0.9, chance)
        if converts and decided_ago > 0.5:
            story.end_ago = decided_ago
            return lead, decided_ago
        if decided_ago > 0 and not converts:
            story.end_ago = decided_ago
            stale = self.rng.random() < 0.12
            lead.status = Lead.Status.CONTACTED if stale else Lead.Status.DISQUALIFIED
            lead.updated_at = self.at(decided_ago)
            return lead, None
        lead.status = (
            Lead.Status.NEW
            if created_ago < 5
            else Lead.Status.CONTACTED
            if created_ago < 15
            else Lead.Status.QUALIFIED
        )
        return lead, None

    def existing_company(self, when_ago: float) -> Company:
        candidates = [c for c in self.companies if self.is_customer_at(c, when_ago)]
        weights = [
            {"small": 1, "medium": 2, "large": 3, "enterprise": 4}[c.size]
            for c in candidates
        ]
        return self.rng.choices(candidates, weights=weights)[0]

    def is_customer_at(self, company: Company, when_ago: float) -> bool:
        truth = self.truths[company.id]
        if truth.created_ago is None or truth.created_ago <= when_ago + 3:
            return False
        return truth.churn_ago is None or truth.churn_ago < when_ago

    def attach_lead(self, lead: Lead, company: Company, converted_ago: float) -> None:
        contact = self.contact_at(company, converted_ago)
        lead.status = Lead.Status.CONVERTED
        lead.company, lead.contact = company, contact
        lead.company_name, lead.contact_name = company.name, contact.name
        lead.email, lead.phone = self.reach[contact.id]
        lead.region, lead.industry = company.region, company.industry
        lead.owner, lead.team_id = company.owner, company.team_id
        lead.converted_at = lead.updated_at = self.at(converted_ago)
        story = self.lead_stories[lead.id]
        story.language = self.truths[company.id].language
        lead.title = ActivityWriter.deal_title(company, story.theme, story.language, 0)

    def settle_companies(self) -> None:
        """Fix when each company arrived and when its people came."""
        for company in self.companies:
            truth = self.truths[company.id]
            if truth.created_ago is None:
                truth.created_ago = self.rng.uniform(541, HISTORY_DAYS)
            company.created_at = self.at(truth.created_ago)
            company.updated_at = self.at(truth.created_ago * self.rng.uniform(0, 1))
            # The first person arrives with the company, the others later.
            for order, contact in enumerate(self.contacts_of[company.id]):
                ago = (
                    truth.created_ago
                    if order == 0
                    else truth.created_ago * (self.rng.uniform(0.2, 1.0))
                )
                self.contact_ago[contact.id] = ago
                contact.created_at = contact.updated_at = self.at(ago)

    def repeat_business(self) -> tuple[Company, float]:
        weights = [
            {"small": 1, "medium": 2, "large": 3, "enterprise": 5}[c.size]
            * (0.4 + self.truths[c.id].health)
            for c in self.companies
        ]
        while True:
            company = self.rng.choices(self.companies, weights=weights)[0]
            truth = self.truths[company.id]
            assert truth.created_ago is not None
            latest = truth.churn_ago + 3 if truth.churn_ago is not None else 1.0
            earliest = truth.created_ago - 10
            if earliest > latest:
                return company, self.rng.uniform(latest, earliest)
