"""Planning deals and their quotes from the hidden rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from rapport.crm.models import Company, Deal, Lead, Quote, QuoteLine
from rapport.demo import names
from rapport.demo.rules import cycle_days, win_probability
from rapport.demo.state import DISCOUNTS, DealPlan, DemoState
from rapport.demo.story import ActivityWriter
from rapport.demo.texts import LOST_REASONS


class DealPlanner(DemoState):
    """Plans each deal's size, discount, pace and outcome, and the quote it got."""

    def plan_deal(
        self,
        company: Company,
        source: str,
        created_ago: float,
        lead: Lead | None = None,
    ) -> None:
        truth = self.truths[company.id]
        rng = self.rng
        theme = (
            self.lead_stories[lead.id].theme
            if lead is not None
            else rng.choice(names.DEAL_THEMES)
        )
        engagement = min(2.5, max(0.35, rng.lognormvariate(0, 0.4)))
        discount = rng.choice(DISCOUNTS) + rng.choice([0, 0, 0.5])
        size_factor = {"small": 0.35, "medium": 1.0, "large": 2.2, "enterprise": 4.0}
        industry_factor = {
            "construction": 1.6,
            "energy": 1.5,
            "finance": 1.4,
            "government": 1.3,
            "manufacturing": 1.2,
            "healthcare": 1.1,
            "logistics": 0.9,
            "software": 0.8,
            "other": 0.8,
            "retail": 0.7,
            "education": 0.6,
        }
        list_value = (
            180000
            * size_factor[company.size]
            * industry_factor[company.industry]
            * rng.lognormvariate(0, 0.45)
        )
        if source == "repeat":
            list_value *= 0.7
        cycle = cycle_days(
            size_factor[company.size], engagement, truth.overloaded_owner, rng
        )
        p_win = win_probability(
            truth.health, discount, source, engagement, truth.overloaded_owner
        )
        close_ago = created_ago - cycle
        stages = self.stages
        if truth.churn_ago is not None and close_ago < truth.churn_ago < created_ago:
            outcome, end_ago, cause = "lost", truth.churn_ago, "unhappy"
        elif close_ago > 0:
            won = rng.random() < p_win
            outcome, end_ago = ("won" if won else "lost"), close_ago
            cause = (
                "price"
                if discount < 5 and rng.random() < 0.6
                else "unhappy"
                if truth.health < 0.45
                else "other"
            )
        else:
            outcome, end_ago, cause = "open", 0.0, ""
        progress = (created_ago - end_ago) / cycle
        if outcome == "won":
            stage = stages["Won"]
        elif outcome == "lost":
            stage = stages["Lost"]
        else:
            stage = stages[
                ("Qualification", "Needs analysis", "Proposal", "Negotiation")[
                    min(3, int(progress * 4))
                ]
            ]
        contact = self.contact_at(company, created_ago)
        language = truth.language
        phase = rng.randrange(len(names.PHASES_ZH))
        title = ActivityWriter.deal_title(company, theme, language, phase)
        deal = Deal(
            id=self.new_id(Deal),
            version=1,
            title=title[:200],
            company=company,
            contact=contact,
            lead=lead,
            pipeline_id=stage.pipeline_id,
            stage=stage,
            probability=stage.probability,
            discount_pct=Decimal(str(discount)),
            owner=company.owner,
            team_id=company.team_id,
            created_at=self.at(created_ago),
            updated_at=self.at(end_ago or rng.uniform(0, min(created_ago, 20))),
            closed_at=self.at(end_ago) if outcome != "open" else None,
            expected_close=(
                self.at(end_ago) if outcome != "open" else self.at(close_ago)
            ).date(),
            amount=_money(list_value * (1 - discount / 100)),
        )
        if cause:
            zh_reason, en_reason = rng.choice(LOST_REASONS[cause])
            deal.lost_reason = zh_reason if language == "zh" else en_reason
            if outcome == "won":
                deal.lost_reason = ""
        deal.notes = ActivityWriter.deal_notes(theme, language)
        self.deals.append(
            DealPlan(
                deal=deal,
                truth=truth,
                source=source,
                created_ago=created_ago,
                end_ago=end_ago,
                engagement=engagement,
                theme=theme,
                list_value=list_value,
                outcome=outcome,
                overloaded=truth.overloaded_owner,
                progress=progress,
            )
        )

    # --- Quotes -----------------------------------------------------------------------

    def plan_quotes(self) -> None:
        numbers: dict[int, int] = {}
        quoted = [p for p in self.deals if self.has_quote(p)]
        quoted.sort(key=lambda p: -(p.created_ago - (p.created_ago - p.end_ago) * 0.5))
        for plan in quoted:
            sent_ago = plan.created_ago - (plan.created_ago - plan.end_ago) * 0.5
            sent = self.at(sent_ago)
            numbers[sent.year] = numbers.get(sent.year, 0) + 1
            self.plan_quote(plan, f"Q{sent.year}-{numbers[sent.year]:05d}", sent_ago)

    def has_quote(self, plan: DealPlan) -> bool:
        if plan.outcome == "won":
            return True
        if plan.outcome == "lost":
            return self.rng.random() < 0.7
        return plan.deal.stage.name in ("Proposal", "Negotiation")

    def plan_quote(self, plan: DealPlan, number: str, sent_ago: float) -> None:
        deal = plan.deal
        codes = plan.theme[2]
        chosen = self.rng.sample(
            codes, self.rng.randint(min(2, len(codes)), len(codes))
        )
        shares = [self.rng.uniform(0.5, 1.5) for _ in chosen]
        quote = Quote(
            id=self.new_id(Quote),
            version=1,
            number=number,
            deal=deal,
            owner=deal.owner,
            team_id=deal.team_id,
            currency="CNY",
            discount_pct=deal.discount_pct,
            tax_pct=Decimal("13"),
            created_at=self.at(sent_ago),
            updated_at=self.at(plan.end_ago),
            valid_until=(self.at(sent_ago) + timedelta(days=30)).date(),
        )
        quote.status = {
            "won": Quote.Status.ACCEPTED,
            "lost": Quote.Status.REJECTED,
        }.get(
            plan.outcome, Quote.Status.SENT if sent_ago < 30 else Quote.Status.EXPIRED
        )
        rows = []
        for position, (code, share) in enumerate(zip(chosen, shares, strict=True)):
            product = self.products[code]
            budget = plan.list_value * share / sum(shares)
            quantity = max(1, round(budget / float(product.list_price)))
            rows.append(
                QuoteLine(
                    id=self.new_id(QuoteLine),
                    quote=quote,
                    product=product,
                    description=product.name,
                    quantity=Decimal(quantity),
                    unit_price=product.list_price,
                    position=position,
                )
            )
        cent = Decimal("0.01")
        subtotal = sum((row.net for row in rows), Decimal("0"))
        quote.subtotal = subtotal
        quote.discount_total = (subtotal * quote.discount_pct / 100).quantize(cent)
        taxed = subtotal - quote.discount_total
        quote.tax_total = (taxed * quote.tax_pct / 100).quantize(cent)
        quote.total = taxed + quote.tax_total
        deal.amount = taxed  # the deal is worth what the quote asks, before tax
        self.quotes.append(quote)
        self.lines.extend(rows)


def _money(value: float) -> Decimal:
    return Decimal(round(value / 100) * 100)
