"""What of each project record is searchable."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.search import register
from rapport.projects.models import Project, Task


def _join(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p)


register(
    Project,
    title=lambda p: f"{p.code} {p.name}",
    text=lambda p: _join(p.code, p.name, p.company.name, p.description[:1000]),
    url=lambda pk: f"/projects/{pk}/",
    label=_("Project"),
    select_related=("company",),
)
register(
    Task,
    title=lambda t: t.name,
    text=lambda t: _join(t.name, t.project.code, t.project.name, t.description[:1000]),
    url=lambda pk: f"/projects/tasks/{pk}/edit/",
    label=_("Task"),
    select_related=("project",),
)
