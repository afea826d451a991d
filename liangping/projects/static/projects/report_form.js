// 月度调度 form: 累计完成投资 = last month's cumulative + this month's amount, until the person types
// a cumulative figure of their own. data-previous maps a month (YYYY-MM) to last month's cumulative.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  function cents(text) {
    var clean = String(text || "").replace(/[,\s，]/g, "");
    if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
    var parts = clean.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }
  function text(c) {
    var s = String(c % 100); if (s.length < 2) s = "0" + s;
    return Math.floor(c / 100) + "." + s;
  }
  ready(function () {
    var form = document.getElementById("report-form");
    if (!form) return;
    var previous = {};
    try { previous = JSON.parse(form.getAttribute("data-previous") || "{}"); } catch (e) { previous = {}; }
    var month = document.getElementById("id_month");
    var amount = document.getElementById("id_month_investment");
    var ytd = document.getElementById("id_ytd_investment");
    var hint = document.getElementById("ytd-hint");
    if (!amount || !ytd) return;
    // a new, untouched form (data-fresh) follows the amount; a report being edited, or a form sent
    // back with an error, keeps the figure the person wrote
    var own = !form.hasAttribute("data-fresh");
    ytd.addEventListener("input", function () { own = ytd.value !== ""; });
    function base() {
      var code = month ? month.value : form.getAttribute("data-month");
      return Object.prototype.hasOwnProperty.call(previous, code) ? cents(previous[code]) : null;
    }
    function fill() {
      var before = base();
      if (hint) {
        hint.hidden = before === null;
        if (before !== null) hint.textContent = "上月累计完成投资 " + text(before) + " 万元；累计完成投资按“上月累计 + 本月完成投资”预填，可修改。";
      }
      if (own || before === null) return;
      var add = cents(amount.value);
      ytd.value = text(before + (add === null ? 0 : add));
    }
    amount.addEventListener("input", fill);
    if (month) month.addEventListener("change", fill);
    fill();
  });
})();
