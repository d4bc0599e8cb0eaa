// The deal board: drag a card to another stage column to move the deal.
// The server decides (crm.services.move_deal); a refused move puts the card back
// and shows why. Each card also has a "move to" form, used on touch screens and
// without drag and drop; this script sends that form the same way.
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");
  if (!board) {
    return;
  }
  var errorBox = document.querySelector("[data-board-error]");
  var dragged = null;
  var origin = null;
  var originNext = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function showError(message) {
    if (!errorBox) {
      return;
    }
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  function columnOf(element) {
    return element.closest("[data-drop-target]");
  }

  function applyTotals(totals) {
    board.querySelectorAll("[data-drop-target]").forEach(function (column) {
      var total = totals[column.dataset.stage] || { deals: 0, amount: "¥0.00" };
      column.querySelector("[data-count]").textContent = total.deals;
      column.querySelector("[data-amount]").textContent = total.amount;
    });
  }

  function putBack(card, column, next) {
    var list = column.querySelector("[data-cards]");
    if (next && next.parentNode === list) {
      list.insertBefore(card, next);
    } else {
      list.appendChild(card);
    }
    syncSelect(card, column.dataset.stage);
  }

  function syncSelect(card, stageId) {
    var select = card.querySelector('select[name="stage_id"]');
    if (select) {
      select.value = stageId;
      toggleReason(select.form);
    }
  }

  // Ask the server to move `card` to `column`; undo the move if it refuses.
  function move(card, column, lostReason, from, fromNext) {
    var body = new URLSearchParams();
    body.set("stage_id", column.dataset.stage);
    body.set("version", card.dataset.version);
    body.set("lost_reason", lostReason || "");
    card.classList.add("saving");
    showError("");
    return fetch(card.dataset.moveUrl, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, error: board.dataset.failed };
      });
    }).then(function (answer) {
      card.classList.remove("saving");
      if (answer.version) {
        card.dataset.version = answer.version;
        card.querySelectorAll('input[name="version"]').forEach(function (input) {
          input.value = answer.version;
        });
      }
      if (answer.totals) {
        applyTotals(answer.totals);
      }
      if (!answer.ok) {
        putBack(card, from, fromNext);
        showError(answer.error || board.dataset.failed);
        return;
      }
      syncSelect(card, column.dataset.stage);
    }).catch(function () {
      card.classList.remove("saving");
      putBack(card, from, fromNext);
      showError(board.dataset.failed);
    });
  }

  function askLostReason(column) {
    if (column.dataset.outcome !== "lost") {
      return "";
    }
    var reason = window.prompt(board.dataset.lostPrompt || "");
    if (reason === null) {
      return null;
    }
    return reason.trim();
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element && event.target.closest(".board-card");
    if (!card) {
      return;
    }
    dragged = card;
    origin = columnOf(card);
    originNext = card.nextElementSibling;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
  });

  board.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    board.querySelectorAll(".drag-over").forEach(function (column) {
      column.classList.remove("drag-over");
    });
    dragged = null;
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target instanceof Element && columnOf(event.target);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".drag-over").forEach(function (other) {
      if (other !== column) {
        other.classList.remove("drag-over");
      }
    });
    column.classList.add("drag-over");
  });

  board.addEventListener("drop", function (event) {
    var column = event.target instanceof Element && columnOf(event.target);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    column.classList.remove("drag-over");
    if (column === origin) {
      return;
    }
    var card = dragged;
    var from = origin;
    var fromNext = originNext;
    var reason = askLostReason(column);
    if (reason === null) {
      return;
    }
    column.querySelector("[data-cards]").prepend(card);
    move(card, column, reason, from, fromNext);
  });

  // The reason box of a card's form shows only when "Lost" is chosen.
  function toggleReason(form) {
    var select = form.querySelector('select[name="stage_id"]');
    var reason = form.querySelector('input[name="lost_reason"]');
    var option = select && select.selectedOptions[0];
    if (reason) {
      reason.hidden = !(option && option.dataset.outcome === "lost");
    }
  }

  board.querySelectorAll("[data-move-form]").forEach(toggleReason);
  board.addEventListener("change", function (event) {
    var form = event.target instanceof Element && event.target.closest("[data-move-form]");
    if (form) {
      toggleReason(form);
    }
  });

  // The "move to" form of a card: same request, without leaving the page.
  board.addEventListener("submit", function (event) {
    var form = event.target instanceof Element && event.target.closest("[data-move-form]");
    if (!form) {
      return;
    }
    event.preventDefault();
    var card = form.closest(".board-card");
    var from = columnOf(card);
    var column = board.querySelector('[data-drop-target][data-stage="' + form.stage_id.value + '"]');
    if (!column || column === from) {
      return;
    }
    var reason = form.lost_reason.value.trim();
    if (column.dataset.outcome === "lost" && !reason) {
      reason = askLostReason(column);
      if (reason === null) {
        syncSelect(card, from.dataset.stage);
        return;
      }
    }
    var fromNext = card.nextElementSibling;
    column.querySelector("[data-cards]").prepend(card);
    move(card, column, reason, from, fromNext);
  });
})();
