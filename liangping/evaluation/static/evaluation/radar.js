// The per-dimension profile: one radar with a series per unit, from the page's
// <script id="radar-data"> (evaluation.queries.radar). No inline script (CSP).
(function () {
  "use strict";
  function draw() {
    var box = document.getElementById("radar");
    var data = document.getElementById("radar-data");
    if (!box || !data || !window.echarts) { return; }
    var d = JSON.parse(data.textContent);
    var chart = window.echarts.init(box);
    chart.on("finished", function () { box.setAttribute("data-ready", "1"); });
    chart.setOption({
      animation: false,
      tooltip: {},
      legend: { type: "scroll", bottom: 0 },
      radar: { indicator: d.indicators, radius: "62%" },
      series: [{ type: "radar", data: d.series.map(function (s) { return { name: s.name, value: s.value.map(Number) }; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
