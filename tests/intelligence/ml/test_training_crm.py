"""Training on CRM records: features as of a date, refusals, registry, scoring."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.db.models import Avg
from django.utils import timezone

from rapport.core.tasks import deliver_pending
from rapport.crm.models import Activity, Company, Deal, Lead
from rapport.intelligence.ml import datasets, scoring, services, trainers
from rapport.intelligence.ml.datasets import NotEnoughData
from rapport.intelligence.ml.features import build, load_history
from rapport.intelligence.models import ModelVersion, Prediction
from tests.factories import CompanyFactory
from tests.intelligence.ml.factories import history


@pytest.fixture
def crm_history(db, manager):
    return history(manager)


def test_features_ignore_everything_after_the_as_of_date(crm_history, manager):
    company = Company.objects.filter(name="Hist 0").get()
    as_of = timezone.now() - timedelta(days=200)
    rows = pd.DataFrame({"id": [company.pk], "as_of": [pd.Timestamp(as_of)]})
    today = pd.DataFrame({"id": [company.pk], "as_of": [pd.Timestamp(timezone.now())]})
    before = build(load_history(), "company", rows)
    year_before = build(load_history(), "company", today)["activities_365d"].iloc[0]
    # given new activity and a later deal after the as-of date
    Activity.objects.create(
        kind="meeting",
        subject="later",
        company=company,
        owner=manager,
        team=manager.team,
        occurred_at=as_of + timedelta(days=1),
    )
    after = build(load_history(), "company", rows)
    # then no feature as of that date changes
    pd.testing.assert_frame_equal(before, after)
    # while a feature as of today does see it
    year_after = build(load_history(), "company", today)["activities_365d"].iloc[0]
    assert year_after == year_before + 1


def test_a_short_history_is_refused_with_what_is_missing(db, manager):
    CompanyFactory(owner=manager, created_at=timezone.now() - timedelta(days=40))
    with pytest.raises(NotEnoughData) as refused:
        datasets.churn_training(load_history())
    assert refused.value.code == "ml_history_too_short"
    assert "needs 182 days of complete history" in refused.value.detail
    assert "the CRM holds 40" in refused.value.detail
    assert "so 142 days are missing" in refused.value.detail


def test_too_few_cases_of_an_outcome_are_refused_with_counts(crm_history):
    data = datasets.lead_training(load_history())
    data.y[:] = 0
    data.y[:3] = 1
    with pytest.raises(NotEnoughData) as refused:
        datasets.check_cases(data)
    assert "found 3 converted leads" in refused.value.detail
    assert "17 converted leads more are missing" in refused.value.detail


@pytest.mark.slow
def test_churn_trains_registers_activates_and_scores_with_reasons(
    crm_history, admin_user
):
    version = trainers.train("churn", admin_user)
    assert version.status == ModelVersion.Status.CANDIDATE
    assert version.method in {"logistic", "forest", "average"}
    assert version.checksum and len(version.checksum) == 64
    assert version.metrics["auc"] > version.metrics["baseline"]["auc"] - 0.05
    assert version.metrics["calibration"]
    assert {r["attribute"] for r in version.fairness["attributes"]} == {
        "size",
        "region",
        "industry",
    }
    services.activate(
        admin_user, version, "tested" if services.open_alerts(version) else ""
    )
    scored = scoring.score("churn")
    assert scored > 0
    top = Prediction.objects.filter(model_version=version).order_by("-score").first()
    assert top is not None and 1 <= len(top.factors) <= 3
    assert {"feature", "value", "effect"} <= set(top.factors[0])


@pytest.mark.slow
def test_the_deal_model_learns_the_discount_effect_and_beats_its_baseline(
    crm_history, admin_user
):
    deal = trainers.train("deal_conversion", admin_user)
    assert deal.metrics["auc"] > deal.metrics["baseline"]["auc"] + 0.05
    assert deal.metrics["brier"] < deal.metrics["baseline"]["brier"]
    assert "discount_pct" in deal.features and "stage" not in deal.features


@pytest.mark.slow
def test_a_changed_deal_is_rescored_by_the_active_model(
    crm_history, admin_user, manager, django_capture_on_commit_callbacks
):
    from rapport.crm import services as crm_services

    model = trainers.train("deal_conversion", admin_user)
    services.activate(admin_user, model)
    deal = Deal.objects.filter(stage__outcome="open").first()
    assert deal is not None
    # when the deal's discount is raised through the CRM
    with django_capture_on_commit_callbacks(execute=True):
        crm_services.update_deal(manager, deal, {"discount_pct": Decimal("19")})
    # (the test's transaction never commits, so an earlier write's dispatch may
    # still be pending: deliver as the worker's sweep would)
    deliver_pending()
    # then the worker stored a fresh score made by the active version
    scores = Prediction.objects.filter(subject_kind="crm.deal", subject_id=deal.pk)
    assert scores.filter(model_version=model).count() == 1
    assert scores.get().factors


@pytest.mark.slow
def test_the_lead_model_learns_the_source_effect(crm_history, admin_user):
    lead = trainers.train("lead_conversion", admin_user)
    assert lead.metrics["auc"] > 0.6
    assert "region" not in lead.features  # rewritten at conversion: audit only
    services.activate(admin_user, lead)
    assert scoring.score("lead_conversion") == Lead.objects.filter(status="new").count()
    scores = {
        source: Prediction.objects.filter(
            subject_kind="crm.lead",
            subject_id__in=Lead.objects.filter(status="new", source=source).values(
                "pk"
            ),
        ).aggregate(mean=Avg("score"))["mean"]
        for source in ("referral", "cold_call")
    }
    assert scores["referral"] > scores["cold_call"] + 0.2


@pytest.mark.slow
def test_clv_fits_won_deals_and_reports_its_holdout_error(crm_history, admin_user):
    clv = trainers.train("clv", admin_user)
    assert clv.params["bgnbd"]["r"] > 0 and clv.params["gamma_gamma"]["p"] > 0
    assert clv.metrics["mae"] >= 0 and "mae" in clv.metrics["baseline"]
    services.activate(admin_user, clv)
    customers = (
        Deal.objects.filter(stage__outcome="won").values("company").distinct().count()
    )
    assert scoring.score("clv") == customers
