// The task board: drag a card to another column to change the task's status.
// The server decides (projects.services.update_task); a refused move puts the
// card back and says why. Each card also has a status menu for touch screens
// and keyboards, which this script sends the same way.
(function () {
  "use strict";

  var board = document.querySelector("[data-task-board]");
  if (!board) {
    return;
  }
  var errorBox = document.querySelector("[data-board-error]");
  var dragged = null;
  var origin = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function showError(message) {
    if (errorBox) {
      errorBox.textContent = message || "";
      errorBox.hidden = !message;
    }
  }

  function column(status) {
    return board.querySelector('[data-status="' + status + '"]');
  }

  function recount() {
    board.querySelectorAll("[data-status]").forEach(function (col) {
      var count = col.querySelector("[data-count]");
      if (count) {
        count.textContent = col.querySelectorAll("[data-task]").length;
      }
    });
  }

  function place(card, status) {
    var target = column(status);
    if (target) {
      target.querySelector("[data-cards]").prepend(card);
    }
    var select = card.querySelector('select[name="status"]');
    if (select) {
      select.value = status;
    }
    recount();
  }

  function send(card, status, from) {
    var body = new URLSearchParams();
    body.set("status", status);
    body.set("version", card.dataset.version);
    card.classList.add("saving");
    showError("");
    place(card, status);
    fetch(card.dataset.moveUrl, {
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
      if (!answer.ok) {
        place(card, from);
        showError(answer.error || board.dataset.failed);
      }
    }).catch(function () {
      card.classList.remove("saving");
      place(card, from);
      showError(board.dataset.failed);
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element && event.target.closest("[data-task]");
    if (!card) {
      return;
    }
    dragged = card;
    origin = card.closest("[data-status]").dataset.status;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.task);
  });

  board.addEventListener("dragend", function () {
    dragged = null;
    board.querySelectorAll(".drag-over").forEach(function (col) {
      col.classList.remove("drag-over");
    });
  });

  board.addEventListener("dragover", function (event) {
    var col = event.target instanceof Element && event.target.closest("[data-status]");
    if (!dragged || !col) {
      return;
    }
    event.preventDefault();
    board.querySelectorAll(".drag-over").forEach(function (other) {
      if (other !== col) {
        other.classList.remove("drag-over");
      }
    });
    col.classList.add("drag-over");
  });

  board.addEventListener("drop", function (event) {
    var col = event.target instanceof Element && event.target.closest("[data-status]");
    if (!dragged || !col) {
      return;
    }
    event.preventDefault();
    col.classList.remove("drag-over");
    if (col.dataset.status !== origin) {
      send(dragged, col.dataset.status, origin);
    }
  });

  board.addEventListener("submit", function (event) {
    var form = event.target instanceof Element && event.target.closest("[data-status-form]");
    if (!form) {
      return;
    }
    event.preventDefault();
    var card = form.closest("[data-task]");
    var from = card.closest("[data-status]").dataset.status;
    if (form.status.value !== from) {
      send(card, form.status.value, from);
    }
  });
})();
