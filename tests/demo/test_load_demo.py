"""The small demo loads, holds consistent records, and loads the same way every time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.validators import validate_email
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from rapport.accounts.models import Team, User
from rapport.core.models import SearchDocument
from rapport.crm.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    Product,
    Quote,
    QuoteLine,
    Stage,
    credit_code_validator,
)
from rapport.demo.generator import DEMO_PASSWORD, HISTORY_DAYS
from rapport.demo.people import PEOPLE
from rapport.demo.rules import CODE_CHARS, with_check
from rapport.intelligence.models import RiskAlert
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def key_figures() -> dict[str, object]:
    """Figures that change if any generated value changes."""
    deals = Deal.objects.all()
    return {
        "counts": [
            m.objects.count()
            for m in (
                Company,
                Contact,
                ContactMethod,
                Lead,
                Deal,
                Activity,
                Quote,
                QuoteLine,
            )
        ],
        "stages": dict(deals.values_list("stage__name").annotate(n=Count("id"))),
        "amount": deals.aggregate(s=Sum("amount"))["s"],
        "quote_total": Quote.objects.aggregate(s=Sum("total"))["s"],
        "lead_status": dict(Lead.objects.values_list("status").annotate(n=Count("id"))),
        "names": sorted(Company.objects.values_list("name", flat=True))[:20],
        "subjects": sorted(Activity.objects.values_list("subject", flat=True))[::97],
        "complaints": Activity.objects.filter(subject__startswith="投诉").count(),
    }


def test_small_demo_has_the_expected_size(small_demo):
    # given the small demo (loaded by the fixture)
    # then each kind of record comes in the planned number
    assert Company.objects.count() == 50
    assert Contact.objects.count() == 150
    assert Lead.objects.count() == 300
    assert Deal.objects.count() == 120
    # (the insight step adds a follow-up task per risk alert it raises)
    risk_tasks = [
        t for ids in RiskAlert.objects.values_list("task_ids", flat=True) for t in ids
    ]
    assert Activity.objects.exclude(pk__in=risk_tasks).count() == 3000
    assert 20 <= Product.objects.count() <= 40
    assert 60 <= Quote.objects.count() <= 120
    assert QuoteLine.objects.count() >= 2 * Quote.objects.count()
    assert 300 <= ContactMethod.objects.count() <= 600
    assert User.objects.filter(username__in=[p.username for p in PEOPLE]).count() == 21
    assert Team.objects.count() >= 4
    # and deals are won, lost and still open
    by_outcome = dict(
        Deal.objects.values_list("stage__outcome").annotate(n=Count("id"))
    )
    assert (
        by_outcome["won"] >= 30
        and by_outcome["lost"] >= 25
        and by_outcome["open"] >= 10
    )


def test_every_role_can_sign_in_with_the_demo_password(small_demo, client):
    # given one demo account per role
    roles = {
        u.role: u
        for u in User.objects.filter(username__in=[p.username for p in PEOPLE])
    }
    assert set(roles) == {
        "sales_rep",
        "sales_manager",
        "project_manager",
        "executive",
        "finance",
        "support",
        "admin",
    }
    # then each checks the shared password, and each team has its manager
    for user in roles.values():
        assert user.check_password(DEMO_PASSWORD)
    for team in Team.objects.filter(members__role="sales_rep").distinct():
        assert team.manager is not None and team.manager.role == "sales_manager"


def test_records_look_as_the_services_would_leave_them(small_demo):
    # given the demo's scoped records
    scoped = [Company, Contact, Lead, Deal, Activity, Quote]
    for model in scoped:
        # then each is at version 1, with the owner's team
        assert not model.objects.exclude(version=1).exists()
        assert not model.objects.exclude(team_id=F("owner__team_id")).exists()
    # and every searchable record has its search document
    for model in (Company, Contact, Lead, Deal, Activity):
        kind = model._meta.label_lower
        indexed = SearchDocument.objects.filter(kind=kind).count()
        assert indexed == model.objects.count()
    doc = SearchDocument.objects.get(
        kind="crm.company", object_id=Company.objects.first().pk
    )
    assert Company.objects.first().name in doc.title


def test_fields_pass_the_model_rules(small_demo):
    # given a sample of every kind of record
    for model in (Company, Contact, Lead, Deal, Activity, Quote, QuoteLine):
        for record in model.objects.order_by("id")[:40]:
            # then model validation accepts it
            record.full_clean(validate_unique=False)
    # and every e-mail address and credit code is valid
    for value in ContactMethod.objects.filter(kind="email").values_list(
        "value", flat=True
    ):
        validate_email(value)
    codes = list(
        Company.objects.exclude(credit_code="").values_list("credit_code", flat=True)
    )
    assert len(codes) == len(set(codes)) >= 30
    for code in codes:
        credit_code_validator(code)
        assert with_check(code[:17]) == code
        assert all(ch in CODE_CHARS for ch in code)


def test_deals_quotes_and_leads_fit_together(small_demo):
    # given the deals
    deals = Deal.objects.select_related("stage", "contact")
    for deal in deals:
        # then closed deals have a close date, lost ones a reason, open ones neither
        assert deal.probability == deal.stage.probability
        if deal.stage.outcome == Stage.Outcome.OPEN:
            assert deal.closed_at is None
        else:
            assert deal.closed_at is not None and deal.closed_at >= deal.created_at
        if deal.stage.outcome == Stage.Outcome.LOST:
            assert deal.lost_reason
        assert deal.contact is None or deal.contact.company_id == deal.company_id
    # and a quote's totals follow from its lines, and a won deal's amount from its quote
    for quote in Quote.objects.prefetch_related("lines").select_related("deal__stage"):
        subtotal = sum((line.net for line in quote.lines.all()), Decimal("0"))
        assert quote.subtotal == subtotal
        assert quote.total == quote.subtotal - quote.discount_total + quote.tax_total
        assert quote.deal.amount == quote.subtotal - quote.discount_total
        if quote.deal.stage.outcome == Stage.Outcome.WON:
            assert quote.status == Quote.Status.ACCEPTED
    # and a converted lead points at its company, contact and deal
    converted = Lead.objects.filter(status=Lead.Status.CONVERTED)
    assert converted.count() >= 30
    assert not converted.filter(
        Q(company=None) | Q(contact=None) | Q(converted_at=None)
    ).exists()
    assert Deal.objects.filter(lead__in=converted).count() == converted.count()


def test_history_spans_eighteen_months_up_to_now(small_demo):
    # given the activities and deals
    now = timezone.now()
    start = now - timedelta(days=HISTORY_DAYS + 1)
    for model, field in (
        (Activity, "occurred_at"),
        (Deal, "created_at"),
        (Lead, "created_at"),
        (Company, "created_at"),
    ):
        values = model.objects.values_list(field, flat=True)
        # then all of them lie in the last 18 months, spread across them
        assert min(values) >= start and max(values) <= now
        assert max(values) - min(values) > timedelta(days=400)
    # and there are tasks done, tasks overdue and tasks still to come
    tasks = Activity.objects.filter(kind="task")
    assert not tasks.filter(due_at=None).exists()
    assert tasks.filter(done_at__isnull=False).count() > 100
    assert tasks.filter(done_at=None, due_at__lt=now).count() >= 5
    assert tasks.filter(done_at=None, due_at__gte=now).count() >= 3
    # and both languages are used
    assert Activity.objects.filter(subject__startswith="投诉").exists()
    assert Activity.objects.filter(subject__startswith="Complaint").exists()


def test_new_records_get_fresh_ids_after_the_demo(small_demo):
    # given the demo rows were written with explicit ids
    last = Company.objects.order_by("-id").values_list("id", flat=True).first()
    # when a company is created the usual way
    company = CompanyFactory()
    # then the database hands out the next id
    assert company.pk > last


def test_command_does_nothing_when_the_demo_is_there(small_demo):
    # given the loaded demo
    before = key_figures()
    out = StringIO()
    # when the command runs again
    call_command("load_demo", size="small", stdout=out)
    # then it says so, changes nothing and still shows the log-ins
    text = out.getvalue()
    assert "already loaded" in text
    assert DEMO_PASSWORD in text and "wang.qiang" in text
    assert key_figures() == before


def test_reset_loads_the_same_company_again(small_demo):
    # given the figures of the first load
    before = key_figures()
    out = StringIO()
    # when the command deletes and loads the demo again
    call_command("load_demo", size="small", reset=True, stdout=out)
    # then every key figure is the same
    assert key_figures() == before
    assert "Loaded 50 companies" in out.getvalue()


def test_another_seed_gives_another_company(small_demo):
    # given the figures of the default seed
    before = key_figures()
    # when the demo is loaded with another seed
    call_command("load_demo", size="small", reset=True, seed=7, stdout=StringIO())
    # then the names and figures differ, the sizes do not
    after = key_figures()
    assert after["counts"][0] == before["counts"][0]
    assert after["names"] != before["names"]
    assert after["amount"] != before["amount"]
