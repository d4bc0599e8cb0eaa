"""factory_boy factories for every model the tests create."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from rapport.accounts.models import Team, User
from rapport.crm.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    Pipeline,
    Product,
    Quote,
    QuoteLine,
    Stage,
)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    role = "sales_rep"
    team = factory.SubFactory(TeamFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class Scoped(factory.django.DjangoModelFactory):
    """Records owned by a user; the team follows the owner, as in the services."""

    class Meta:
        abstract = True

    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.owner.team)


class CompanyFactory(Scoped):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    industry = "manufacturing"
    region = "east_china"


class ContactFactory(Scoped):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory, owner=factory.SelfAttribute("..owner"))
    name = factory.Sequence(lambda n: f"Contact {n}")


class ContactMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMethod

    contact = factory.SubFactory(ContactFactory)
    kind = "email"
    value = factory.Sequence(lambda n: f"person{n}@example.com")


class LeadFactory(Scoped):
    class Meta:
        model = Lead

    title = factory.Sequence(lambda n: f"Lead {n}")
    company_name = factory.Sequence(lambda n: f"Prospect {n}")
    contact_name = "Li Lei"
    budget = Decimal("100000")


class PipelineFactory(factory.django.DjangoModelFactory):
    """A pipeline with the six standard stages."""

    class Meta:
        model = Pipeline
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = "Sales"
    is_default = True

    @factory.post_generation
    def stages(obj, create, extracted, **kwargs):
        if create and not obj.stages.exists():
            from rapport.crm.services import DEFAULT_STAGES

            Stage.objects.bulk_create(
                Stage(pipeline=obj, name=n, position=i, probability=p, outcome=o)
                for i, (n, p, o) in enumerate(DEFAULT_STAGES)
            )


class DealFactory(Scoped):
    class Meta:
        model = Deal

    title = factory.Sequence(lambda n: f"Deal {n}")
    company = factory.SubFactory(CompanyFactory, owner=factory.SelfAttribute("..owner"))
    pipeline = factory.SubFactory(PipelineFactory)
    stage = factory.LazyAttribute(
        lambda d: d.pipeline.stages.order_by("position").first()
    )
    amount = Decimal("250000")


class ActivityFactory(Scoped):
    class Meta:
        model = Activity

    kind = "call"
    subject = factory.Sequence(lambda n: f"Call {n}")
    company = factory.SubFactory(CompanyFactory, owner=factory.SelfAttribute("..owner"))
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    list_price = Decimal("1000")


class QuoteFactory(Scoped):
    class Meta:
        model = Quote

    number = factory.Sequence(lambda n: f"Q-TEST-{n:05d}")
    deal = factory.SubFactory(DealFactory, owner=factory.SelfAttribute("..owner"))


class QuoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteLine

    quote = factory.SubFactory(QuoteFactory)
    description = "Consulting day"
    quantity = Decimal("2")
    unit_price = Decimal("500")
