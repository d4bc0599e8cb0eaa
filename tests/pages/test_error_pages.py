"""The 404 and 403 pages: translated, inside the page shell, never a stack trace."""

from __future__ import annotations

import pytest

from tests.factories import CompanyFactory, DealFactory

pytestmark = pytest.mark.django_db


def test_deal_of_another_team_shows_the_not_found_page(client, rep, outsider):
    deal = DealFactory(owner=rep)
    client.force_login(outsider)

    response = client.get(f"/crm/deals/{deal.pk}/")

    assert response.status_code == 404
    assert b"outside what you may see" in response.content
    assert deal.title.encode() not in response.content


def test_forbidden_delete_shows_the_reason_in_chinese(client, rep):
    company = CompanyFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        f"/crm/companies/{company.pk}/delete/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 403
    assert "无权操作" in response.content.decode()
