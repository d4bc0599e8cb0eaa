"""Measure the Gantt page of a 500-task project in Chromium: paint and drag.

Run with `python -m bench.gantt`. It makes (once, then reuses) a database in
RAPPORT_GANTT_BENCH_DIR (default var/bench-gantt) with one project of 500 tasks
in four phases and about 700 dependencies of the four types, scheduled by the
engine; starts the real web process (`rapport serve --no-worker`); and drives
Debian's Chromium through Playwright:

- Largest contentful paint of the Gantt page (PerformanceObserver,
  'largest-contentful-paint'), target 2.5 s, beside the LCP of the sign-in
  page served by the same process (the reference). The chart itself is SVG,
  which LCP does not count, so the time until gantt.js has drawn every bar
  (its 'gantt-drawn' mark) is printed too.
- Dragging a critical task, from the mouse button's release, target 300 ms,
  beside a round trip to a tiny static file from the same page (the
  reference): to the chart's own forward-pass preview painted, and to the
  engine's schedule painted (the request, the saved reschedule of 500 tasks,
  the redraw and the next frame).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(
    os.environ.get("RAPPORT_GANTT_BENCH_DIR", ROOT / "var" / "bench-gantt")
).resolve()
TASKS = int(os.environ.get("BENCH_GANTT_TASKS", "500"))
DRAGS = int(os.environ.get("BENCH_GANTT_DRAGS", "8"))
LOADS = int(os.environ.get("BENCH_GANTT_LOADS", "5"))
CHROMIUM = os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium")
LCP_TARGET_MS = 2500
DRAG_TARGET_MS = 300
CODE = "BENCH-GANTT"

LCP_SCRIPT = """() => new Promise(resolve => {
  let last = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) last = entry.startTime;
  }).observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve(last), 300);
})"""
DRAWN_SCRIPT = """() => {
  const mark = performance.getEntriesByName('gantt-drawn')[0];
  return mark ? mark.startTime : null;
}"""
# Resolves, after a drag, with [preview painted, server's schedule painted] in ms
# from the release of the mouse button.
DRAG_SCRIPT = """([x0, y, dx]) => new Promise(resolve => {
  const root = document.querySelector('[data-gantt]');
  const body = document.querySelector('[data-gantt-body]');
  const opts = {bubbles: true, clientY: y, button: 0, pointerId: 1};
  const target = document.elementFromPoint(x0, y);
  target.dispatchEvent(new PointerEvent('pointerdown', {...opts, clientX: x0}));
  body.dispatchEvent(new PointerEvent('pointermove', {...opts, clientX: x0 + dx / 2}));
  body.dispatchEvent(new PointerEvent('pointermove', {...opts, clientX: x0 + dx}));
  const released = performance.now();
  let preview = null;
  const painted = () => new Promise(done => requestAnimationFrame(() =>
    requestAnimationFrame(() => done(performance.now() - released))));
  const seen = new MutationObserver(() => {
    if (root.dataset.busy === 'false') {
      seen.disconnect();
      painted().then(full => resolve([preview, full]));
    }
  });
  seen.observe(root, {attributes: true, attributeFilter: ['data-busy']});
  body.dispatchEvent(new PointerEvent('pointerup', {...opts, clientX: x0 + dx}));
  painted().then(ms => { preview = ms; });
})"""
FETCH_SCRIPT = """async url => {
  const t = performance.now();
  await (await fetch(url, {cache: 'no-store'})).text();
  return performance.now() - t;
}"""


def _setup_django() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["RAPPORT_DATA_DIR"] = str(DATA_DIR)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("QUEUE_URL", None)
    os.environ.setdefault("RAPPORT_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _project() -> Any:
    """The benchmark's 500-task project, made and scheduled on the first run."""
    from rapport.accounts.models import Team, User
    from rapport.crm.models import Company
    from rapport.projects import services
    from rapport.projects.models import Dependency, Phase, Project, Task

    found = Project.objects.filter(code=CODE).first()
    if found is not None and found.tasks.count() == TASKS:
        return found
    if found is not None:
        found.delete()
    rng = random.Random(500)
    team, _ = Team.objects.get_or_create(name="Bench projects")
    pm = User.objects.filter(username="bench-pm").first() or User.objects.create_user(
        "bench-pm", password="bench-pm-password", role="project_manager", team=team
    )
    company = Company.objects.create(name="Bench Works", owner=pm, team=team)
    project = Project.objects.create(
        name="Bench plant (500 tasks)",
        code=CODE,
        company=company,
        owner=pm,
        team=team,
        contract_value=Decimal("8000000"),
        start_date=date(2026, 3, 2),
        status=Project.Status.ACTIVE,
    )
    phases = [
        Phase.objects.create(project=project, name=name, position=i)
        for i, name in enumerate(("Design", "Procurement", "Construction", "Go-live"))
    ]
    tasks = Task.objects.bulk_create(
        Task(
            project=project,
            phase=phases[i * len(phases) // TASKS],
            name=f"Work package {i + 1}",
            position=i,
            duration_days=rng.randint(1, 6),
        )
        for i in range(TASKS)
    )
    links: dict[tuple[int, int], Dependency] = {}
    for i in range(4, TASKS):
        # Four streams of work that now and then wait on each other.
        links[(i - 4, i)] = Dependency(
            project=project, predecessor=tasks[i - 4], successor=tasks[i]
        )
        if rng.random() < 0.4:
            j = rng.randrange(max(0, i - 20), i - 1)
            kind = rng.choice(["FS", "SS", "FF", "FS"])
            links[(j, i)] = Dependency(
                project=project,
                predecessor=tasks[j],
                successor=tasks[i],
                type=kind,
                lag=rng.randint(-1, 2),
            )
    Dependency.objects.bulk_create(links.values())
    services.reschedule(project, "benchmark")
    project.refresh_from_db()
    return project


def _browser_context(playwright: Any, base_url: str, cookie: str) -> Any:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
        ],
    )
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1440, "height": 900}, locale="en-US"
    )
    name, _, value = cookie.partition("=")
    context.add_cookies([{"name": name, "value": value, "url": base_url}])
    return browser, context


