// The project Gantt chart: one SVG for the bars, drawn from the JSON that
// projects/gantt.py builds. Bars by phase, milestones as diamonds, dependency
// arrows of all four types, the critical path in red, baseline bars under the
// bars, a today line, zoom by day, week and month. Dragging a bar moves the task,
// dragging its right edge stretches it; the server reschedules the project
// (projects.services.move_task) and answers with the new schedule and what
// moved, which the chart animates in place. The form under the chart does the
// same without a pointer (phones, keyboards).
(function () {
  "use strict";

  var root = document.querySelector("[data-gantt]");
  if (!root) {
    return;
  }

  var ROW = 26;
  var DAY_MS = 86400000;
  var ZOOM_PX = { day: 28, week: 9, month: 2.6 };
  var HANDLE = 7;

  var head = root.querySelector("[data-gantt-head]");
  var body = root.querySelector("[data-gantt-body]");
  var labels = root.querySelector("[data-gantt-labels]");
  var tip = root.querySelector("[data-gantt-tip]");
  var live = root.querySelector("[data-gantt-status]");
  var finishOut = root.querySelector("[data-gantt-finish]");
  var errorBox = root.querySelector("[data-gantt-error]");
  var warningBox = root.querySelector("[data-gantt-warning]");
  var form = document.querySelector("[data-gantt-move-form]");
  var lang = document.documentElement.lang || "en";

  var state = {
    data: null,
    zoom: root.dataset.zoom in ZOOM_PX ? root.dataset.zoom : "week",
    px: 9,
    origin: 0,
    end: 0,
    rows: [],
    byId: {},
    rowOf: {},
    weekend: [5, 6],
    holidays: {},
    workdays: {},
    busy: false
  };

  // --- dates: day numbers (days since 1970-01-01, UTC) -----------------------

  function day(iso) {
    if (!iso) {
      return null;
    }
    var p = iso.split("-");
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY_MS);
  }

  function iso(n) {
    return new Date(n * DAY_MS).toISOString().slice(0, 10);
  }

  function weekday(n) {
    return (n + 3) % 7; // Monday 0 ... Sunday 6, like Python's date.weekday()
  }

  function isWorkday(n) {
    if (state.workdays[n]) {
      return true;
    }
    if (state.holidays[n]) {
      return false;
    }
    return state.weekend.indexOf(weekday(n)) < 0;
  }

  function nextWorkday(n, step) {
    var guard = 0;
    while (!isWorkday(n) && guard < 60) {
      n += step;
      guard += 1;
    }
    return n;
  }

  function workdaysBetween(a, b) {
    var count = 0;
    for (var n = a; n <= b; n += 1) {
      if (isWorkday(n)) {
        count += 1;
      }
    }
    return count;
  }

  function x(n) {
    return (n - state.origin) * state.px;
  }

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  function say(message) {
    if (live) {
      live.textContent = message;
    }
  }

  function showError(message) {
    if (errorBox) {
      errorBox.textContent = message || "";
      errorBox.hidden = !message;
    }
  }

  // --- model ------------------------------------------------------------------

  function load(data) {
    var cal = data.calendar || {};
    state.data = data;
    state.weekend = cal.weekend || [5, 6];
    state.holidays = {};
    state.workdays = {};
    (cal.holidays || []).forEach(function (d) { state.holidays[day(d)] = true; });
    (cal.workdays || []).forEach(function (d) { state.workdays[day(d)] = true; });
    state.rows = data.rows;
    state.byId = {};
    state.rowOf = {};
    data.rows.forEach(function (row, i) {
      row.s = day(row.start);
      row.f = day(row.finish);
      row.bs = day(row.baseline_start);
      row.bf = day(row.baseline_finish);
      if (row.kind === "task") {
        state.byId[row.id] = row;
        state.rowOf[row.id] = i;
      }
    });
    state.origin = day(data.range.from);
    state.end = day(data.range.to);
    ordinals = null;
  }

  // --- drawing ----------------------------------------------------------------

  function monthStarts(from, to) {
    var out = [];
    var d = new Date(from * DAY_MS);
    var cur = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
    while (cur <= to) {
      out.push(cur);
      var c = new Date(cur * DAY_MS);
      cur = Date.UTC(c.getUTCFullYear(), c.getUTCMonth() + 1, 1) / DAY_MS;
    }
    return out;
  }

  function yearStarts(from, to) {
    var out = [];
    var y = new Date(from * DAY_MS).getUTCFullYear();
    for (var cur = Date.UTC(y, 0, 1) / DAY_MS; cur <= to; cur = Date.UTC(++y, 0, 1) / DAY_MS) {
      out.push(cur);
    }
    return out;
  }

  var monthName = new Intl.DateTimeFormat(lang, { month: "short", timeZone: "UTC" });
  var monthYear = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", timeZone: "UTC" });
  var dayMonth = new Intl.DateTimeFormat(lang, { month: "numeric", day: "numeric", timeZone: "UTC" });

  // The time scale: two rows of labels, and the ticks the body's grid follows.
  function drawHead(width) {
    var from = state.origin;
    var to = state.end;
    var top = [];
    var bottom = [];
    var ticks = [];
    var n;
    if (state.zoom === "month") {
      yearStarts(from, to).forEach(function (s) {
        top.push([Math.max(s, from), String(new Date(s * DAY_MS).getUTCFullYear())]);
      });
      monthStarts(from, to).forEach(function (s) {
        bottom.push([Math.max(s, from), monthName.format(new Date(s * DAY_MS))]);
        ticks.push(s);
      });
    } else {
      monthStarts(from, to).forEach(function (s) {
        top.push([Math.max(s, from), monthYear.format(new Date(s * DAY_MS))]);
      });
      for (n = from; n <= to; n += 1) {
        if (state.zoom === "day") {
          bottom.push([n, String(new Date(n * DAY_MS).getUTCDate())]);
          ticks.push(n);
        } else if (weekday(n) === 0) {
          bottom.push([n, dayMonth.format(new Date(n * DAY_MS))]);
          ticks.push(n);
        }
      }
    }
    var parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="44" class="gantt-scale">'];
    top.forEach(function (t) {
      parts.push('<line x1="' + x(t[0]) + '" x2="' + x(t[0]) + '" y1="0" y2="22" class="tick-major"/>');
      parts.push('<text x="' + (x(t[0]) + 4) + '" y="15">' + esc(t[1]) + "</text>");
    });
    bottom.forEach(function (t) {
      var left = x(t[0]);
      var cls = state.zoom === "day" && !isWorkday(t[0]) ? ' class="off"' : "";
      parts.push('<line x1="' + left + '" x2="' + left + '" y1="22" y2="44" class="tick"/>');
      parts.push("<text" + cls + ' x="' + (left + 3) + '" y="37">' + esc(t[1]) + "</text>");
    });
    parts.push('<line x1="0" x2="' + width + '" y1="22" y2="22" class="tick"/>');
    parts.push("</svg>");
    head.innerHTML = parts.join("");
    return ticks;
  }

  function arrowPath(dep) {
    var a = state.byId[dep.from];
    var b = state.byId[dep.to];
    if (!a || !b) {
      return "";
    }
    var ay = state.rowOf[dep.from] * ROW + ROW / 2;
    var by = state.rowOf[dep.to] * ROW + ROW / 2;
    var fromEnd = dep.type === "FS" || dep.type === "FF";
    var toStart = dep.type === "FS" || dep.type === "SS";
    var sx = fromEnd ? x(a.f + 1) : x(a.s);
    var tx = toStart ? x(b.s) : x(b.f + 1);
    if (b.milestone) {
      tx = toStart ? x(b.s) - 5 : x(b.s) + 5;
    }
    if (a.milestone) {
      sx = fromEnd ? x(a.s) + 5 : x(a.s) - 5;
    }
    var out = sx + (fromEnd ? 6 : -6);
    var inX = tx + (toStart ? -6 : 6);
    var vx;
    if (fromEnd && toStart) {
      vx = out <= inX ? out : null;
    } else if (!fromEnd && !toStart) {
      vx = out >= inX ? out : null;
    } else if (fromEnd) {
      vx = Math.max(out, inX);
    } else {
      vx = Math.min(out, inX);
    }
    if (vx !== null) {
      return "M" + sx + " " + ay + "H" + vx + "V" + by + "H" + tx;
    }
    var mid = ay + (by > ay ? ROW / 2 : -ROW / 2);
    return "M" + sx + " " + ay + "H" + out + "V" + mid + "H" + inX + "V" + by + "H" + tx;
  }

  function barMarkup(row, i) {
    var y = i * ROW;
    var left = x(row.s);
    var cls = "gt" + (row.critical ? " crit" : "") + (row.manual ? " manual" : "") +
      (row.warning ? " warn" : "") +
      (row.status === "done" ? " done" : "") + (state.data.can_move ? " movable" : "");
    var title = esc(row.name) + " · " + row.start + " → " + row.finish +
      (row.warning ? " · " + esc(row.warning) : "");
    var parts = ['<g class="' + cls + '" data-id="' + row.id + '" data-start="' + row.start +
      '" data-finish="' + row.finish + '" data-x="' + left + '"><title>' + title + "</title>"];
    if (row.bs !== null && row.bf !== null) {
      parts.push('<rect class="base" x="' + x(row.bs) + '" y="' + (y + 19) + '" width="' +
        Math.max(2, x(row.bf + 1) - x(row.bs)) + '" height="4"/>');
    }
    if (row.milestone) {
      var cx = left;
      var cy = y + 11;
      parts.push('<path class="ms" d="M' + cx + " " + (cy - 7) + "L" + (cx + 7) + " " + cy + "L" + cx +
        " " + (cy + 7) + "L" + (cx - 7) + " " + cy + 'Z"/>');
      parts.push('<text class="name" x="' + (cx + 11) + '" y="' + (cy + 4) + '">' + esc(row.name) + "</text>");
    } else {
      var width = Math.max(2, x(row.f + 1) - left);
      parts.push('<rect class="bar" x="' + left + '" y="' + (y + 4) + '" width="' + width +
        '" height="14" rx="3"/>');
      if (row.percent > 0) {
        parts.push('<rect class="pct" x="' + left + '" y="' + (y + 4) + '" width="' +
          Math.round(width * Math.min(100, row.percent) / 100) + '" height="14" rx="3"/>');
      }
      if (state.data.can_move) {
        parts.push('<rect class="handle" x="' + (left + width - HANDLE) + '" y="' + (y + 4) +
          '" width="' + HANDLE + '" height="14"/>');
      }
      if (state.zoom !== "month") {
        parts.push('<text class="name" x="' + (left + width + 5) + '" y="' + (y + 15) + '">' +
          esc(row.name) + "</text>");
      }
    }
    parts.push("</g>");
    return parts.join("");
  }

  function draw() {
    var data = state.data;
    state.px = ZOOM_PX[state.zoom];
    var width = Math.ceil(x(state.end + 1)) + 160;
    var height = state.rows.length * ROW + 20;
    var ticks = drawHead(width);
    var parts = [
      '<svg xmlns="http://www.w3.org/2000/svg" class="gantt-svg zoom-' + state.zoom + '" width="' + width +
        '" height="' + height + '" data-gantt-svg>',
      "<defs>",
      '<marker id="gantt-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L8 4L0 8z" class="arrowhead"/></marker>',
      '<marker id="gantt-arrow-crit" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L8 4L0 8z" class="arrowhead crit"/></marker>',
      "</defs>",
      '<g class="grid">'
    ];

    // Non-working days, merged into runs, shaded behind everything.
    if (state.zoom !== "month") {
      var run = null;
      for (var n = state.origin; n <= state.end + 1; n += 1) {
        var off = n <= state.end && !isWorkday(n);
        if (off && run === null) {
          run = n;
        } else if (!off && run !== null) {
          parts.push('<rect class="off" x="' + x(run) + '" y="0" width="' + (x(n) - x(run)) +
            '" height="' + height + '"/>');
          run = null;
        }
      }
    }
    ticks.forEach(function (t) {
      parts.push('<line class="tick" x1="' + x(t) + '" x2="' + x(t) + '" y1="0" y2="' + height + '"/>');
    });
    state.rows.forEach(function (row, i) {
      if (row.kind === "phase" && i > 0) {
        parts.push('<line class="phase-line" x1="0" x2="' + width + '" y1="' + i * ROW + '" y2="' + i * ROW + '"/>');
      }
    });
    parts.push("</g>");

    // Phases: a summary bracket over their tasks.
    parts.push('<g class="phases">');
    state.rows.forEach(function (row, i) {
      if (row.kind !== "phase" || row.s === null) {
        return;
      }
      var left = x(row.s);
      var right = x(row.f + 1);
      var y = i * ROW + 8;
      parts.push('<path class="phase" d="M' + left + " " + (y + 10) + "V" + y + "H" + right + "V" + (y + 10) +
        "L" + (right - 5) + " " + (y + 5) + "H" + (left + 5) + 'Z"/>');
    });
    parts.push("</g>");

    // Dependencies under the bars.
    parts.push('<g class="deps">');
    data.deps.forEach(function (dep) {
      var d = arrowPath(dep);
      if (d) {
        var crit = dep.critical ? " crit" : "";
        parts.push('<path class="dep' + crit + '" data-from="' + dep.from + '" data-to="' + dep.to +
          '" data-type="' + dep.type + '" d="' + d + '" marker-end="url(#gantt-arrow' + crit.replace(" ", "-") + ')"/>');
      }
    });
    parts.push("</g>");

    parts.push('<g class="bars">');
    state.rows.forEach(function (row, i) {
      if (row.kind === "task") {
        parts.push(barMarkup(row, i));
      }
    });
    parts.push("</g>");

    // The project's finish, its baseline finish and today.
    var finish = day(data.project.finish);
    if (finish !== null) {
      parts.push('<line class="finish-line" data-gantt-finish-line x1="' + x(finish + 1) + '" x2="' +
        x(finish + 1) + '" y1="0" y2="' + height + '"/>');
    }
    var baseFinish = day(data.project.baseline_finish);
    if (baseFinish !== null) {
      parts.push('<line class="base-finish" x1="' + x(baseFinish + 1) + '" x2="' + x(baseFinish + 1) +
        '" y1="0" y2="' + height + '"/>');
    }
    var today = day(data.project.today);
    if (today >= state.origin && today <= state.end) {
      parts.push('<line class="today" data-gantt-today x1="' + x(today) + '" x2="' + x(today) +
        '" y1="0" y2="' + height + '"/>');
    }
    parts.push("</svg>");
    body.innerHTML = parts.join("");

    drawLabels();
    var unknown = (data.calendar || {}).unknown_years || [];
    if (warningBox) {
      warningBox.textContent = unknown.length
        ? fmt(root.dataset.textUnknown || "", { years: unknown.join(", ") }) : "";
      warningBox.hidden = !unknown.length;
    }
    if (finishOut) {
      finishOut.textContent = data.project.finish || "–";
    }
    root.dataset.zoom = state.zoom;
    root.querySelectorAll("[data-zoom-to]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.zoomTo === state.zoom ? "true" : "false");
    });
  }

  function drawLabels() {
    var parts = [];
    state.rows.forEach(function (row) {
      if (row.kind === "phase") {
        parts.push('<li class="phase">' + esc(row.name) + "</li>");
      } else {
        var cls = "task" + (row.critical ? " crit" : "") + (row.warning ? " warn" : "");
        parts.push('<li class="' + cls + '" data-id="' + row.id + '" title="' +
          esc(row.warning || row.name) + '">' + (row.warning ? "⚠ " : "") +
          (row.milestone ? "◆ " : "") + esc(row.name) + "</li>");
      }
    });
    labels.innerHTML = '<ol class="gantt-names">' + parts.join("") + "</ol>";
  }

  // --- after a move: animate from where each bar was -------------------------

  function showMoves(moves, oldFinish, slide) {
    var svg = body.querySelector("[data-gantt-svg]");
    var groups = [];
    moves.forEach(function (move) {
      var g = svg.querySelector('g.gt[data-id="' + move.task + '"]');
      if (!g) {
        return;
      }
      g.classList.add("moved");
      if (slide) {
        var shift = x(day(move.old_start)) - x(day(move.new_start));
        g.style.transform = "translateX(" + shift + "px)";
        groups.push(g);
      }
    });
    var line = svg.querySelector("[data-gantt-finish-line]");
    var finish = state.data.project.finish;
    if (line && oldFinish && oldFinish !== finish) {
      line.style.transform = "translateX(" + (x(day(oldFinish)) - x(day(finish))) + "px)";
      groups.push(line);
      if (finishOut) {
        finishOut.classList.add("changed");
      }
    }
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        groups.forEach(function (g) {
          g.classList.add("sliding");
          g.style.transform = "";
        });
      });
    });
  }

  // --- preview: the forward pass, while the server reschedules ----------------
  // The same rule as the engine's forward pass (rapport.scheduling): a task
  // starts at the latest of the project start, its "start no earlier than" and
  // what each predecessor asks (start + weight, in working days); a pinned task
  // keeps its start. The server's answer replaces the preview.

  var ordinals = null;
  var lastPreview = null;

  function buildOrdinals() {
    var base = state.origin - 60;
    var days = [];
    var kOfDay = [];
    for (var n = base; n <= state.end + 2200; n += 1) {
      kOfDay.push(days.length);
      if (isWorkday(n)) {
        days.push(n);
      }
    }
    ordinals = { base: base, days: days, kOfDay: kOfDay };
  }

  function ordinal(n) {
    var k = n - ordinals.base;
    return ordinals.kOfDay[Math.max(0, Math.min(k, ordinals.kOfDay.length - 1))];
  }

  function dayOf(i) {
    return ordinals.days[Math.max(0, Math.min(i, ordinals.days.length - 1))];
  }

  function forwardPass(changedId, start, duration) {
    if (!ordinals) {
      buildOrdinals();
    }
    var ids = Object.keys(state.byId);
    var dur = {};
    var early = {};
    var bound = {};
    var waiting = {};
    var succs = {};
    var origin = ordinal(day(state.data.project.start));
    ids.forEach(function (id) {
      var row = state.byId[id];
      dur[id] = row.duration;
      waiting[id] = 0;
      succs[id] = [];
      var pinned = row.manual ? day(row.pinned || row.start) : null;
      var snet = row.snet ? day(row.snet) : null;
      if (id === String(changedId)) {
        if (duration !== null) {
          dur[id] = duration;
        }
        if (start !== null) {
          if (row.manual) {
            pinned = start;
          } else {
            snet = start;
          }
        }
      }
      if (pinned !== null) {
        early[id] = ordinal(pinned);
      }
      bound[id] = snet !== null ? Math.max(origin, ordinal(snet)) : origin;
    });
    state.data.deps.forEach(function (dep) {
      var p = String(dep.from);
      var q = String(dep.to);
      if (!(p in dur) || !(q in dur)) {
        return;
      }
      var weight = dep.lag;
      if (dep.type === "FS") {
        weight += dur[p];
      } else if (dep.type === "FF") {
        weight += dur[p] - dur[q];
      } else if (dep.type === "SF") {
        weight += 1 - dur[q];
      }
      succs[p].push([q, weight]);
      waiting[q] += 1;
    });
    var order = ids.filter(function (id) { return waiting[id] === 0; });
    for (var k = 0; k < order.length; k += 1) {
      var i = order[k];
      var at = state.byId[i].manual ? early[i] : bound[i];
      early[i] = at;
      succs[i].forEach(function (link) {
        var j = link[0];
        bound[j] = Math.max(bound[j], at + link[1]);
        waiting[j] -= 1;
        if (waiting[j] === 0) {
          order.push(j);
        }
      });
    }
    var result = {};
    var finish = -Infinity;
    ids.forEach(function (id) {
      var span = dur[id] > 0 ? dur[id] - 1 : 0;
      var s = dayOf(early[id]);
      var f = dayOf(early[id] + span);
      result[id] = { s: s, f: f };
      finish = Math.max(finish, f);
    });
    return { tasks: result, finish: finish };
  }

  // Show the forward pass's dates at once: bars slide, the finish changes.
  function showPreview(changedId, start, duration) {
    var predicted;
    try {
      predicted = forwardPass(changedId, start, duration);
    } catch (_e) {
      return false;
    }
    var svg = body.querySelector("[data-gantt-svg]");
    Object.keys(predicted.tasks).forEach(function (id) {
      var row = state.byId[id];
      var now = predicted.tasks[id];
      if (now.s === row.s && now.f === row.f) {
        return;
      }
      var g = svg.querySelector('g.gt[data-id="' + id + '"]');
      if (!g) {
        return;
      }
      g.classList.add("preview", "sliding");
      g.style.transform = "translateX(" + (x(now.s) - x(row.s)) + "px)";
      var bar = g.querySelector(".bar");
      if (bar) {
        bar.setAttribute("width", Math.max(2, x(now.f + 1) - x(now.s)));
      }
    });
    if (finishOut) {
      finishOut.textContent = iso(predicted.finish);
    }
    performance.mark("gantt-preview-shown");
    root.dataset.previewFinish = iso(predicted.finish);
    lastPreview = predicted;
    return true;
  }

  // How many tasks the preview placed elsewhere than the engine did.
  function previewMisses() {
    var misses = 0;
    Object.keys(lastPreview.tasks).forEach(function (id) {
      var row = state.byId[id];
      var guess = lastPreview.tasks[id];
      if (row && (row.s !== guess.s || row.f !== guess.f)) {
        misses += 1;
      }
    });
    return misses;
  }

  // --- sending a move ----------------------------------------------------------

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function sendMove(taskId, start, duration) {
    var task = state.byId[taskId];
    var params = new URLSearchParams();
    params.set("task", taskId);
    if (start) {
      params.set("start", start);
    }
    if (duration !== null && duration !== undefined) {
      params.set("duration", duration);
    }
    params.set("version", task ? task.version : "");
    var oldFinish = state.data.project.finish;
    state.busy = true;
    root.dataset.busy = "true";
    showError("");
    performance.mark("gantt-move-sent");
    var previewed = showPreview(
      taskId,
      start ? day(start) : null,
      duration !== null && duration !== undefined ? Number(duration) : null
    );
    return fetch(root.dataset.moveUrl, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: params,
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, error: root.dataset.textFailed };
      });
    }).then(function (answer) {
      if (answer.gantt) {
        load(answer.gantt);
        if (previewed && answer.ok) {
          root.dataset.previewMisses = String(previewMisses());
        }
      }
      draw();
      if (!answer.ok) {
        showError(answer.error || root.dataset.textFailed);
      } else {
        showMoves(answer.moves || [], oldFinish, !previewed);
        var text = fmt(root.dataset.textMoved || "", { count: (answer.moves || []).length });
        if (oldFinish !== state.data.project.finish) {
          text += " " + fmt(root.dataset.textFinish || "", { old: oldFinish, new: state.data.project.finish });
        }
        say(text);
      }
      performance.mark("gantt-move-shown");
      var measure = performance.measure("gantt-move", "gantt-move-sent", "gantt-move-shown");
      root.dataset.lastMoveMs = String(Math.round(measure ? measure.duration : 0));
      syncForm();
    }).catch(function () {
      draw();
      showError(root.dataset.textFailed);
    }).then(function () {
      state.busy = false;
      root.dataset.busy = "false";
    });
  }

  // --- dragging ----------------------------------------------------------------

  var drag = null;

  function barGroup(target) {
    return target instanceof Element ? target.closest("g.gt") : null;
  }

  function showTip(text, clientX, clientY) {
    if (!tip) {
      return;
    }
    var box = root.getBoundingClientRect();
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = clientX - box.left + 12 + "px";
    tip.style.top = clientY - box.top + 12 + "px";
  }

  body.addEventListener("pointerdown", function (event) {
    var g = barGroup(event.target);
    if (!g || !state.data.can_move || state.busy || event.button !== 0) {
      return;
    }
    var task = state.byId[g.dataset.id];
    var stretch = event.target.classList.contains("handle") && !task.milestone;
    drag = {
      g: g,
      task: task,
      stretch: stretch,
      x0: event.clientX,
      days: 0,
      moved: false,
      bar: g.querySelector(".bar, .ms"),
      handle: g.querySelector(".handle"),
      width: task.milestone ? 0 : x(task.f + 1) - x(task.s)
    };
    body.setPointerCapture(event.pointerId);
    event.preventDefault();
  });

  body.addEventListener("pointermove", function (event) {
    if (!drag) {
      return;
    }
    var dx = event.clientX - drag.x0;
    if (!drag.moved && Math.abs(dx) < 4) {
      return;
    }
    drag.moved = true;
    drag.g.classList.add("dragging");
    var days = Math.round(dx / state.px);
    drag.days = days;
    var task = drag.task;
    if (drag.stretch) {
      var finish = Math.max(task.s, task.f + days);
      var width = Math.max(state.px, x(finish + 1) - x(task.s));
      drag.bar.setAttribute("width", width);
      if (drag.handle) {
        drag.handle.setAttribute("x", x(task.s) + width - HANDLE);
      }
      showTip(task.start + " → " + iso(finish) + " · " + workdaysBetween(task.s, finish) + "d",
        event.clientX, event.clientY);
    } else {
      drag.g.style.transform = "translateX(" + days * state.px + "px)";
      var start = nextWorkday(task.s + days, days >= 0 ? 1 : -1);
      showTip(iso(start), event.clientX, event.clientY);
    }
  });

  function endDrag(event, cancelled) {
    if (!drag) {
      return;
    }
    var d = drag;
    drag = null;
    if (tip) {
      tip.hidden = true;
    }
    try {
      body.releasePointerCapture(event.pointerId);
    } catch (_e) { /* already released */ }
    d.g.classList.remove("dragging");
    if (!d.moved) {
      select(d.task.id);
      return;
    }
    if (cancelled || d.days === 0) {
      draw();
      return;
    }
    if (d.stretch) {
      var finish = Math.max(d.task.s, d.task.f + d.days);
      sendMove(d.task.id, null, Math.max(1, workdaysBetween(d.task.s, finish)));
    } else {
      var start = nextWorkday(d.task.s + d.days, d.days >= 0 ? 1 : -1);
      if (start === d.task.s) {
        draw();
        return;
      }
      sendMove(d.task.id, iso(start), null);
    }
  }

  body.addEventListener("pointerup", function (event) { endDrag(event, false); });
  body.addEventListener("pointercancel", function (event) { endDrag(event, true); });

  labels.addEventListener("click", function (event) {
    var item = event.target instanceof Element && event.target.closest("li[data-id]");
    if (item) {
      select(item.dataset.id);
    }
  });

  // Scrolling the chart scrolls the time scale and the names with it.
  body.addEventListener("scroll", function () {
    head.scrollLeft = body.scrollLeft;
    labels.scrollTop = body.scrollTop;
  }, { passive: true });

  // --- zoom ----------------------------------------------------------------------

  root.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-zoom-to]");
    if (!button || !(button.dataset.zoomTo in ZOOM_PX)) {
      return;
    }
    var centre = state.origin + (body.scrollLeft + body.clientWidth / 2) / state.px;
    state.zoom = button.dataset.zoomTo;
    draw();
    body.scrollLeft = Math.max(0, (centre - state.origin) * state.px - body.clientWidth / 2);
    head.scrollLeft = body.scrollLeft;
  });

  // --- the keyboard form ---------------------------------------------------------

  function select(taskId) {
    body.querySelectorAll("g.gt.selected").forEach(function (g) { g.classList.remove("selected"); });
    var g = body.querySelector('g.gt[data-id="' + taskId + '"]');
    if (g) {
      g.classList.add("selected");
    }
    if (form && form.task) {
      form.task.value = String(taskId);
      syncForm();
    }
  }

  function syncForm() {
    if (!form || !form.task) {
      return;
    }
    var task = state.byId[form.task.value];
    if (!task) {
      return;
    }
    form.start.value = task.start;
    form.duration.value = task.duration;
    if (form.version) {
      form.version.value = task.version;
    }
  }

  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target === form.task) {
        syncForm();
      }
    });
    form.addEventListener("submit", function (event) {
      if (!state.data) {
        return;
      }
      event.preventDefault();
      var task = state.byId[form.task.value];
      if (!task) {
        return;
      }
      var start = form.start.value !== task.start ? form.start.value : null;
      var duration = form.duration.value !== String(task.duration) ? form.duration.value : null;
      if (start === null && duration === null) {
        return;
      }
      sendMove(task.id, start, duration);
    });
  }

  // --- start ---------------------------------------------------------------------

  fetch(root.dataset.url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (data) {
      load(data);
      draw();
      // Today a third of the way in, when today is on the chart; else its start.
      var today = day(data.project.today);
      var inside = today > state.origin && today < state.end;
      body.scrollLeft = inside ? Math.max(0, x(today) - body.clientWidth / 3) : 0;
      head.scrollLeft = body.scrollLeft;
      syncForm();
      root.dataset.ready = "true";
      performance.mark("gantt-drawn");
    })
    .catch(function () {
      showError(root.dataset.textFailed);
    });
})();
