// The project Gantt chart: one SVG for the bars, drawn (by gantt-draw.js) from
// the JSON that projects/gantt.py builds. Bars by phase, milestones as diamonds, dependency
// arrows of all four types, the critical path in red, baseline bars under the
// bars, a today line, zoom by day, week and month. Dragging a bar moves the task,
// dragging its right edge stretches it; the server reschedules the project
// (projects.services.move_task) and answers with the new schedule and what
// moved, which the chart animates in place. The form under the chart does the
// same without a pointer (phones, keyboards). While the server works, the
// chart shows gantt-preview.js's forward pass. This file holds the state, the
// requests and the pointer, zoom and form handling.
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
    if (preview) {
      preview.reset();
    }
  }

  // --- drawing (gantt-draw.js) and the preview's pass (gantt-preview.js) -------

  var context = {
    ROW: ROW, HANDLE: HANDLE, ZOOM_PX: ZOOM_PX, DAY_MS: DAY_MS, state: state,
    x: x, day: day, weekday: weekday, isWorkday: isWorkday, esc: esc, fmt: fmt,
    lang: lang, root: root, head: head, body: body, labels: labels,
    finishOut: finishOut, warningBox: warningBox
  };
  var draw = window.RapportGanttDraw(context).draw;
  var preview = window.RapportGanttPreview(context);
  var forwardPass = preview.forwardPass;
  var lastPreview = null;

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
      performance.mark("gantt-move-answered");
      if (answer.gantt) {
        load(answer.gantt);
        if (previewed && answer.ok) {
          root.dataset.previewMisses = String(previewMisses());
        }
      }
      draw();
      performance.mark("gantt-move-drawn");
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
