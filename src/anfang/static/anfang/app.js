/* anfang UI shell behaviour: phone navigation drawer, auto-submitting selects, site-plan layers,
   copy buttons. Plain JS, no dependencies; every feature degrades to a working page without it. */
(function () {
  "use strict";

  function setNav(open) {
    document.body.classList.toggle("nav-open", open);
    document.querySelectorAll(".nav-toggle").forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
    var backdrop = document.querySelector(".nav-backdrop");
    if (backdrop) backdrop.hidden = !open;
  }

  document.addEventListener("click", function (ev) {
    var toggle = ev.target.closest("[data-nav-toggle]");
    if (toggle) {
      setNav(!document.body.classList.contains("nav-open"));
      return;
    }
    // Close the user menu when clicking elsewhere.
    document.querySelectorAll("details.usermenu[open]").forEach(function (d) {
      if (!d.contains(ev.target)) d.removeAttribute("open");
    });
    var copy = ev.target.closest("[data-copy]");
    if (copy) {
      var src = document.getElementById(copy.getAttribute("data-copy"));
      if (src && navigator.clipboard) {
        navigator.clipboard.writeText(src.textContent.trim()).then(function () {
          var old = copy.textContent;
          copy.textContent = copy.getAttribute("data-copied") || old;
          setTimeout(function () { copy.textContent = old; }, 1500);
        });
      }
    }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") {
      setNav(false);
      document.querySelectorAll("details.usermenu[open]").forEach(function (d) { d.removeAttribute("open"); });
    }
  });

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    var form = el.form;
    if (el.tagName === "SELECT" && form && form.hasAttribute("data-autosubmit")) {
      form.submit();
      return;
    }
    // Site plan layers: a checkbox with data-layer-toggle="name" shows/hides [data-layer="name"].
    var layer = el.getAttribute && el.getAttribute("data-layer-toggle");
    if (layer) {
      var scope = el.closest("[data-plan]") || document;
      scope.querySelectorAll('[data-layer="' + layer + '"]').forEach(function (g) {
        g.classList.toggle("off", !el.checked);
      });
    }
  });

  // Confirm destructive actions: <form data-confirm="…">.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute && ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
})();
