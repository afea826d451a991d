/* The project page's small chart: cumulative investment completion against time progress (时序进度),
 * month by month. Data comes from a JSON block named by data-progress-chart; no inline script. */
(function () {
  "use strict";

  function num(v) {
    return v === null || v === undefined ? null : Number(v);
  }

  function draw(el) {
    var block = document.getElementById(el.getAttribute("data-progress-chart"));
    if (!block || !window.echarts) return;
    var data = JSON.parse(block.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.on("finished", function () { el.setAttribute("data-finished", "1"); });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, data: ["累计完成率", "时序进度"] },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "未报送" : v + "%"; } },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: [
        { name: "累计完成率", type: "bar", data: data.completion.map(num), itemStyle: { color: "#2f6fd6" }, barMaxWidth: 28 },
        { name: "时序进度", type: "line", data: data.time_progress.map(num), itemStyle: { color: "#d9534f" },
          lineStyle: { type: "dashed" }, symbolSize: 6 }
      ]
    });
    el.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    var els = document.querySelectorAll("[data-progress-chart]");
    for (var i = 0; i < els.length; i++) draw(els[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