def _lcp(context: Any, path: str, ready: str | None = None) -> tuple[float, Any]:
    page = context.new_page()
    page.goto(path, wait_until="load")
    drawn = None
    if ready:
        page.wait_for_selector(ready, timeout=60_000)
        drawn = page.evaluate(DRAWN_SCRIPT)
    lcp = float(page.evaluate(LCP_SCRIPT))
    page.close()
    return lcp, drawn


def _drag_once(page: Any, task_id: int, days: int) -> tuple[float, float]:
    bar = page.locator(f'g.gt[data-id="{task_id}"] .bar')
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    x0, y = box["x"] + 2, box["y"] + box["height"] / 2
    preview, full = page.evaluate(DRAG_SCRIPT, [x0, y, days * 9])
    return float(preview), float(full)


def _line(name: str, values: list[float], reference: list[float], target: int) -> str:
    median = statistics.median(values)
    ref = statistics.median(reference)
    verdict = "ok" if median <= target else "over target"
    return (
        f"{name:<34} median {median:8.1f} ms  max {max(values):8.1f} ms  "
        f"reference {ref:7.1f} ms  ratio {median / ref:6.1f}  "
        f"target {target} ms: {verdict}"
    )


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"Chromium is missing at {CHROMIUM}; nothing measured.")
        return 1
    _setup_django()
    from playwright.sync_api import sync_playwright

    from bench.run import Server, _session_cookie
    from rapport.projects.models import Dependency, Task

    project = _project()
    cookie = _session_cookie(project.owner)
    deps = Dependency.objects.filter(project=project).count()
    waited_on = Dependency.objects.filter(project=project).values("predecessor_id")
    task = (
        Task.objects.filter(project=project, is_critical=True, pk__in=waited_on)
        .order_by("position")
        .first()
    )
    assert task is not None, "the benchmark project has no critical task to drag"
    print(f"Gantt of {TASKS} tasks and {deps} dependencies, project {project.pk}")

    server = Server()
    try:
        base = f"http://127.0.0.1:{server.port}"
        with sync_playwright() as playwright:
            browser, context = _browser_context(playwright, base, cookie)
            gantt = f"/projects/{project.pk}/gantt/"
            _lcp(context, gantt, "[data-gantt][data-ready=true]")  # warm caches
            reference_lcp = [_lcp(context, "/accounts/login/")[0] for _ in range(LOADS)]
            runs = [
                _lcp(context, gantt, "[data-gantt][data-ready=true]")
                for _ in range(LOADS)
            ]
            page = context.new_page()
            page.goto(gantt)
            page.wait_for_selector("[data-gantt][data-ready=true]", timeout=60_000)
            drags = [
                _drag_once(page, task.pk, 7 if k % 2 == 0 else -7) for k in range(DRAGS)
            ]
            static = "/static/rapport/app.js"
            round_trips = [page.evaluate(FETCH_SCRIPT, static) for _ in range(DRAGS)]
            moved = page.get_attribute("[data-gantt]", "data-last-move-ms")
            browser.close()
    finally:
        server.stop()

    print(_line("Gantt page LCP", [r[0] for r in runs], reference_lcp, LCP_TARGET_MS))
    drawn = [r[1] for r in runs if r[1] is not None]
    print(_line("Gantt chart drawn (all bars)", drawn, reference_lcp, LCP_TARGET_MS))
    previews = [d[0] for d in drags]
    print(_line("drag -> preview painted", previews, round_trips, DRAG_TARGET_MS))
    full = [d[1] for d in drags]
    print(_line("drag -> engine's schedule painted", full, round_trips, DRAG_TARGET_MS))
    print(f"(the chart's own figure for the last drag, request to redraw: {moved} ms)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
