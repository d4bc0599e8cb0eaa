"""The CRM as a person uses it in a browser: sign in, create, convert, move, switch.

Each test drives the real pages on a live server; the checks read what the
page shows and, where a write happened, what the database holds.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from rapport.crm.models import Company, Deal, Lead
from tests.factories import DealFactory, LeadFactory, PipelineFactory

pytestmark = pytest.mark.browser


def test_sign_in_opens_the_home_page(page, log_in, rep):
    # when a rep signs in through the form
    log_in(rep)

    # then the home page opens with the navigation
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Companies")).to_be_visible()
    assert urlsplit(page.url).path == "/"


def test_wrong_password_keeps_the_user_on_the_form(page, rep):
    # when a rep signs in with a wrong password
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("user ?name", re.I)).fill(rep.username)
    page.get_by_label(re.compile("password", re.I)).fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    # then the form comes back with the error and the username kept
    expect(page.get_by_role("alert")).to_be_visible()
    assert "/accounts/login/" in page.url
    username = page.get_by_label(re.compile("user ?name", re.I))
    expect(username).to_have_value(rep.username)


def test_create_a_company(page, signed_in, rep):
    # given a signed-in rep
    signed_in(rep)

    # when they fill in the new-company form from the list
    page.goto("/crm/companies/")
    page.get_by_role("link", name="New", exact=True).click()
    page.get_by_label(re.compile(r"^name", re.I)).fill("华为技术有限公司")
    page.get_by_label(re.compile("short name", re.I)).fill("华为")
    page.get_by_role("button", name="Save").click()

    # then its page opens and the company is theirs and their team's
    heading = page.get_by_role("heading", name=re.compile("华为技术有限公司"))
    expect(heading).to_be_visible()
    company = Company.objects.get(name="华为技术有限公司")
    assert company.owner == rep and company.team == rep.team
    assert page.url.endswith(f"/crm/companies/{company.pk}/")


def test_convert_a_lead_to_a_deal(page, signed_in, rep):
    # given a rep's lead and the standard pipeline
    PipelineFactory()
    lead = LeadFactory(owner=rep, title="ERP 升级", company_name="苏州恒通电子有限公司")
    signed_in(rep)

    # when they convert it with a title and an amount
    page.goto(f"/crm/leads/{lead.pk}/convert/")
    page.get_by_label(re.compile("deal title", re.I)).fill("苏州恒通 ERP 升级")
    page.get_by_label(re.compile("amount", re.I)).fill("380000")
    page.get_by_role("button", name="Convert").click()

    # then the deal's page opens, the lead is converted, the company created
    deal = Deal.objects.get(title="苏州恒通 ERP 升级")
    expect(page).to_have_url(re.compile(rf"/crm/deals/{deal.pk}/$"))
    heading = page.get_by_role("heading", name=re.compile("苏州恒通 ERP 升级"))
    expect(heading).to_be_visible()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED
    assert deal.company.name == "苏州恒通电子有限公司"


def test_drag_a_deal_to_the_next_stage(page, signed_in, rep):
    # given a deal in the first stage of the board
    deal = DealFactory(owner=rep, title="Northwind rollout")
    stages = list(deal.pipeline.stages.order_by("position"))
    first, second = stages[0], stages[1]
    signed_in(rep)

    page.goto("/crm/deals/board/")
    card = page.locator(f"[data-deal='{deal.pk}']")
    target = page.get_by_role("region", name=re.compile(re.escape(second.name)))
    expect(
        page.get_by_role("region", name=re.compile(re.escape(first.name))).locator(
            f"[data-deal='{deal.pk}']"
        )
    ).to_be_visible()
    # when its card is dragged onto the next stage's column
    card.drag_to(target.locator("[data-cards]"))

    # then it stays there, the move is saved and survives a reload
    expect(target.locator(f"[data-deal='{deal.pk}']")).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('[data-board-error]') ||"
        " document.querySelector('[data-board-error]').hidden"
    )
    _wait_for(lambda: Deal.objects.get(pk=deal.pk).stage_id == second.pk)
    page.reload()
    expect(target.locator(f"[data-deal='{deal.pk}']")).to_be_visible()


def test_switch_the_language_to_chinese(page, signed_in, rep):
    # given a rep reading the company list in English
    signed_in(rep)
    page.goto("/crm/companies/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Companies")

    # when they press the language button
    page.get_by_role("button", name="中文").click()

    # then the page and the next ones are in Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_contain_text("公司")
    expect(page.get_by_role("link", name="商机", exact=True)).to_be_visible()
    page.goto("/crm/deals/board/")
    expect(page.get_by_role("button", name="EN")).to_be_visible()


def test_a_deal_of_another_team_is_not_found(page, signed_in, rep, outsider):
    # given a deal of the East team and a manager of the West team
    deal = DealFactory(owner=rep, title="East only")
    signed_in(outsider)

    # when the manager opens the deal by its address
    response = page.goto(f"/crm/deals/{deal.pk}/")

    # then it does not exist for them
    assert response is not None and response.status == 404
    expect(page.get_by_text("East only")).to_have_count(0)


def _wait_for(condition, seconds: float = 5.0) -> None:
    """Poll the database until the write the page started has landed."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the change never reached the database")
        time.sleep(0.1)
