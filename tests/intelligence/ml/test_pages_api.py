"""Pages, panels and API of the models: scores with reasons, scoping, actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.intelligence.models import ModelVersion, Prediction, ReviewItem
from tests.api.conftest import ApiClient
from tests.factories import CompanyFactory, DealFactory
from tests.intelligence.ml.factories import prediction, review_item, version


@pytest.fixture
def scored_deal(rep):
    deal = DealFactory(owner=rep)
    active = version(checksum="a" * 64, status="active")
    prediction(active, "crm.deal", deal.pk, 0.72)
    return deal


def test_a_deal_page_shows_its_win_probability_and_three_reasons(
    client, rep, scored_deal
):
    client.force_login(rep)
    page = client.get(reverse("crm:deal_detail", args=[scored_deal.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Win probability" in html and "72 %" in html
    assert "Discount % is 15: raises it by 12 points" in html
    assert "Open deals of the owner is 31: lowers it by 8.0 points" in html


def test_the_deal_page_reads_its_reasons_in_chinese(client, rep, scored_deal):
    client.force_login(rep)
    page = client.get(
        reverse("crm:deal_detail", args=[scored_deal.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "赢单概率" in page.content.decode()


@pytest.fixture
def valued_company(rep):
    company = CompanyFactory(owner=rep, team=rep.team)
    clv = version(kind="clv", method="bgnbd_gamma_gamma", params={"currency": "USD"})
    Prediction.objects.create(
        model_version=clv,
        subject_kind="crm.company",
        subject_id=company.pk,
        score=185239.4,
        factors=[
            {"feature": "expected_spend", "value": 200257.2, "effect": None},
            {"feature": "p_alive", "value": 0.834, "effect": None},
        ],
    )
    return company


def test_a_company_page_shows_its_lifetime_value_in_the_models_currency(
    client, rep, valued_company
):
    client.force_login(rep)
    page = client.get(reverse("crm:company_detail", args=[valued_company.pk]))
    text = page.content.decode()
    assert "12-month customer value" in text
    assert "$185,239" in text
    assert "Expected value per purchase: $200,257" in text
    assert "Chance the customer is still active: 83 %" in text


def test_the_api_words_lifetime_value_factors_in_the_models_currency(
    rep, outsider, valued_company
):
    query = {"subject_kind": "crm.company", "subject_id": valued_company.pk}
    answer = ApiClient(rep).get("/ml/predictions", query)
    assert answer.status_code == 200
    (clv,) = [p for p in answer.json() if p["model_kind"] == "clv"]
    texts = [f["text"] for f in clv["factors"]]
    assert texts == [
        "Expected value per purchase: $200,257",
        "Chance the customer is still active: 83 %",
    ]
    assert ApiClient(outsider).get("/ml/predictions", query).status_code == 404


def test_the_model_pages_render_for_a_manager_and_admin_only_gets_actions(
    client, manager, admin_user
):
    v1 = version(
        kind="churn",
        number=1,
        checksum="a" * 64,
        status="retired",
        metrics={
            "auc": 0.8,
            "log_loss": 0.3,
            "brier": 0.1,
            "baseline": {"auc": 0.7},
            "calibration": [{"predicted": 0.1, "observed": 0.12, "count": 50}],
        },
    )
    v1.activated_at = v1.created_at
    v1.save()
    version(kind="churn", number=2, checksum="b" * 64, status="active")
    client.force_login(manager)
    assert client.get(reverse("intelligence:ml_models")).status_code == 200
    page = client.get(reverse("intelligence:ml_model", args=["churn"]) + f"?v={v1.pk}")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "ml-calibration" in html
        and "Train a new version" not in html
    )
    assert (
        client.get(reverse("intelligence:ml_model", args=["nonsense"])).status_code
        == 404
    )
    assert (
        client.post(reverse("intelligence:ml_rollback", args=["churn"])).status_code
        == 403
    )
    client.force_login(admin_user)
    assert (
        "Train a new version"
        in client.get(reverse("intelligence:ml_model", args=["churn"])).content.decode()
    )
    response = client.post(reverse("intelligence:ml_rollback", args=["churn"]))
    assert response.status_code == 302
    assert ModelVersion.objects.get(pk=v1.pk).status == "active"


def test_the_review_queue_page_decides_with_a_reason(client, manager, rep):
    item = review_item(version(kind="churn"), CompanyFactory(owner=rep))
    client.force_login(manager)
    page = client.get(reverse("intelligence:ml_review"))
    assert item.subject_repr in page.content.decode()
    url = reverse("intelligence:ml_decide", args=[item.pk])
    client.post(url, {"decision": "approve", "reason": ""})
    assert ReviewItem.objects.get(pk=item.pk).status == "pending"
    client.post(
        url,
        {
            "decision": "approve",
            "reason": "Call them this week",
            "version": item.version,
        },
    )
    assert ReviewItem.objects.get(pk=item.pk).status == "approved"


def test_another_team_cannot_see_or_decide_a_review_item(client, rep, outsider):
    item = review_item(version(kind="churn"), CompanyFactory(owner=rep))
    client.force_login(outsider)
    assert (
        item.subject_repr
        not in client.get(reverse("intelligence:ml_review")).content.decode()
    )
    response = client.post(
        reverse("intelligence:ml_decide", args=[item.pk]),
        {"decision": "approve", "reason": "x"},
    )
    assert response.status_code == 404
    api = ApiClient(outsider)
    assert api.get(f"/ml/review/{item.pk}").status_code == 404
    assert (
        api.post(
            f"/ml/review/{item.pk}/decide", {"approve": True, "reason": "x"}
        ).status_code
        == 404
    )
    assert api.get("/ml/review").json()["items"] == []


def test_the_churn_list_shows_only_visible_customers(client, rep, outsider):
    active = version(kind="churn", checksum="a" * 64, status="active")
    mine = CompanyFactory(owner=rep, name="Mine Ltd")
    theirs = CompanyFactory(owner=outsider, name="Theirs Ltd")
    prediction(active, "crm.company", mine.pk, 0.8)
    prediction(active, "crm.company", theirs.pk, 0.9)
    client.force_login(rep)
    html = client.get(reverse("intelligence:ml_churn")).content.decode()
    assert "Mine Ltd" in html and "Theirs Ltd" not in html and "80 %" in html


def test_the_api_gives_scores_of_visible_records_only(rep, outsider, scored_deal):
    api = ApiClient(rep)
    answer = api.get(
        "/ml/predictions", {"subject_kind": "crm.deal", "subject_id": scored_deal.pk}
    )
    assert answer.status_code == 200
    body = answer.json()[0]
    assert body["score"] == pytest.approx(0.72) and len(body["factors"]) == 3
    assert body["factors"][0]["text"].startswith("Discount %")
    hidden = ApiClient(outsider).get(
        "/ml/predictions", {"subject_kind": "crm.deal", "subject_id": scored_deal.pk}
    )
    assert hidden.status_code == 404


def test_the_api_activates_with_if_match_and_reports_problems(admin_user, manager):
    candidate = version(checksum="a" * 64)
    api = ApiClient(admin_user)
    stale = api.post(
        f"/ml/models/{candidate.pk}/activate",
        {},
        **{"If-Match": f'"{candidate.pk}-99"'},
    )
    assert stale.status_code == 412
    done = api.post(
        f"/ml/models/{candidate.pk}/activate",
        {},
        **{"If-Match": f'"{candidate.pk}-{candidate.version}"'},
    )
    assert done.status_code == 200 and done.json()["status"] == "active"
    again = api.post(f"/ml/models/{candidate.pk}/activate", {})
    assert again.status_code == 409 and again.json()["code"] == "ml_already_active"
    assert (
        ApiClient(manager).post(f"/ml/models/{candidate.pk}/activate", {}).status_code
        == 403
    )
    listed = ApiClient(manager).get("/ml/models", {"kind": "deal_conversion"})
    assert [v["number"] for v in listed.json()["items"]] == [1]


def test_the_api_queues_training_as_a_job(
    admin_user, django_capture_on_commit_callbacks
):
    from rapport.core.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        answer = ApiClient(admin_user).post("/ml/kinds/churn/train")
    assert answer.status_code == 202
    job = Job.objects.get(pk=answer.json()["job_id"])
    assert job.kind == "ml.train" and job.params["model_kind"] == "churn"
    # the empty CRM is refused with the reason on the job
    assert job.status == Job.Status.FAILED and "days of complete history" in job.error


def test_an_administrator_resolves_a_fairness_alert_with_what_was_done(
    admin_user, manager
):
    from rapport.intelligence.models import FairnessAlert

    alert = FairnessAlert.objects.create(
        model_version=version(kind="churn"),
        attribute="region",
        breaches=["four_fifths"],
    )
    listed = ApiClient(manager).get("/ml/alerts").json()
    assert [a["attribute"] for a in listed] == ["region"]
    refused = ApiClient(manager).post(
        f"/ml/alerts/{alert.pk}/resolve", {"resolution": "x"}
    )
    assert refused.status_code == 403
    empty = ApiClient(admin_user).post(
        f"/ml/alerts/{alert.pk}/resolve", {"resolution": " "}
    )
    assert empty.status_code == 422
    done = ApiClient(admin_user).post(
        f"/ml/alerts/{alert.pk}/resolve", {"resolution": "Retrained without region"}
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert ApiClient(manager).get("/ml/alerts").json() == []


def test_the_review_queue_reads_a_fixed_number_of_queries(
    client, manager, rep, django_assert_max_num_queries
):
    churn = version(kind="churn")
    for _ in range(12):
        review_item(churn, CompanyFactory(owner=rep))
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("intelligence:ml_review"))
    assert page.content.decode().count("Retention outreach") == 12
