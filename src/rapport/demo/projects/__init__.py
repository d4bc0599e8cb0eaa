"""Demo projects from won deals, with schedules, time entries and daily snapshots.

About sixty won deals become projects from their type's template. Projects are
played out in the order they started, with the real scheduling engine, so
that what happened to one shapes the next (docs/demo-data.md, "Projects"):

- each task goes to a person of the team with its skill: sometimes the team's
  go-to person for that skill whatever their load, otherwise whoever with the
  skill is least booked; a task whose person is already booked well beyond
  capacity by earlier projects takes longer, in proportion to the overload;
- now and then an outside predecessor (a vendor, a delivery) runs late;
- some customers change the scope part-way, adding a change request.

The cause of each delay is written on the project. The plan at the start is
saved as the baseline; every calendar day until the project ended (or today)
gets a progress snapshot computed from what was known that day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from rapport.accounts.models import User
from rapport.crm.models import Deal
from rapport.demo.bulk import insert_rows
from rapport.demo.projects.staff import NEW_PEOPLE, hire
from rapport.demo.projects.story import Planner, Story
from rapport.projects import services
from rapport.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Dependency,
    Leave,
    Phase,
    ProgressSnapshot,
    Project,
    ProjectTemplate,
    ResourceProfile,
    Skill,
    Task,
    TimeEntry,
)

logger = logging.getLogger(__name__)


def load(builder: Any) -> dict[str, int]:
    """Write the demo projects and their history; return what was written, by kind."""
    services.ensure_default_templates()
    planner = Planner(builder)
    planner.skill_ids = dict(Skill.objects.values_list("code", "id"))
    hire(planner)
    templates = {t.project_type: t for t in ProjectTemplate.objects.order_by("-id")}
    chosen = planner.choose()
    by_type: dict[str, list[int]] = defaultdict(list)
    stories = []
    for plan in sorted(chosen, key=lambda p: -p.end_ago):
        kind = planner.project_type(plan)
        by_type[kind].append(plan.deal.pk)
        team = planner.team_of(plan.deal.team_id)
        stories.append(planner.play(plan, templates[kind], team))
    for kind, deal_ids in by_type.items():
        Deal.objects.filter(pk__in=deal_ids).update(project_type=kind)
    for number, story in enumerate(stories, start=1):
        planner.write(story, number)
    order = [
        Project,
        Phase,
        Task,
        Dependency,
        Assignment,
        TimeEntry,
        Leave,
        Baseline,
        BaselineTask,
        ProgressSnapshot,
    ]
    for model in order:
        insert_rows(model, planner.rows[model])
    from rapport.demo.generator import reset_sequences

    reset_sequences(order)
    for project in Project.objects.filter(status="active").select_related("calendar"):
        services.assess_risk(project)
    builder.project_story = late_project_companies(planner, stories)
    return {
        "projects": len(stories),
        "project_tasks": len(planner.rows[Task]),
        "progress_snapshots": len(planner.rows[ProgressSnapshot]),
        "time_entries": len(planner.rows[TimeEntry]),
    }


def late_project_companies(
    planner: Planner, stories: list[Story]
) -> dict[int, list[tuple[float, float, int]]]:
    """Companies with a late project: (days ago it became late, ended, project id).

    A project is late from the first day its forecast finish lay three or more
    working days after its baseline, until it finished (or today).
    """
    story_of: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    today = planner.today
    for story in stories:
        if story.late_from is None:
            continue
        end = min(story.actual.project_finish, today)
        story_of[story.deal.company_id].append(
            (
                float((today - story.late_from).days),
                float((today - end).days),
                story.project_id,
            )
        )
    return dict(story_of)


def clear() -> None:
    """Delete the demo projects, the people this step added and their profiles."""
    Project.objects.all().delete()
    Leave.objects.all().delete()
    ResourceProfile.objects.all().delete()
    User.objects.filter(username__in=NEW_PEOPLE).delete()
