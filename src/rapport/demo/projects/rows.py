"""Writing a played-out project: plan, baseline, assignments, time and daily history."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rapport.demo.projects.staff import crew
from rapport.projects.calendars import default_calendar
from rapport.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Dependency,
    Phase,
    ProgressSnapshot,
    Project,
    Task,
    TimeEntry,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User
    from rapport.demo.projects.story import Story
    from rapport.scheduling import WorkCalendar

HOURS_A_DAY = 8.0
CAUSE_TEXT = {
    "": ("按计划交付。", "On plan."),
    "overload": (
        "延期原因：{person}同时承担多个项目，负荷超出产能。",
        "Delay cause: {person} was booked on several projects beyond capacity.",
    ),
    "late_predecessor": (
        "延期原因：前置工作“{task}”外部交付延迟。",
        "Delay cause: the predecessor “{task}” was delivered late from outside.",
    ),
    "scope_change": (
        "延期原因：客户中途变更范围，新增“变更需求”。",
        "Delay cause: the customer changed the scope and added a change request.",
    ),
}


class RowWriter:
    """Turns played-out stories into rows for bulk inserts (mixed into the planner)."""

    b: Any
    rng: Any
    today: date
    calendar: WorkCalendar
    people: dict[str, User]
    rates: dict[int, Decimal]
    rows: dict[type, list[dict[str, Any]]]
    booked: dict[int, dict[date, float]]
    skill_ids: dict[str, int]
    ids: dict[int, int]
    empty_list: Any

    @property
    def stamp(self) -> dict[str, Any]:
        """The bookkeeping fields of a versioned row written now."""
        return {"created_at": self.b.now, "updated_at": self.b.now, "version": 1}

    def run(self, story: Story, planned: bool, known: date | None = None) -> Any:
        raise NotImplementedError

    def delay(self, story: Story) -> int:
        raise NotImplementedError

    def workdays(self, first: date, last: date) -> list[date]:
        raise NotImplementedError

    def write(self, story: Story, number: int) -> None:
        deal = story.deal
        pid = story.project_id = self.b.new_id(Project)
        ended = story.actual.project_finish < self.today
        now = min(self.today, story.actual.project_finish)
        current = self.run(story, planned=False, known=now)
        late = self.delay(story) >= 3
        cause = story.cause if late else ""
        who = self.people[story.cause_person].display_name if story.cause_person else ""
        zh, en = CAUSE_TEXT[cause]
        text = f"{zh.format(person=who, task=story.cause_task)}\n" + en.format(
            person=who, task=story.cause_task
        )
        owner = self.people[crew(story.team)[0]]
        health = self.b.truths[deal.company_id].health
        self.rows[Project].append(
            {
                "id": pid,
                "created_at": self.b.at(0) - (self.today - story.start),
                "updated_at": self.b.now,
                "version": 1,
                "owner_id": owner.pk,
                "team_id": deal.team_id,
                "name": deal.title[:200],
                "code": f"P{story.start:%y}-{number:04d}",
                "description": text,
                "company_id": deal.company_id,
                "deal_id": deal.pk,
                "template_id": story.template.pk,
                "contract_value": deal.amount,
                "currency": deal.currency,
                "status": "completed" if ended else "active",
                "start_date": story.start,
                "calendar_id": default_calendar().pk,  # type: ignore[union-attr]
                "customer_risk": "high" if health < 0.45 else "normal",
                "delay_cause": cause,
                "planned_finish": story.baseline.project_finish,
                "forecast_finish": current.project_finish,
                "critical_path_days": current.duration_days,
                "last_scheduled_at": self.b.now,
                "schedule_error": "",
                "schedule_warnings": self.empty_list,
                "closed_at": self.b.at(0) - (self.today - now) if ended else None,
            }
        )
        # Chinese customers' projects get the templates' Chinese task names.
        self.write_plan(story, current, now, chinese=deal.currency == "CNY")
        self.write_history(story, now)

    def write_plan(
        self, story: Story, current: Any, now: date, *, chinese: bool
    ) -> None:
        phases: dict[int, int] = {}
        ids: dict[int, int] = {}
        change = ("变更", "变更需求") if chinese else ("Change", "Change request")
        for i, task in enumerate(story.tasks):
            row = task["row"]
            phase_key = row.phase_id if row else -1
            if phase_key not in phases:
                phases[phase_key] = self.b.new_id(Phase)
                self.rows[Phase].append(
                    {
                        "id": phases[phase_key],
                        "created_at": self.b.now,
                        "updated_at": self.b.now,
                        "version": 1,
                        "project_id": story.project_id,
                        "position": len(phases),
                        "name": _named(row.phase, chinese) if row else change[0],
                    }
                )
            ids[i] = self.b.new_id(Task)
            seen = current.tasks.get(i)
            actual = story.actual.tasks[i]
            done = actual.finish <= now
            started = actual.start <= now
            elapsed = len(self.workdays(actual.start, min(now, actual.finish)))
            percent = (
                100
                if done
                else (
                    round(100 * elapsed / task["actual"])
                    if started and task["actual"]
                    else 0
                )
            )
            name = _named(row, chinese) if row else change[1]
            if seen is None:
                continue
            self.rows[Task].append(
                {
                    "id": ids[i],
                    "created_at": self.b.now,
                    "updated_at": self.b.now,
                    "version": 1,
                    "project_id": story.project_id,
                    "phase_id": phases[phase_key],
                    "name": name,
                    "description": "",
                    "position": i + 1,
                    "duration_days": task["actual"] if started else task["days"],
                    "estimated_hours": Decimal(str(round(task["hours"], 1))),
                    "percent_complete": min(percent, 100),
                    "status": "done"
                    if done
                    else ("in_progress" if started else "todo"),
                    "priority": 2,
                    "scheduling": "auto",
                    "pinned_start": None,
                    "constraint": "",
                    "constraint_date": None,
                    "required_skill_id": self.skill_ids.get(task["skill"]),
                    "is_milestone": task["days"] == 0,
                    "actual_start": actual.start if started else None,
                    "actual_finish": actual.finish if done else None,
                    "start": seen.start,
                    "finish": seen.finish,
                    "early_start": seen.early_start,
                    "early_finish": seen.early_finish,
                    "late_start": seen.late_start,
                    "late_finish": seen.late_finish,
                    "total_slack": seen.total_slack,
                    "free_slack": seen.free_slack,
                    "is_critical": seen.critical,
                }
            )
            if task["person"]:
                user = self.people[task["person"]].pk
                self.rows[Assignment].append(
                    {
                        "id": self.b.new_id(Assignment),
                        "created_at": self.b.now,
                        "updated_at": self.b.now,
                        "version": 1,
                        "task_id": ids[i],
                        "user_id": user,
                        "share": 100,
                    }
                )
                self.time_entries(
                    story, ids[i], user, actual.start, min(actual.finish, now)
                )
        for a, b, kind, lag in story.links:
            if a in ids and b in ids and a in current.tasks and b in current.tasks:
                self.rows[Dependency].append(
                    {
                        "id": self.b.new_id(Dependency),
                        "created_at": self.b.now,
                        "updated_at": self.b.now,
                        "version": 1,
                        "project_id": story.project_id,
                        "predecessor_id": ids[a],
                        "successor_id": ids[b],
                        "type": kind,
                        "lag": lag,
                    }
                )
        base = self.b.new_id(Baseline)
        self.rows[Baseline].append(
            {
                "id": base,
                "created_at": self.b.now,
                "updated_at": self.b.now,
                "version": 1,
                "project_id": story.project_id,
                "name": "基线 Baseline 1",
                "saved_by_id": None,
                "start": story.start,
                "finish": story.baseline.project_finish,
            }
        )
        for i, planned in story.baseline.tasks.items():
            task = story.tasks[i]
            self.rows[BaselineTask].append(
                {
                    "id": self.b.new_id(BaselineTask),
                    "baseline_id": base,
                    "task_id": ids[i],
                    "start": planned.start,
                    "finish": planned.finish,
                    "duration_days": task["days"],
                    "estimated_hours": Decimal(str(round(task["hours"], 1))),
                }
            )
        self.ids = ids

    def time_entries(
        self, story: Story, task_id: int, user: int, first: date, last: date
    ) -> None:
        """One entry a week per person and task, a little off the planned hours."""
        weeks: dict[date, list[date]] = defaultdict(list)
        for day in self.workdays(first, last):
            weeks[day - timedelta(days=day.weekday())].append(day)
        for days in weeks.values():
            hours = HOURS_A_DAY * len(days) * self.rng.uniform(0.85, 1.05)
            entry = {
                "id": self.b.new_id(TimeEntry),
                "created_at": self.b.now,
                "updated_at": self.b.now,
                "version": 1,
                "task_id": task_id,
                "user_id": user,
                "date": days[-1],
                "hours": Decimal(str(round(min(hours, 99), 2))),
                "cost_rate": self.rates[user],
                "note": "",
            }
            self.rows[TimeEntry].append(entry)
            story.entries.append(entry)

    def write_history(self, story: Story, now: date) -> None:
        """A snapshot for every calendar day from the start until the end or today."""
        from rapport.projects.services.progress import (
            TaskProgress,
            earned_value,
            variance_days,
        )

        people = {self.people[t["person"]].pk for t in story.tasks if t["person"]}
        budget = float(story.deal.amount)
        planned_finish = story.baseline.project_finish
        cost_by_day: dict[date, float] = defaultdict(float)
        for entry in story.entries:
            cost_by_day[entry["date"]] += float(entry["hours"] * entry["cost_rate"])
        known_runs: dict[tuple[int, ...], Any] = {}
        spent = 0.0
        day = story.start
        while day <= now:
            spent += cost_by_day.get(day, 0.0)
            started = tuple(
                i for i in story.actual.tasks if story.actual.tasks[i].start <= day
            )
            revealed = started + (
                (1,) if story.change_day and day >= story.change_day else ()
            )
            if revealed not in known_runs:
                known_runs[revealed] = self.run(story, planned=False, known=day)
            seen = known_runs[revealed]
            rows = []
            for i, planned in story.baseline.tasks.items():
                actual = story.actual.tasks[i]
                task = story.tasks[i]
                progress = (
                    1.0
                    if actual.finish <= day
                    else len(self.workdays(actual.start, day)) / max(1, task["actual"])
                    if actual.start <= day
                    else 0.0
                )
                rows.append(
                    TaskProgress(
                        task["hours"] or task["days"],
                        planned.start,
                        planned.finish,
                        task["days"],
                        100 * progress,
                        seen.tasks[i].finish,
                        progress >= 1.0,
                    )
                )
            value = earned_value(rows, day, self.calendar, budget)
            week = day - timedelta(days=day.weekday())
            load = max(
                (
                    sum(
                        self.booked[p].get(week + timedelta(days=k), 0.0)
                        for k in range(7)
                    )
                    / (HOURS_A_DAY * 5)
                    for p in people
                ),
                default=0.0,
            )
            variance = variance_days(self.calendar, planned_finish, seen.project_finish)
            if variance >= 3 and story.late_from is None:
                story.late_from = day
            self.rows[ProgressSnapshot].append(
                {
                    "id": self.b.new_id(ProgressSnapshot),
                    "project_id": story.project_id,
                    "date": day,
                    "planned_value": Decimal(str(round(value["planned_value"], 2))),
                    "earned_value": Decimal(str(round(value["earned_value"], 2))),
                    "actual_cost": Decimal(str(round(spent, 2))),
                    "percent_complete": round(value["percent_complete"], 2),
                    "planned_percent": round(value["planned_percent"], 2),
                    "spi": round(value["earned_value"] / value["planned_value"], 4)
                    if value["planned_value"] > 0
                    else None,
                    "schedule_variance_days": variance,
                    "slipped_tasks": sum(
                        1
                        for r in rows
                        if not r.done
                        and r.finish
                        and r.planned_finish
                        and r.finish > r.planned_finish
                    ),
                    "open_tasks": sum(1 for r in rows if not r.done),
                    "resource_load": round(load, 3),
                    "critical_path_days": seen.duration_days,
                    "forecast_finish": seen.project_finish,
                    "planned_finish": planned_finish,
                }
            )
            day += timedelta(days=1)


def _named(row: Any, chinese: bool) -> str:
    """A template row's name in the customer's language."""
    return str(row.name_zh if chinese and row.name_zh else row.name)
