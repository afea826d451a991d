/* The lobby rotation across pages of their own (区（市）排名, 群众诉求): after data-hop-after seconds, go
 * to data-hop-next — but only once the server answers it, so a lobby display whose server went away
 * stays on the page it has (and tries again) instead of showing a browser error. */
(function () {
  "use strict";
  var body = document.body;
  var next = body.getAttribute("data-hop-next");
  var after = Number(body.getAttribute("data-hop-after")) || 0;
  if (!next || after <= 0) return;
  function hop() {
    var ctrl = window.AbortController ? new AbortController() : null;
    var guard = setTimeout(function () { if (ctrl) ctrl.abort(); }, 10000);
    fetch(next, { cache: "no-store", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined })
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        window.location.href = next;
      })
      .catch(function () { setTimeout(hop, after * 1000); })
      .then(function () { clearTimeout(guard); });
  }
  setTimeout(hop, after * 1000);
})();
