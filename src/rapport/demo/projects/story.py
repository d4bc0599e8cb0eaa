"""Playing the demo projects out in start order: the plan, who does what, what slips."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from rapport.accounts.models import User
from rapport.demo.projects.rows import RowWriter
from rapport.demo.projects.staff import crew
from rapport.projects.calendars import default_calendar, work_calendar
from rapport.projects.models import (
    Project,
    ProjectTemplate,
    TemplateDependency,
    TemplateTask,
)
from rapport.scheduling import Dependency as Link
from rapport.scheduling import DepType, schedule
from rapport.scheduling import Task as Job

PROJECTS = {"full": 60, "small": 12}
HOURS_A_DAY = 8.0
# How often a task goes to the team's go-to person for its skill.
GO_TO_SHARE = 0.3
# Load (booked ÷ capacity, this task included) beyond which work slows, and how
# much longer a task takes per unit of load beyond it.
OVERLOAD_FROM = 1.75
SLOWDOWN = 0.6
# (username, name, role, team, skills, cost per hour, language)
TYPE_BY_INDUSTRY = {
    "construction": "construction",
    "energy": "construction",
    "software": "custom_development",
    "finance": "custom_development",
    "education": "consulting",
    "government": "consulting",
    "retail": "support",
}


@dataclass
class Story:
    """One demo project as it played out: plan, reality and the reason for a gap."""

    deal: Any
    team: str
    template: ProjectTemplate
    start: date
    tasks: list[dict[str, Any]] = field(default_factory=list)
    links: list[tuple[int, int, str, int]] = field(default_factory=list)
    baseline: Any = None
    actual: Any = None
    cause: str = ""
    cause_person: str = ""
    cause_task: str = ""
    change_day: date | None = None
    project_id: int = 0
    late_from: date | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)


class Planner(RowWriter):
    """Plays the projects out in start order and writes them in bulk."""

    def __init__(self, builder: Any) -> None:
        self.b = builder
        self.rng = builder.rng
        self.today = builder.now.date()
        self.calendar = work_calendar(default_calendar())
        self.people: dict[str, User] = {}
        self.skills: dict[str, set[str]] = {}
        self.rates: dict[int, Decimal] = {}
        self.booked: dict[int, dict[date, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        self.rows: dict[type, list[dict[str, Any]]] = defaultdict(list)
        self.stories: list[Story] = []
        self.skill_ids: dict[str, int] = {}
        self.ids: dict[int, int] = {}
        warnings = Project._meta.get_field("schedule_warnings")
        self.empty_list = warnings.get_db_prep_value([], connection)

    # --- People -------------------------------------------------------------------
    def team_of(self, team_id: int | None) -> str:
        for key, team in self.b.teams.items():
            if team.pk == team_id:
                return str(key)
        return "east"

    def person_for(
        self, team: str, skill: str | None, days: list[date] | None = None
    ) -> str:
        """Who gets a task: often the team's go-to person for the skill, whatever
        their load; otherwise whoever with the skill is least booked those days."""
        people = crew(team)
        able = [u for u in people if skill is None or skill in self.skills[u]]
        if not able:
            able = [u for u in self.people if skill in self.skills[u]] or people
        if not days or self.rng.random() < GO_TO_SHARE:
            return able[0]
        return min(able, key=lambda u: (self.load(u, days), self.rng.random()))

    def load(self, username: str, days: list[date]) -> float:
        """Hours a person is already booked on average over some days."""
        booked = self.booked[self.people[username].pk]
        return sum(booked.get(d, 0.0) for d in days) / max(1, len(days))

    # --- Playing a project out ----------------------------------------------------

    def choose(self) -> list[Any]:
        won = [p for p in self.b.deals if p.outcome == "won" and 20 < p.end_ago < 530]
        won.sort(key=lambda p: -p.end_ago)
        wanted = PROJECTS["full" if self.b.size.deals >= 1000 else "small"]
        step = max(1, len(won) / wanted) if won else 1
        return [won[int(i * step)] for i in range(min(wanted, len(won)))]

    def project_type(self, plan: Any) -> str:
        industry = plan.deal.company.industry
        kind = TYPE_BY_INDUSTRY.get(industry, "implementation")
        return kind if self.rng.random() < 0.75 else "implementation"

    def play(self, plan: Any, template: ProjectTemplate, team: str) -> Story:
        start_ago = plan.end_ago - self.rng.uniform(5, 15)
        start = self.calendar.add_workdays(self.b.at(start_ago).date(), 0)
        story = Story(plan.deal, team, template, start)
        scale = min(2.0, max(0.6, float(plan.deal.amount) / 300000)) ** 0.5
        rows = list(TemplateTask.objects.filter(template=template).order_by("position"))
        index = {row.pk: i for i, row in enumerate(rows)}
        for row in rows:
            days = 0 if row.is_milestone else max(1, round(row.duration_days * scale))
            skill = row.skill.code if row.skill is not None else None
            story.tasks.append(
                {
                    "row": row,
                    "days": days,
                    "actual": days,
                    "person": None,
                    "hours": float(row.estimated_hours) * scale,
                    "skill": skill,
                }
            )
        story.links = [
            (index[d.predecessor_id], index[d.successor_id], d.type, d.lag)
            for d in TemplateDependency.objects.filter(template=template)
        ]
        story.baseline = self.run(story, planned=True)
        for i, task in enumerate(story.tasks):
            if task["days"]:
                planned = story.baseline.tasks[i]
                span = self.workdays(planned.start, planned.finish)
                task["person"] = self.person_for(team, task["skill"], span)
        self.slow_down_the_overloaded(story)
        self.outside_surprises(story)
        story.actual = self.run(story, planned=False)
        self.book(story)
        return story

    def run(self, story: Story, planned: bool, known: date | None = None) -> Any:
        """The engine's schedule of planned or actual durations (as known on a day)."""
        jobs, links = [], list(story.links)
        for i, task in enumerate(story.tasks):
            hidden = known is not None and story.change_day and known < story.change_day
            if task.get("added") and (planned or hidden):
                continue
            days = task["days"] if planned else task["actual"]
            if known is not None and story.actual is not None:
                began = story.actual.tasks[i].start
                days = task["actual"] if began <= known else task["days"]
            jobs.append(Job(i, days))
        ids = {job.id for job in jobs}
        links = [link for link in links if link[0] in ids and link[1] in ids]
        return schedule(
            jobs,
            [Link(a, b, DepType(t), lag) for a, b, t, lag in links],
            self.calendar,
            story.start,
        )

    def slow_down_the_overloaded(self, story: Story) -> None:
        """A task of a person already booked beyond capacity takes longer."""
        worst = (0.0, "")
        for i, task in enumerate(story.tasks):
            if not task["person"]:
                continue
            planned = story.baseline.tasks[i]
            days = self.workdays(planned.start, planned.finish)
            ratio = (self.load(task["person"], days) + HOURS_A_DAY) / HOURS_A_DAY
            if ratio > OVERLOAD_FROM:
                slower = 1 + SLOWDOWN * (ratio - 1)
                task["actual"] = round(task["days"] * slower)
                if ratio > worst[0]:
                    worst = (ratio, task["person"])
        if worst[1]:
            story.cause, story.cause_person = "overload", worst[1]

    def outside_surprises(self, story: Story) -> None:
        """Now and then a predecessor runs late, or the customer changes the scope."""
        draw = self.rng.random()
        middle = [t for t in story.tasks if t["days"] >= 5]
        if draw < 0.14 and middle:
            late = self.rng.choice(middle)
            late["actual"] = round(late["actual"] * self.rng.uniform(1.4, 1.9))
            story.cause, story.cause_task = "late_predecessor", late["row"].name
        elif draw < 0.27 and len(story.tasks) > 3:
            at = len(story.tasks) // 2
            days = self.rng.randint(5, 14)
            story.tasks.append(
                {
                    "row": None,
                    "days": days,
                    "actual": days,
                    "added": True,
                    "person": self.person_for(story.team, "development"),
                    "hours": days * HOURS_A_DAY,
                    "skill": "development",
                }
            )
            new = len(story.tasks) - 1
            story.links += [
                (at - 1, new, "FS", 0),
                (new, len(story.tasks) - 2, "FS", 0),
            ]
            began = story.baseline.tasks[at - 1].start
            story.change_day = began
            story.cause = "scope_change"

    def book(self, story: Story) -> None:
        for i, task in enumerate(story.tasks):
            if not task["person"]:
                continue
            actual = story.actual.tasks[i]
            user = self.people[task["person"]].pk
            # The same work spread over a longer span: fewer hours each day.
            daily = HOURS_A_DAY * task["days"] / max(1, task["actual"])
            for day in self.workdays(actual.start, actual.finish):
                self.booked[user][day] += daily

    def workdays(self, first: date, last: date) -> list[date]:
        cal = self.calendar
        return [
            cal.date_of(k)
            for k in range(cal.index_of(first), cal.index_on_or_before(last) + 1)
        ]

    # --- Writing ------------------------------------------------------------------

    def delay(self, story: Story) -> int:
        planned, actual = story.baseline.project_finish, story.actual.project_finish
        return (
            self.calendar.workdays_between(planned, actual) - 1
            if actual > planned
            else 0
        )
