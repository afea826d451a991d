// Page behaviour that would otherwise sit in inline handlers: the Content-Security-Policy
// allows scripts from this site only (script-src 'self'), so no onchange="…" in templates.
(function () {
  "use strict";
  // <select data-autosubmit> submits its form when changed (period and month pickers).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
    // <form data-select-submits>: choosing in any of its <select>s submits it through htmx (this
    // replaces an hx-trigger filter, which htmx would have to evaluate as code)
    if (el instanceof HTMLSelectElement && el.form && el.form.hasAttribute("data-select-submits")) {
      if (el.form.requestSubmit) {
        el.form.requestSubmit();
      } else if (window.htmx) {
        window.htmx.trigger(el.form, "submit");
      }
    }
  });
  // <button data-print> prints the page (recovery codes).
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el instanceof HTMLElement && el.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
  // The grouped menu (<details class="menu-group">): one group open at a time; a click elsewhere or
  // Escape closes it.
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (el instanceof HTMLDetailsElement && el.classList.contains("menu-group") && el.open) {
      document.querySelectorAll("details.menu-group[open]").forEach(function (other) {
        if (other !== el) { other.open = false; }
      });
    }
  }, true);
  function closeMenus(except) {
    document.querySelectorAll("details.menu-group[open]").forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  document.addEventListener("click", function (event) {
    var el = event.target;
    closeMenus(el instanceof Element ? el.closest("details.menu-group") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeMenus(null); }
  });
})();
