"""Project pages: who sees them, what they show, and that another team gets 404."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from rapport.projects import services
from rapport.projects.models import Project, Task
from tests.projects.pages.builders import build_project, schedule_project

pytestmark = pytest.mark.django_db

PROJECT_PAGES = ["project_detail", "gantt", "gantt_data", "board", "project_edit"]


@pytest.mark.parametrize("name", PROJECT_PAGES)
def test_project_pages_render_for_the_manager(client, pm, project, name):
    client.force_login(pm)

    response = client.get(reverse(f"projects:{name}", args=[project.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("name", PROJECT_PAGES)
def test_another_team_gets_404(client, other_pm, project, name):
    client.force_login(other_pm)

    response = client.get(reverse(f"projects:{name}", args=[project.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["project_list", "utilisation", "risks"])
def test_overview_pages_render(client, pm, project, name):
    client.force_login(pm)

    response = client.get(reverse(f"projects:{name}"))

    assert response.status_code == 200


def test_sign_in_is_required(client, project):
    response = client.get(reverse("projects:gantt", args=[project.pk]))

    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_list_shows_only_the_teams_projects(client, pm, other_pm, project):
    # given a project in each team
    theirs = schedule_project(build_project(other_pm, tasks=3, name="Their dam"))
    client.force_login(pm)

    # when the manager of `team` opens the list
    body = client.get(reverse("projects:project_list")).content.decode()

    # then only their own project is listed
    assert project.name in body
    assert theirs.name not in body
    assert "1 found" in body


def test_list_search_filter_and_sort(client, pm, project):
    build_project(pm, tasks=2, name="Harbour crane", seed=7, status="on_hold")
    client.force_login(pm)
    url = reverse("projects:project_list")

    searched = client.get(url, {"q": "harbour"}).content.decode()
    filtered = client.get(url, {"status": "active"}).content.decode()
    by_company = client.get(url, {"company": project.company_id}).content.decode()
    sorted_ = client.get(url, {"sort": "name"}).content.decode()

    assert "Harbour crane" in searched and project.name not in searched
    assert project.name in filtered and "Harbour crane" not in filtered
    assert project.name in by_company and "Harbour crane" not in by_company
    assert sorted_.index("Harbour crane") < sorted_.index(project.name)


def test_list_answers_htmx_with_the_table_only(client, pm, project):
    client.force_login(pm)

    response = client.get(
        reverse("projects:project_list"), {"q": "plant"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert project.name in body
    assert "<html" not in body


def test_list_queries_do_not_grow_with_rows(
    client, pm, project, django_assert_max_num_queries
):
    client.force_login(pm)
    url = reverse("projects:project_list")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for seed in range(5):
        build_project(pm, tasks=2, seed=seed + 10, name=f"Extra {seed}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_detail_shows_schedule_critical_tasks_and_margin(client, pm, project):
    services.save_baseline(pm, project, "Signed plan")
    client.force_login(pm)

    body = client.get(reverse("projects:project_detail", args=[project.pk]))
    text = body.content.decode()

    critical = Task.objects.filter(project=project, is_critical=True).first()
    assert critical is not None
    assert critical.name in text
    assert "Signed plan" in text
    assert "¥1,200,000" in text  # the contract value
    assert project.forecast_finish.isoformat() in text


def test_detail_queries_do_not_grow_with_tasks(
    client, pm, django_assert_max_num_queries
):
    small = schedule_project(build_project(pm, tasks=8, seed=3))
    large = schedule_project(build_project(pm, tasks=60, seed=4))
    client.force_login(pm)
    client.get(reverse("projects:project_detail", args=[small.pk]))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("projects:project_detail", args=[small.pk]))

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("projects:project_detail", args=[large.pk]))


def test_gantt_data_holds_rows_dependencies_and_calendar(client, pm, project):
    client.force_login(pm)

    data = client.get(reverse("projects:gantt_data", args=[project.pk])).json()

    tasks = [r for r in data["rows"] if r["kind"] == "task"]
    phases = [r for r in data["rows"] if r["kind"] == "phase"]
    assert len(tasks) == 12 and len(phases) == 4
    assert any(t["critical"] for t in tasks) and any(not t["critical"] for t in tasks)
    assert data["deps"] and {"from", "to", "type", "lag"} <= set(data["deps"][0])
    assert data["project"]["finish"] == project.forecast_finish.isoformat()
    assert data["can_move"] is True
    assert data["calendar"]["weekend"] == [5, 6]
    # 2026-04-06 is the Qingming holiday on a Monday: a day off the chart shades.
    assert "2026-04-06" in data["calendar"]["holidays"]


def test_gantt_data_queries_do_not_grow_with_tasks(
    client, pm, django_assert_max_num_queries
):
    small = schedule_project(build_project(pm, tasks=8, seed=5))
    large = schedule_project(build_project(pm, tasks=120, seed=6))
    client.force_login(pm)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("projects:gantt_data", args=[small.pk]))

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("projects:gantt_data", args=[large.pk]))


def test_read_only_roles_see_the_chart_but_cannot_move(client, make_user, project):
    executive = make_user("executive")
    client.force_login(executive)

    data = client.get(reverse("projects:gantt_data", args=[project.pk])).json()
    page = client.get(reverse("projects:gantt", args=[project.pk])).content.decode()

    assert data["can_move"] is False
    assert "data-gantt-move-form" not in page


def test_side_navigation_links_the_project_pages(client, pm):
    client.force_login(pm)

    body = client.get(reverse("notifications")).content.decode()

    for name in ("project_list", "utilisation", "risks"):
        assert f'href="{reverse(f"projects:{name}")}"' in body


def test_schedule_warnings_are_shown_in_words(client, pm):
    # given a task pinned before its predecessor finishes, in a project that
    # runs into a year whose holidays are not published
    project = build_project(pm, tasks=6, seed=12, start=date(2026, 12, 7))
    second = Task.objects.filter(project=project).order_by("position")[2]
    Task.objects.filter(pk=second.pk).update(
        scheduling="manual", pinned_start=date(2026, 12, 7)
    )
    schedule_project(project)
    client.force_login(pm)

    # when the detail page and the chart's data are read
    page = client.get(reverse("projects:project_detail", args=[project.pk]))
    data = client.get(reverse("projects:gantt_data", args=[project.pk])).json()

    # then both name the pinned task, and the page names the unknown year
    text = page.content.decode()
    assert f"“{second.name}” is pinned before its predecessor" in text
    assert "2027" in text and "not published yet" in text
    row = next(r for r in data["rows"] if r["kind"] == "task" and r["id"] == second.pk)
    assert "pinned before its predecessor" in row["warning"]
    assert data["calendar"]["unknown_years"] == [2027]


def test_board_queries_do_not_grow_with_tasks(
    client, pm, django_assert_max_num_queries
):
    small = schedule_project(build_project(pm, tasks=6, seed=13))
    large = schedule_project(build_project(pm, tasks=80, seed=14))
    client.force_login(pm)
    client.get(reverse("projects:board", args=[small.pk]))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("projects:board", args=[small.pk]))

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("projects:board", args=[large.pk]))


def test_risk_list_is_riskiest_first_and_bounded(
    client, pm, other_pm, django_assert_max_num_queries
):
    # given two late projects of the team, one worth far more, and one elsewhere
    small = schedule_project(build_project(pm, tasks=4, seed=15, name="Small job"))
    big = schedule_project(build_project(pm, tasks=4, seed=16, name="Big job"))
    theirs = schedule_project(build_project(other_pm, tasks=4, seed=17, name="Theirs"))
    Project.objects.filter(pk=big.pk).update(contract_value=50_000_000)
    for project in (small, big, theirs):  # each forecast two weeks late
        Project.objects.filter(pk=project.pk).update(
            planned_finish=project.forecast_finish - timedelta(days=14)
        )
        services.take_snapshot(Project.objects.get(pk=project.pk))
        services.assess_risk(Project.objects.get(pk=project.pk))
    client.force_login(pm)
    client.get(reverse("projects:risks"))

    # when the risk list is read
    with django_assert_max_num_queries(20):
        text = client.get(reverse("projects:risks")).content.decode()

    # then the bigger contract comes first and the other team's is absent
    assert text.index("Big job") < text.index("Small job")
    assert "Theirs" not in text


def test_company_and_deal_pages_show_their_projects(client, pm, manager, project):
    from tests.factories import DealFactory

    deal = DealFactory(owner=manager, company=project.company)
    Project.objects.filter(pk=project.pk).update(deal=deal)
    client.force_login(manager)

    company_page = client.get(
        reverse("crm:company_detail", args=[project.company_id])
    ).content.decode()
    deal_page = client.get(reverse("crm:deal_detail", args=[deal.pk])).content.decode()

    gantt = reverse("projects:gantt", args=[project.pk])
    assert project.name in company_page and gantt in company_page
    assert project.name in deal_page and gantt in deal_page


def test_company_page_hides_projects_outside_the_viewers_scope(
    client, make_user, project
):
    rep = make_user("sales_rep")  # sees own records only
    project.company.owner = rep
    project.company.save(update_fields=["owner"])
    client.force_login(rep)

    page = client.get(reverse("crm:company_detail", args=[project.company_id]))

    assert page.status_code == 200
    assert reverse("projects:gantt", args=[project.pk]) not in page.content.decode()
