"""factory_boy factories for the projects records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from rapport.projects.models import (
    Assignment,
    Dependency,
    Project,
    ResourceProfile,
    Task,
)
from tests.factories import CompanyFactory, Scoped

# A Monday that is a working day in China's 2026 calendar.
MONDAY = date(2026, 3, 2)


class ProjectFactory(Scoped):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Rollout {n}")
    code = factory.Sequence(lambda n: f"T-{n:05d}")
    company = factory.SubFactory(CompanyFactory, owner=factory.SelfAttribute("..owner"))
    contract_value = Decimal("500000")
    start_date = MONDAY
    status = Project.Status.ACTIVE


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Task {n}")
    position = factory.Sequence(lambda n: n)
    duration_days = 5
    estimated_hours = Decimal("40")


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    project = factory.SelfAttribute("predecessor.project")
    predecessor = factory.SubFactory(TaskFactory)
    successor = factory.SubFactory(
        TaskFactory, project=factory.SelfAttribute("..predecessor.project")
    )
    type = "FS"
    lag = 0


class ResourceProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceProfile

    daily_capacity_hours = Decimal("8")
    cost_rate = Decimal("300")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    share = 100
