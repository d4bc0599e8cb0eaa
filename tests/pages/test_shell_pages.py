"""Search, notifications, jobs, API tokens and the language switch."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.models import ApiToken
from rapport.accounts.services import authenticate_token
from rapport.core.models import Job, Notification
from rapport.core.services import notify
from rapport.crm import services as crm

# --- search -----------------------------------------------------------------------


def test_search_groups_hits_by_kind(client, rep):
    # given a company and a lead of the rep that share a word
    crm.create_company(rep, {"name": "Haiyan Robotics"})
    crm.create_lead(rep, {"title": "Haiyan line upgrade"})
    client.force_login(rep)

    # when the rep searches for it
    html = client.get(reverse("search"), {"q": "haiyan"}).content.decode()

    # then each hit is shown under its kind
    assert 'data-kind="crm.company"' in html
    assert 'data-kind="crm.lead"' in html
    assert "<h2>Companies</h2>" in html
    assert "<h2>Leads</h2>" in html
    assert "Haiyan Robotics" in html
    assert "Haiyan line upgrade" in html


def test_search_leaves_out_other_teams_records(client, manager, outsider):
    crm.create_company(outsider, {"name": "Westwind Steel"})
    crm.create_company(manager, {"name": "Eastwind Steel"})
    client.force_login(manager)

    html = client.get(reverse("search"), {"q": "steel"}).content.decode()

    assert "Eastwind Steel" in html
    assert "Westwind Steel" not in html


def test_search_finds_chinese_names(client, rep):
    crm.create_company(rep, {"name": "上海海岩机器人有限公司"})
    client.force_login(rep)

    html = client.get(reverse("search"), {"q": "海岩"}).content.decode()

    assert "上海海岩机器人有限公司" in html


def test_search_shows_script_in_a_name_as_text(client, rep):
    crm.create_company(rep, {"name": "<script>alert('x')</script> Widgets"})
    client.force_login(rep)

    html = client.get(reverse("search"), {"q": "widgets"}).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Widgets" in html


def test_search_query_is_escaped_when_echoed(client, rep):
    client.force_login(rep)

    html = client.get(reverse("search"), {"q": "<img src=x onerror=alert(1)>"})
    html = html.content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- notifications ----------------------------------------------------------------


def test_unread_badge_shows_on_every_page(client, rep):
    notify([rep], "Deal moved")
    notify([rep], "Task due")
    client.force_login(rep)

    html = client.get(reverse("jobs")).content.decode()

    assert '<span class="badge" data-unread>2</span>' in html


def test_mark_one_read_with_htmx_returns_the_row_and_the_new_count(client, rep):
    # given two unread notifications
    first, second = notify([rep], "First"), notify([rep], "Second")
    client.force_login(rep)

    # when one is marked read through htmx
    response = client.post(
        reverse("notification_read", args=[first[0].pk]), HTTP_HX_REQUEST="true"
    )

    # then the answer is the row alone, and the badge count comes with it
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="notification-{first[0].pk}"')
    assert "<html" not in html
    trigger = json.loads(response["HX-Trigger"])
    assert trigger == {"rapport:unread": {"value": 1}}
    assert Notification.objects.get(pk=first[0].pk).read_at is not None
    assert Notification.objects.get(pk=second[0].pk).read_at is None


def test_cannot_mark_someone_elses_notification(client, rep, manager):
    theirs = notify([manager], "Private")[0]
    client.force_login(rep)

    response = client.post(reverse("notification_read", args=[theirs.pk]))

    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_touches_only_own_notifications(client, rep, manager):
    notify([rep], "Mine 1")
    notify([rep], "Mine 2")
    theirs = notify([manager], "Theirs")[0]
    client.force_login(rep)

    response = client.post(reverse("notifications_read_all"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=rep, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_inbox_lists_only_own_notifications_and_blocks_script_links(
    client, rep, manager
):
    notify([rep], "Mine", url="javascript:alert(1)")
    notify([manager], "Not mine")
    client.force_login(rep)

    html = client.get(reverse("notifications")).content.decode()

    assert "Mine" in html
    assert "Not mine" not in html
    assert "javascript:" not in html


def test_inbox_pages_by_cursor(client, rep):
    for i in range(35):
        notify([rep], f"Note {i:02d}")
    client.force_login(rep)

    first = client.get(reverse("notifications")).content.decode()
    assert "Note 34" in first and "Note 04" not in first
    assert "?before=" in first

    cursor = first.split("?before=")[1].split('"')[0]
    second = client.get(reverse("notifications"), {"before": cursor}).content.decode()
    assert "Note 04" in second and "Note 34" not in second


# --- jobs ---------------------------------------------------------------------------


def test_jobs_page_shows_only_own_jobs(client, rep, manager):
    Job.objects.create(user=rep, kind="crm.import", title="My import")
    Job.objects.create(user=manager, kind="crm.import", title="Their import")
    client.force_login(rep)

    html = client.get(reverse("jobs")).content.decode()

    assert "My import" in html
    assert "Their import" not in html


def test_admin_sees_every_job(client, rep, admin_user):
    Job.objects.create(user=rep, kind="crm.import", title="Rep import")
    client.force_login(admin_user)

    assert "Rep import" in client.get(reverse("jobs")).content.decode()


def test_jobs_page_polls_while_a_job_runs_and_stops_after(client, rep):
    job = Job.objects.create(
        user=rep, kind="x", title="Long", status=Job.Status.RUNNING, progress=40
    )
    client.force_login(rep)

    running = client.get(reverse("jobs")).content.decode()
    assert 'hx-trigger="every 2s"' in running
    assert "width: 40%" in running

    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress=100)
    fragment = client.get(reverse("jobs"), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="job-table"')
    assert "hx-trigger" not in fragment


def test_job_detail_shows_log_and_error_and_hides_others_jobs(client, rep, manager):
    mine = Job.objects.create(
        user=rep,
        kind="x",
        title="Broken",
        status=Job.Status.FAILED,
        log="[10:00:00] started\n",
        error="ValueError: bad row 7",
    )
    theirs = Job.objects.create(user=manager, kind="x", title="Other")
    client.force_login(rep)

    html = client.get(reverse("job_detail", args=[mine.pk])).content.decode()
    assert "started" in html
    assert "ValueError: bad row 7" in html
    assert client.get(reverse("job_detail", args=[theirs.pk])).status_code == 404


def test_a_real_job_runs_and_its_outcome_shows(
    client, rep, django_capture_on_commit_callbacks
):
    from rapport.core.jobs import job_kind
    from rapport.core.services import start_job

    @job_kind("tests.shell_pages.count")
    def count(context):
        context.log("counting")
        context.progress(50)
        return {"counted": 3}

    # given a job started and run by the (immediate) queue after commit
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(rep, "tests.shell_pages.count", "Count things")
    client.force_login(rep)

    # then the detail page shows it finished with its log and result
    html = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "counting" in html
    assert "&quot;counted&quot;: 3" in html
    assert "Succeeded" in html


# --- API tokens ---------------------------------------------------------------------


def test_new_token_is_shown_once_and_works(client, rep):
    client.force_login(rep)

    # when a token is created
    response = client.post(
        reverse("accounts:tokens"), {"name": "ERP sync", "access": "read"}, follow=True
    )

    # then the raw value is on the page right after, and it authenticates
    html = response.content.decode()
    raw = html.split('id="raw-token">')[1].split("<")[0]
    assert raw.startswith("rpt_")
    found = authenticate_token(raw)
    assert found is not None and found[0] == rep
    assert found[1].access == "read"

    # and it is never shown again
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in again
    assert "ERP sync" in again


def test_token_form_errors_keep_input(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("accounts:tokens"),
        {"name": "Nightly", "access": "write", "expires_on": "2001-01-01"},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose a date after today." in html
    assert 'value="Nightly"' in html
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(client, rep):
    client.force_login(rep)
    client.post(reverse("accounts:tokens"), {"name": "CI", "access": "write"})
    raw = client.session["rapport.new_api_token"]["raw"]
    token = ApiToken.objects.get(user=rep)

    response = client.post(
        reverse("accounts:token_revoke", args=[token.pk]), follow=True
    )

    assert "Revoked" in response.content.decode()
    assert authenticate_token(raw) is None


def test_cannot_revoke_someone_elses_token(client, rep, manager):
    from rapport.accounts.services import create_api_token

    token, raw = create_api_token(manager, "Theirs")
    client.force_login(rep)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert authenticate_token(raw) is not None


def test_token_expiry_is_the_end_of_the_chosen_day(client, rep):
    client.force_login(rep)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)

    client.post(
        reverse("accounts:tokens"),
        {"name": "Short", "access": "read", "expires_on": tomorrow.isoformat()},
    )

    token = ApiToken.objects.get(user=rep)
    assert timezone.localtime(token.expires_at).date() == tomorrow


# --- languages and page safety -------------------------------------------------


def test_browser_language_is_honoured_on_first_visit(client, db):
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    html = html.content.decode()

    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_language_switch_renders_chinese(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/jobs/"}
    )
    assert response.status_code == 302

    html = client.get("/jobs/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "任务" in html
    assert "通知" in html

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Notifications" in client.get("/jobs/").content.decode()


@pytest.mark.parametrize("name", ["home", "search", "notifications", "jobs"])
def test_pages_carry_no_inline_script_and_the_csp(client, rep, name):
    client.force_login(rep)

    response = client.get(reverse(name))

    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert " onclick=" not in html
    for chunk in html.split("<script")[1:]:
        opening = chunk.split(">")[0]
        assert "src=" in opening or 'type="application/json"' in opening


def test_token_page_forms_carry_csrf(client, rep):
    client.force_login(rep)

    html = client.get(reverse("accounts:tokens")).content.decode()

    assert html.count("<form") == html.count("csrfmiddlewaretoken") + 1  # + top search


def test_token_page_explains_the_header_in_both_languages(client, rep):
    client.force_login(rep)

    english = client.get(reverse("accounts:tokens")).content.decode()
    chinese = client.get(
        reverse("accounts:tokens"), HTTP_ACCEPT_LANGUAGE="zh-Hans"
    ).content.decode()

    assert "Authorization: Bearer rpt_…" in english
    assert "请在请求头“Authorization: Bearer rpt_…”中发送" in chinese
