// CRM page behaviour: repeated input rows (phones, e-mails, quote lines), the live
// quote totals preview, and selects that submit their form. No inline scripts
// (Content-Security-Policy), so this file wires everything by data- attributes.
(function () {
  "use strict";

  // "Add another": copy the last row of a [data-repeat] fieldset, emptied.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-repeat-add]");
    if (!button) {
      return;
    }
    var rows = button.closest("[data-repeat]").querySelector("[data-repeat-rows]");
    var last = rows.querySelector("[data-repeat-row]:last-child");
    if (!last) {
      return;
    }
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input, select").forEach(function (input) {
      if (input.type === "checkbox") {
        input.checked = false;
      } else if (input.tagName === "SELECT") {
        input.selectedIndex = input.options.length && input.name === "method_kind" ? input.selectedIndex : 0;
      } else {
        input.value = "";
      }
    });
    copy.querySelectorAll(".field-error").forEach(function (error) {
      error.remove();
    });
    rows.appendChild(copy);
    renumber(rows);
    var first = copy.querySelector("input[type=text]");
    if (first) {
      first.focus();
    }
  });

  // A checkbox in a repeated row names its row by position.
  function renumber(rows) {
    rows.querySelectorAll("[data-repeat-row]").forEach(function (row, index) {
      row.querySelectorAll("[data-repeat-index]").forEach(function (input) {
        input.value = String(index);
      });
    });
  }

  // --- Quote totals preview --------------------------------------------------

  function number(input, fallback) {
    var text = (input && input.value || "").replace(/,/g, "").trim();
    if (text === "") {
      return fallback;
    }
    var value = Number(text);
    return isNaN(value) ? NaN : value;
  }

  function money(value) {
    if (isNaN(value)) {
      return "–";
    }
    return value.toLocaleString(document.documentElement.lang || undefined, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2
    });
  }

  function field(form, name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function updateTotals(form) {
    var box = form.querySelector("[data-quote-lines]");
    if (!box) {
      return;
    }
    var subtotal = 0;
    box.querySelectorAll("[data-repeat-row]").forEach(function (row) {
      var product = row.querySelector('[name="line_product"]');
      var option = product && product.selectedOptions[0];
      var listPrice = option && option.dataset.price ? Number(option.dataset.price) : 0;
      var qty = number(row.querySelector('[name="line_quantity"]'), 1);
      var price = number(row.querySelector('[name="line_unit_price"]'), listPrice);
      var discount = number(row.querySelector('[name="line_discount_pct"]'), 0);
      var described = row.querySelector('[name="line_description"]').value.trim() !== "";
      var net = (option && option.value) || described ? qty * price * (100 - discount) / 100 : 0;
      row.querySelector("[data-line-net]").textContent = (option && option.value) || described ? money(net) : "–";
      subtotal += net;
    });
    var discountPct = number(field(form, "discount_pct"), 0);
    var taxPct = number(field(form, "tax_pct"), 0);
    var discount = subtotal * discountPct / 100;
    var tax = (subtotal - discount) * taxPct / 100;
    var totals = { subtotal: subtotal, discount: -discount, tax: tax, total: subtotal - discount + tax };
    Object.keys(totals).forEach(function (key) {
      var cell = box.querySelector('[data-total="' + key + '"]');
      if (cell) {
        cell.textContent = money(totals[key]);
      }
    });
  }

  // Choosing a product fills an empty description with the product's name.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.name === "line_product") {
      var description = target.closest("[data-repeat-row]").querySelector('[name="line_description"]');
      var option = target.selectedOptions[0];
      if (description && !description.value && option && option.dataset.name) {
        description.value = option.dataset.name;
      }
    }
    if (target instanceof Element && target.closest("form [data-quote-lines], form")) {
      updateTotals(target.closest("form"));
    }
    if (target instanceof HTMLSelectElement && target.closest("form[data-autosubmit]")) {
      target.closest("form").submit();
    }
  });

  document.addEventListener("input", function (event) {
    var form = event.target instanceof Element && event.target.closest("form");
    if (form && form.querySelector("[data-quote-lines]")) {
      updateTotals(form);
    }
  });

  function start() {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-quote-lines]")) {
        updateTotals(form);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
