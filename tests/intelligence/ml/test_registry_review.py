"""Registry and review services: activation, rollback, alerts, decisions, audit."""

from __future__ import annotations

import pytest

from rapport.core.errors import (
    Conflict,
    Forbidden,
    PreconditionFailed,
    ValidationFailed,
)
from rapport.core.models import AuditEntry
from rapport.intelligence.ml import services
from rapport.intelligence.models import FairnessAlert, ModelVersion, ReviewItem
from tests.factories import CompanyFactory
from tests.intelligence.ml.factories import review_item, version


def test_activation_retires_the_previous_version_and_rollback_restores_it(admin_user):
    first = version(number=1, checksum="a" * 64)
    second = version(number=2, checksum="b" * 64)
    services.activate(admin_user, first)
    services.activate(admin_user, second)
    first.refresh_from_db()
    assert (first.status, ModelVersion.objects.get(pk=second.pk).status) == (
        "retired",
        "active",
    )
    back = services.rollback(admin_user, "deal_conversion", "v2 scores too high")
    assert back.pk == first.pk and back.status == "active"
    second.refresh_from_db()
    assert second.status == "retired"
    entries = AuditEntry.objects.filter(
        kind="intelligence.modelversion", object_id=str(first.pk)
    )
    assert any(e.changes.get("reason") == "v2 scores too high" for e in entries)


def test_without_an_earlier_version_there_is_nothing_to_roll_back_to(admin_user):
    services.activate(admin_user, version(checksum="a" * 64))
    with pytest.raises(Conflict, match="no earlier active version"):
        services.rollback(admin_user, "deal_conversion")


def test_only_administrators_train_activate_and_roll_back(manager, rep):
    candidate = version(checksum="a" * 64)
    for user in (manager, rep):
        with pytest.raises(Forbidden):
            services.activate(user, candidate)
        with pytest.raises(Forbidden):
            services.start_training(user, "churn")
        with pytest.raises(Forbidden):
            services.rollback(user, "churn")


def test_an_open_fairness_alert_needs_a_reason_and_blocks_automatic_activation(
    admin_user,
):
    report = {
        "attributes": [{"attribute": "region", "breaches": ["four_fifths"]}],
        "breached": ["region"],
    }
    flagged = services.register_version(
        admin_user,
        "churn",
        "forest",
        None,
        window=(None, None),
        features=[],
        params={},
        metrics={"auc": 0.9, "log_loss": 0.1},
        fairness=report,
    )
    assert (
        FairnessAlert.objects.filter(model_version=flagged, status="open").count() == 1
    )
    assert services.promote_if_better(flagged) is False
    flagged.checksum = "c" * 64
    flagged.save()
    with pytest.raises(ValidationFailed):
        services.activate(admin_user, flagged)
    services.activate(
        admin_user, flagged, "Checked by hand: the gap is one small region"
    )
    assert ModelVersion.objects.get(pk=flagged.pk).status == "active"


def test_scheduled_retraining_promotes_only_a_better_and_not_less_fair_candidate(
    admin_user,
):
    active = version(
        number=1, checksum="a" * 64, metrics={"auc": 0.80, "log_loss": 0.50}
    )
    services.activate(admin_user, active)
    worse = version(
        number=2, checksum="b" * 64, metrics={"auc": 0.78, "log_loss": 0.52}
    )
    assert services.promote_if_better(worse) is False
    better = version(
        number=3, checksum="c" * 64, metrics={"auc": 0.83, "log_loss": 0.45}
    )
    assert services.promote_if_better(better) is True
    assert ModelVersion.objects.get(pk=better.pk).status == "active"


def test_a_manager_decides_a_review_item_with_a_reason_and_it_is_audited(manager, rep):
    company = CompanyFactory(owner=rep)
    item = review_item(version(kind="churn"), company)
    with pytest.raises(ValidationFailed):
        services.decide(manager, item, True, "  ")
    with pytest.raises(PreconditionFailed):
        services.decide(manager, item, True, "ok", expected_version=item.version + 5)
    decided = services.decide(
        manager, item, False, "They renewed last week", item.version
    )
    assert (decided.status, decided.reviewer, decided.decision_reason) == (
        ReviewItem.Status.REJECTED,
        manager,
        "They renewed last week",
    )
    audit = AuditEntry.objects.get(
        kind="intelligence.reviewitem", object_id=str(item.pk)
    )
    assert audit.changes["reason"] == "They renewed last week"
    with pytest.raises(Conflict):
        services.decide(manager, decided, True, "again")


def test_a_rep_may_not_decide_and_another_team_does_not_see_the_item(
    rep, outsider, manager
):
    item = review_item(version(kind="churn"), CompanyFactory(owner=rep))
    from rapport.core.errors import NotFound

    # a rep does not see the review queue at all, so the item is not found
    with pytest.raises(NotFound):
        services.decide(rep, item, True, "fine")
    with pytest.raises(NotFound):
        services.decide(outsider, item, True, "fine")


def test_old_predictions_are_pruned_but_each_record_keeps_its_newest(db):
    from datetime import timedelta

    from django.utils import timezone

    from rapport.intelligence.ml import scoring
    from rapport.intelligence.models import Prediction
    from tests.intelligence.ml.factories import prediction

    churn = version(kind="churn")
    long_ago = timezone.now() - timedelta(days=200)
    old = prediction(churn, "crm.company", 1)
    newer = prediction(churn, "crm.company", 1)
    only = prediction(churn, "crm.company", 2)
    Prediction.objects.filter(pk__in=[old.pk, newer.pk, only.pk]).update(
        created_at=long_ago
    )
    assert scoring.prune() == 1
    assert set(Prediction.objects.values_list("pk", flat=True)) == {newer.pk, only.pk}
