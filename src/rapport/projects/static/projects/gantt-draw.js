// The Gantt chart's drawing: the time scale, the bars, the arrows and the names,
// as markup strings put in place in one go (one SVG, no layout between rows).
// gantt.js owns the state and calls RapportGanttDraw(context) once.
window.RapportGanttDraw = function (ctx) {
  "use strict";

  var ROW = ctx.ROW;
  var HANDLE = ctx.HANDLE;
  var ZOOM_PX = ctx.ZOOM_PX;
  var DAY_MS = ctx.DAY_MS;
  var state = ctx.state;
  var x = ctx.x;
  var day = ctx.day;
  var weekday = ctx.weekday;
  var isWorkday = ctx.isWorkday;
  var esc = ctx.esc;
  var fmt = ctx.fmt;
  var lang = ctx.lang;
  var root = ctx.root;
  var head = ctx.head;
  var body = ctx.body;
  var labels = ctx.labels;
  var finishOut = ctx.finishOut;
  var warningBox = ctx.warningBox;

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

  // Drop a label that the next one would overlap (a month cut by the chart's start).
  function roomy(marks) {
    return marks.filter(function (mark, i) {
      var next = marks[i + 1];
      return !next || i > 0 || x(next[0]) - x(mark[0]) >= 26;
    });
  }

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
    top = roomy(top);
    bottom = roomy(bottom);
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
        '" height="' + height + '" data-gantt-svg role="img" aria-label="' +
        esc(fmt(root.dataset.textChart || "", { count: Object.keys(state.byId).length })) + '">',
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

  return { draw: draw };
};
