"""The benchmark loader writes many valid, searchable rows quickly."""

from __future__ import annotations

import pytest
from django.db.models import F

from rapport.core.models import SearchDocument
from rapport.crm.models import Activity, Company, credit_code_validator
from rapport.demo.generator import bulk_companies_and_activities
from rapport.demo.rules import with_check
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_bulk_loader_writes_companies_activities_and_search_documents():
    # given an empty database
    # when a small bulk data set is made
    result = bulk_companies_and_activities(
        n_companies=300, n_activities=2000, seed=3, batch_size=500
    )
    # then the rows are there, owned by reps of their teams, and searchable
    assert result["companies"] == 300 and result["activities"] == 2000
    assert Company.objects.count() == 300
    assert Activity.objects.count() == 2000
    assert not Activity.objects.exclude(company__owner_id=F("owner_id")).exists()
    assert SearchDocument.objects.filter(kind="crm.company").count() == 300
    assert SearchDocument.objects.filter(kind="crm.activity").count() == 2000
    # and the credit codes are valid and unique
    codes = list(
        Company.objects.exclude(credit_code="").values_list("credit_code", flat=True)
    )
    assert len(codes) == len(set(codes)) > 200
    for code in codes:
        credit_code_validator(code)
        assert with_check(code[:17]) == code


def test_bulk_loader_is_repeatable_and_leaves_ids_usable():
    # given one bulk data set
    bulk_companies_and_activities(n_companies=50, n_activities=100, seed=9, index=False)
    names = list(Company.objects.order_by("id").values_list("name", flat=True))
    # when a second one is added on top
    bulk_companies_and_activities(n_companies=50, n_activities=100, seed=9, index=False)
    # then it repeats the same names with new, unique credit codes
    again = list(Company.objects.order_by("id").values_list("name", flat=True))[50:]
    assert again == names
    codes = list(Company.objects.values_list("credit_code", flat=True))
    assert len([c for c in codes if c]) == len({c for c in codes if c})
    # and records created the usual way get fresh ids
    activity = ActivityFactory()
    assert activity.pk > 200
