/* The campaign page's burn-down chart: hazards still open per day, found and struck off to date, and
 * the ideal line to zero on the last day. Data from the JSON block named by data-burndown; no inline
 * script (CSP). */
(function () {
  "use strict";

  function draw(el) {
    var block = document.getElementById(el.getAttribute("data-burndown"));
    if (!block || !window.echarts) return;
    var data = JSON.parse(block.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.on("finished", function () { el.setAttribute("data-finished", "1"); });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, data: ["未销号", "累计发现", "累计销号", "理想进度"] },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "未销号", type: "line", data: data.open, areaStyle: { opacity: 0.15 }, itemStyle: { color: "#cf222e" }, symbol: "none" },
        { name: "累计发现", type: "line", data: data.found, itemStyle: { color: "#bf8700" }, symbol: "none" },
        { name: "累计销号", type: "line", data: data.closed, itemStyle: { color: "#1a7f37" }, symbol: "none" },
        { name: "理想进度", type: "line", data: data.ideal, itemStyle: { color: "#0969da" }, lineStyle: { type: "dashed" }, symbol: "none" }
      ]
    });
    el.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    var els = document.querySelectorAll("[data-burndown]");
    for (var i = 0; i < els.length; i++) draw(els[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
