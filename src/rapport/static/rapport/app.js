// Generic page behaviour for every Rapport page. No inline scripts are allowed
// (Content-Security-Policy), so everything interactive that is not htmx lives here.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      return meta.content;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // htmx requests that change data must carry the CSRF token like a form does.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // The side navigation collapses behind the ☰ button on narrow screens.
  function setNav(open) {
    document.body.classList.toggle("nav-open", open);
    var toggle = document.querySelector("[data-nav-toggle]");
    if (toggle) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    if (target.closest("[data-nav-toggle]")) {
      setNav(!document.body.classList.contains("nav-open"));
      return;
    }
    if (target.closest("[data-nav-close]") || target.closest(".sidenav a")) {
      setNav(false);
    }
    var confirmer = target.closest("[data-confirm]");
    if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("nav-open")) {
      setNav(false);
    }
  });

  // Mark the navigation entry of the current section.
  function markCurrentNav() {
    var path = window.location.pathname;
    var best = null;
    document.querySelectorAll(".sidenav a[href]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (!href || href === "#") {
        return;
      }
      var matches = href === "/" ? path === "/" : path.indexOf(href) === 0;
      if (matches && (!best || href.length > best.getAttribute("href").length)) {
        best = link;
      }
    });
    if (best) {
      best.setAttribute("aria-current", "page");
    }
  }

  // Copy buttons: <button data-copy="#selector">.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var done = button.getAttribute("data-copied");
        if (done) {
          button.textContent = done;
        }
      });
    }
  });

  // The unread badge follows the count sent by the server after a mark-read.
  document.addEventListener("rapport:unread", function (event) {
    var count = event.detail && typeof event.detail.value === "number" ? event.detail.value : 0;
    var bell = document.querySelector(".bell");
    if (!bell) {
      return;
    }
    var badge = bell.querySelector("[data-unread]");
    if (count <= 0) {
      if (badge) {
        badge.remove();
      }
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge";
      badge.setAttribute("data-unread", "");
      bell.appendChild(badge);
    }
    badge.textContent = count >= 100 ? "99+" : String(count);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markCurrentNav);
  } else {
    markCurrentNav();
  }
})();
