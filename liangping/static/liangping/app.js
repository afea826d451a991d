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
})();
