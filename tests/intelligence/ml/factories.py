"""Factories and a compact CRM history with known effects for the model tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import numpy as np
from django.utils import timezone

from rapport.crm.models import Activity, Company, Deal, Lead, Stage
from rapport.intelligence.models import ModelVersion, Prediction, ReviewItem
from tests.factories import PipelineFactory


def history(
    owner, companies: int = 60, days: int = 400, seed: int = 2
) -> dict[str, int]:
    """Companies with activities, won/lost deals (discount helps) and leads.

    Half the companies go quiet (no more activity) at a random day; deals with a
    higher discount are won more often; referral leads convert more often.
    """
    rng = np.random.default_rng(seed)
    now = timezone.now()
    pipeline = PipelineFactory()
    stages = {s.outcome: s for s in pipeline.stages.order_by("position")}
    won, lost, open_stage = (
        stages["won"],
        stages["lost"],
        Stage.objects.filter(pipeline=pipeline, outcome="open").first(),
    )
    rows_c, rows_a, rows_d, rows_l = [], [], [], []
    for i in range(companies):
        rows_c.append(
            Company(
                name=f"Hist {i}",
                owner=owner,
                team=owner.team,
                industry=["manufacturing", "software", "energy"][i % 3],
                region=["east_china", "north_china"][i % 2],
                size=["small", "medium", "large"][i % 3],
                created_at=now - timedelta(days=days),
            )
        )
    Company.objects.bulk_create(rows_c)
    for company in rows_c:
        # Half the companies go quiet for good some day (counted in days ago).
        quiet_ago = rng.uniform(150, days - 60) if rng.random() < 0.5 else 0.0
        ago = days - 1.0
        while ago > quiet_ago:
            rows_a.append(
                Activity(
                    kind="call",
                    subject="call",
                    company=company,
                    owner=owner,
                    team=owner.team,
                    occurred_at=now - timedelta(days=ago),
                )
            )
            ago -= rng.exponential(12)
        for _ in range(4):
            created = rng.uniform(60, days - 10)
            discount = float(rng.uniform(0, 20))
            outcome = won if rng.random() < 0.15 + 0.035 * discount else lost
            rows_d.append(
                Deal(
                    title="deal",
                    company=company,
                    owner=owner,
                    team=owner.team,
                    pipeline=pipeline,
                    stage=outcome,
                    amount=Decimal(int(rng.uniform(1e4, 1e6))),
                    discount_pct=Decimal(f"{discount:.2f}"),
                    lost_reason="price" if outcome == lost else "",
                    created_at=now - timedelta(days=created),
                    closed_at=now - timedelta(days=created - rng.uniform(5, 50)),
                )
            )
        rows_d.append(
            Deal(
                title="open deal",
                company=company,
                owner=owner,
                team=owner.team,
                pipeline=pipeline,
                stage=open_stage,
                amount=Decimal("100000"),
                discount_pct=Decimal("10"),
                created_at=now - timedelta(days=20),
            )
        )
    Activity.objects.bulk_create(rows_a)
    Deal.objects.bulk_create(rows_d)
    for j in range(companies * 4):
        source = ["referral", "cold_call", "website"][j % 3]
        converted = (
            rng.random() < {"referral": 0.6, "cold_call": 0.1, "website": 0.3}[source]
        )
        status = "converted" if converted else "disqualified"
        if j % 10 == 0:
            status = "new"
        rows_l.append(
            Lead(
                title=f"lead {j}",
                owner=owner,
                team=owner.team,
                source=source,
                status=status,
                created_at=now - timedelta(days=rng.uniform(30, days - 5)),
            )
        )
    Lead.objects.bulk_create(rows_l)
    return {
        "companies": len(rows_c),
        "activities": len(rows_a),
        "deals": len(rows_d),
        "leads": len(rows_l),
    }


def version(kind: str = "deal_conversion", number: int = 1, **fields) -> ModelVersion:
    defaults = {
        "method": "xgboost",
        "metrics": {
            "auc": 0.8,
            "log_loss": 0.5,
            "brier": 0.2,
            "baseline": {"auc": 0.6},
        },
        "fairness": {"attributes": [], "breached": []},
    }
    return ModelVersion.objects.create(kind=kind, number=number, **(defaults | fields))


def prediction(
    version: ModelVersion, subject_kind: str, subject_id: int, score: float = 0.72
) -> Prediction:
    return Prediction.objects.create(
        model_version=version,
        subject_kind=subject_kind,
        subject_id=subject_id,
        score=score,
        factors=[
            {"feature": "discount_pct", "value": 15.0, "effect": 0.12},
            {"feature": "activities_30d", "value": 6.0, "effect": 0.05},
            {"feature": "owner_open_deals", "value": 31.0, "effect": -0.08},
        ],
    )


def review_item(version: ModelVersion, company: Company, **fields) -> ReviewItem:
    return ReviewItem.objects.create(
        subject_kind="crm.company",
        subject_id=company.pk,
        subject_repr=company.name,
        action="outreach",
        reason="The model is unsure",
        model_version=version,
        score=0.55,
        owner=company.owner,
        team=company.team,
        **fields,
    )
