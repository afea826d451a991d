/* The appeals page of the public screen: draws the month's counts and 三率 from its own JSON, fetches
 * it again every minute, and keeps the last figures (marked stale) when the server is away. */
(function () {
  "use strict";
  var INK = "#eaf3ff", MUTED = "#97afcc", LINE = "rgba(94,164,255,.22)", BAR = "#4cc9f0";
  var FONT = getComputedStyle(document.body).fontFamily;
  var charts = {}, latest = null;

  function rem(n) { return n * parseFloat(getComputedStyle(document.documentElement).fontSize); }

  function bars(id, pairs, horizontal) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var chart = charts[id] || (charts[id] = window.echarts.init(el));
    var names = pairs.map(function (p) { return p[0]; }), values = pairs.map(function (p) { return p[1]; });
    var cat = { type: "category", data: names, axisLabel: { color: INK, fontSize: rem(1.05), fontFamily: FONT, interval: 0 },
                axisLine: { lineStyle: { color: LINE } }, inverse: horizontal };
    var val = { type: "value", minInterval: 1, axisLabel: { color: MUTED, fontSize: rem(0.95), fontFamily: FONT }, splitLine: { lineStyle: { color: LINE } } };
    chart.setOption({
      textStyle: { fontFamily: FONT, color: INK },
      grid: { left: rem(1), right: rem(2.5), top: rem(2), bottom: rem(0.5), containLabel: true },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: [{ type: "bar", data: values, barMaxWidth: rem(2.2), itemStyle: { color: BAR, borderRadius: rem(0.2) },
                 label: { show: true, position: horizontal ? "right" : "top", color: INK, fontSize: rem(1.05), fontFamily: FONT } }],
      animationDuration: 600,
    }, true);
  }

  function pct(v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function draw(data) {
    latest = data;
    document.getElementById("a-month").textContent = data.month;
    document.getElementById("a-asof").textContent = data.as_of;
    document.getElementById("a-total").textContent = String(data.total);
    bars("a-category", data.by_category, true);
    bars("a-district", data.by_district, false);
    var body = document.getElementById("a-rates");
    body.textContent = "";
    data.rates.forEach(function (r) {
      var tr = document.createElement("tr");
      [cell(r.rank === null ? "—" : String(r.rank)), cell(r.district), cell(pct(r.respond), "num"),
       cell(pct(r.on_time), "num"), cell(pct(r.satisfied), "num"), cell(r.card)].forEach(function (td) { tr.appendChild(td); });
      body.appendChild(tr);
    });
    if (!data.rates.length) {
      var tr = document.createElement("tr"), td = cell("本月尚无交办到区（市）的诉求");
      td.colSpan = 6; tr.appendChild(td); body.appendChild(tr);
    }
  }

  function refresh() {
    fetch(document.body.dataset.url, { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { document.getElementById("s-stale").hidden = true; draw(data); })
      .catch(function () { document.getElementById("s-stale").hidden = false; });
  }

  function start() {
    draw(JSON.parse(document.getElementById("a-data").textContent));
    document.body.dataset.ready = "1";
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].dispose(); delete charts[k]; });
      draw(latest);
    });
    setInterval(refresh, 60000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
