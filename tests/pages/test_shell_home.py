"""The home page of each role: its sections, its scoping and its query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.core.models import Job
from rapport.crm.models import Deal, Quote, Stage
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    DealFactory,
    LeadFactory,
    PipelineFactory,
    QuoteFactory,
)

SECTIONS = {
    "sales_rep": ["deals-by-stage", "tasks", "deals", "leads"],
    "sales_manager": ["pipeline-by-stage", "members", "stale"],
    "project_manager": ["activities", "tasks"],
    "support": ["activities", "tasks"],
    "executive": ["pipeline-by-stage", "won", "top-deals"],
    "finance": ["quotes", "won-deals"],
    "admin": ["users", "teams", "jobs"],
}


def won_stage() -> Stage:
    return PipelineFactory().stages.get(outcome=Stage.Outcome.WON)


def fill(owner, n: int) -> None:
    """`n` of each kind of record the home pages show, owned by `owner`."""
    now = timezone.now()
    for i in range(n):
        deal = DealFactory(owner=owner, amount=1000 * (i + 1))
        Deal.objects.filter(pk=deal.pk).update(created_at=now - timedelta(days=60))
        won = DealFactory(owner=owner, stage=won_stage(), closed_at=now)
        QuoteFactory(owner=owner, deal=won, status=Quote.Status.ACCEPTED)
        ActivityFactory(
            owner=owner,
            company=deal.company,
            deal=deal,
            occurred_at=now - timedelta(days=40),
        )
        ActivityFactory(
            owner=owner,
            kind="task",
            deal=deal,
            company=deal.company,
            due_at=now + timedelta(days=(i % 3) - 1),
        )
        LeadFactory(owner=owner)
        Job.objects.create(user=owner, kind="demo", title=f"Job {i}")


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_each_role_sees_its_sections(client, make_user, role):
    # given a user of the role with some records in their team
    user = make_user(role)
    fill(user if role in {"sales_rep", "sales_manager"} else make_user("sales_rep"), 2)
    client.force_login(user)

    # when the home page is opened
    response = client.get("/")

    # then every section of the role is there
    assert response.status_code == 200
    html = response.content.decode()
    for section in SECTIONS[role]:
        assert f'data-section="{section}"' in html, section


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_home_query_count_does_not_grow_with_records(client, make_user, role):
    # given a user whose team has a few records
    user = make_user(role)
    owner = user if role in {"sales_rep", "sales_manager"} else make_user("sales_rep")
    fill(owner, 2)
    client.force_login(user)
    client.get("/")  # warm caches (content types, session)

    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200

    # when the team gets many more
    fill(owner, 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")

    # then the page runs the same number of queries
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_sales_rep_sees_own_figures_only(client, make_user):
    # given a rep with one open deal and a colleague with a bigger one
    rep = make_user("sales_rep")
    colleague = make_user("sales_rep")
    DealFactory(owner=rep, title="Mine", amount=1000)
    DealFactory(owner=colleague, title="Theirs", amount=999000)
    client.force_login(rep)

    # when the rep opens the home page
    html = client.get("/").content.decode()

    # then only the rep's deal is counted and listed
    assert "Mine" in html
    assert "Theirs" not in html
    assert "¥1,000" in html
    assert "¥999,000" not in html


def test_manager_does_not_see_another_teams_pipeline(client, manager, outsider):
    DealFactory(owner=outsider, title="Western deal", amount=777000)
    DealFactory(owner=manager, title="Eastern deal", amount=1000)
    client.force_login(manager)

    html = client.get("/").content.decode()

    assert "Western deal" not in html
    assert "¥777,000" not in html


def test_manager_sees_deals_without_recent_activity_as_stale(client, manager, rep):
    # given one deal last touched 40 days ago and one touched yesterday
    now = timezone.now()
    quiet = DealFactory(owner=rep, title="Quiet deal")
    busy = DealFactory(owner=rep, title="Busy deal")
    Deal.objects.filter(pk__in=[quiet.pk, busy.pk]).update(
        created_at=now - timedelta(days=90)
    )
    ActivityFactory(owner=rep, deal=quiet, occurred_at=now - timedelta(days=40))
    ActivityFactory(owner=rep, deal=busy, occurred_at=now - timedelta(days=1))
    client.force_login(manager)

    # when the manager opens the home page
    html = client.get("/").content.decode()

    # then only the quiet deal is in the stale section
    stale = html.split('data-section="stale"')[1]
    assert "Quiet deal" in stale
    assert "Busy deal" not in stale


def test_executive_compares_won_quarters(client, make_user):
    # given one deal won now and one won a quarter ago
    executive = make_user("executive")
    rep = make_user("sales_rep")
    now = timezone.now()
    DealFactory(owner=rep, stage=won_stage(), closed_at=now, amount=5000)
    DealFactory(
        owner=rep, stage=won_stage(), closed_at=now - timedelta(days=95), amount=3000
    )
    client.force_login(executive)

    # when the executive opens the home page
    html = client.get("/").content.decode()

    # then both quarters' wins are shown
    assert "¥5,000" in html
    assert "¥3,000" in html


def test_chart_data_goes_through_json_script_not_inline_code(client, rep):
    DealFactory(owner=rep, amount=1000)
    client.force_login(rep)

    html = client.get("/").content.decode()

    assert '<script id="stage-chart-data" type="application/json">' in html
    assert "/static/plotly/plotly.min.js" in html
    assert "<script>" not in html


def test_script_in_a_company_name_is_shown_as_text_on_home(client, rep):
    # given a deal of a company whose name carries markup
    company = CompanyFactory(owner=rep, name="<script>alert('x')</script>")
    DealFactory(owner=rep, company=company, title="<b>bold</b> deal")
    client.force_login(rep)

    # when the home page shows it
    html = client.get("/").content.decode()

    # then it is escaped text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; deal" in html


def test_plotly_script_is_served_locally(client, rep):
    client.force_login(rep)

    response = client.get("/static/plotly/plotly.min.js")

    assert response.status_code == 200


def test_no_chart_script_when_there_is_nothing_to_draw(client, rep):
    client.force_login(rep)

    html = client.get("/").content.decode()

    assert "plotly.min.js" not in html
    assert 'data-section="deals-by-stage"' in html
