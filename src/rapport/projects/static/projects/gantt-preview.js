// The Gantt chart's preview of a move: the engine's forward pass, run on the
// chart's own data so successors and the finish move the moment a bar is
// dropped; the server's saved schedule replaces it. gantt.js calls
// RapportGanttPreview(context) once.
window.RapportGanttPreview = function (ctx) {
  "use strict";

  var state = ctx.state;
  var day = ctx.day;
  var isWorkday = ctx.isWorkday;

  // --- preview: the forward pass, while the server reschedules ----------------
  // The same rule as the engine's forward pass (rapport.scheduling): a task
  // starts at the latest of the project start, its "start no earlier than" and
  // what each predecessor asks (start + weight, in working days); a pinned task
  // keeps its start. The server's answer replaces the preview.

  var ordinals = null;

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

  return {
    forwardPass: forwardPass,
    reset: function () {
      ordinals = null;
    }
  };
};
