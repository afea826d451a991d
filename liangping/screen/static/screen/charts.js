/* 亮屏 — the ECharts options of the big screen, built from the screen's plain data.
 *
 * window.screenChartOptions(ctx) returns the builders; ctx gives the root font size in px (rem),
 * a number reader (num), whether the pages are stacked for a phone (stacked) and the font stack.
 * Every size is in rem, so the charts scale with the screen like the rest of the page.
 */
(function () {
  "use strict";

  var COLORS = { blue: "#3b8eea", yellow: "#f2c230", red: "#f0524f", none: "#7d8590" };
  var NAMES = { blue: "蓝牌激励", yellow: "黄牌提醒", red: "红牌警告", none: "未评定" };
  var CARDS = { blue: "蓝牌", yellow: "黄牌", red: "红牌", none: "未评定" };
  var INK = "#eaf3ff", MUTED = "#97afcc", LINE = "rgba(94,164,255,.22)";

  window.screenChartOptions = function (ctx) {
    var rem = ctx.rem, num = ctx.num, stacked = ctx.stacked, FONT = ctx.font;

    /* the colour rule S gives a gap, with the thresholds of the rule set that graded the snapshot */
    function gapColor(gap) {
      var rule = ctx.rule() || {};
      var red = num(rule.red_below), yellow = num(rule.yellow_below);
      if (gap === null) return COLORS.none;
      if (gap < (red === null ? -10 : red)) return COLORS.red;
      return gap < (yellow === null ? 0 : yellow) ? COLORS.yellow : COLORS.blue;
    }

    function base() {
      return { textStyle: { fontFamily: FONT, color: INK }, animationDuration: 700, animationDurationUpdate: 500 };
    }
    function gaugeOption(ov) {
      /* inner thick ring: investment completion; outer thin arc: time progress (share of the year) */
      var completion = num(ov.display.completion) || 0, tp = num(ov.display.time_progress) || 0;
      var gap = num(ov.gap);
      var color = gapColor(gap);
      var max = Math.max(100, Math.ceil(Math.max(completion, tp) / 10) * 10);
      var small = stacked();
      var geometry = { type: "gauge", min: 0, max: max, startAngle: 210, endAngle: -30, center: ["50%", "55%"], splitNumber: max / 10 };
      return Object.assign(base(), {
        series: [
          Object.assign({}, geometry, {
            radius: "84%",
            progress: { show: true, width: rem(1.3), itemStyle: { color: color } },
            axisLine: { lineStyle: { width: rem(1.3), color: [[1, "rgba(255,255,255,.1)"]] } },
            axisTick: { show: false }, splitLine: { show: false },
            axisLabel: { show: !small, distance: rem(1.9), color: MUTED, fontSize: rem(1.1), fontFamily: FONT },
            pointer: { show: false }, anchor: { show: false },
            title: { show: true, offsetCenter: [0, "26%"], color: MUTED, fontSize: rem(1.1), fontFamily: FONT },
            detail: { offsetCenter: [0, "-4%"], fontSize: rem(small ? 2.4 : 3.2), fontWeight: 700, color: "#fff", fontFamily: FONT,
                      formatter: function () { return ov.display.completion + "%"; } },
            data: [{ value: completion, name: "投资完成率" }],
          }),
          Object.assign({}, geometry, {
            radius: "96%",
            axisLine: { lineStyle: { width: rem(0.4), color: [[tp / max, "#ffd166"], [1, "rgba(255,255,255,.08)"]] } },
            axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
            progress: { show: false }, anchor: { show: false }, title: { show: false },
            pointer: { show: true, icon: "triangle", length: rem(1.1), width: rem(1), offsetCenter: [0, "-104%"], itemStyle: { color: "#ffd166" } },
            detail: { offsetCenter: [0, "50%"], fontSize: rem(1.25), color: "#ffd166", fontFamily: FONT,
                      formatter: function () { return "外圈 时序进度 " + ov.display.time_progress + "%"; } },
            data: [{ value: tp }],
          }),
        ],
      });
    }
    function gradesOption(ov) {
      var p = ov.projects;
      var data = ["blue", "yellow", "red", "none"].filter(function (g) { return p[g] > 0 || g !== "none"; }).map(function (g) {
        return { value: p[g], name: CARDS[g], itemStyle: { color: COLORS[g] } };
      });
      return Object.assign(base(), {
        title: { text: String(p.total), subtext: "个项目", left: "center", top: "38%",
                 textStyle: { color: "#fff", fontSize: rem(2.6), fontWeight: 700, fontFamily: FONT },
                 subtextStyle: { color: MUTED, fontSize: rem(1.1), fontFamily: FONT }, itemGap: rem(0.2) },
        series: [{
          type: "pie", radius: ["46%", "70%"], center: ["50%", "50%"], avoidLabelOverlap: true,
          itemStyle: { borderColor: "#071a33", borderWidth: rem(0.15) },
          label: { color: INK, fontSize: rem(1.1), fontFamily: FONT, formatter: "{b}\n{c} 个", lineHeight: rem(1.5) },
          labelLine: { length: rem(0.8), length2: rem(0.8), lineStyle: { width: rem(0.08) } },
          data: data,
        }],
      });
    }
    function axisCommon() {
      return {
        axisLabel: { color: INK, fontSize: rem(1.1), fontFamily: FONT },
        axisLine: { lineStyle: { color: LINE } },
        splitLine: { lineStyle: { color: LINE } },
      };
    }
    function districtGradesOption(d) {
      var names = d.map(function (x) { return x.name; });
      var series = ["blue", "yellow", "red", "none"].map(function (g) {
        return {
          name: NAMES[g], type: "bar", stack: "grades", barWidth: "58%", itemStyle: { color: COLORS[g] },
          label: { show: true, color: g === "yellow" ? "#04101f" : "#fff", fontSize: rem(1.1), fontFamily: FONT,
                   formatter: function (p) { return p.value > 0 && (p.value >= 5 || !stacked()) ? p.value : ""; } },
          data: d.map(function (x) { return x.projects[g]; }),
        };
      });
      return Object.assign(base(), {
        legend: { top: 0, itemGap: rem(1), textStyle: { color: INK, fontSize: rem(1.1), fontFamily: FONT }, itemWidth: rem(1.2), itemHeight: rem(0.8) },
        grid: { left: rem(0.5), right: rem(1.5), top: rem(stacked() ? 3.6 : 2.4), bottom: rem(0.3), containLabel: true },
        xAxis: Object.assign({ type: "value", minInterval: 1 }, axisCommon(), { axisLabel: { color: MUTED, fontSize: rem(1.1) } }),
        yAxis: Object.assign({ type: "category", data: names, inverse: true, axisTick: { show: false } }, axisCommon()),
        series: series,
      });
    }
    function districtCompletionOption(d, tpText) {
      var tp = num(tpText) || 0;
      var names = d.map(function (x) { return x.name; });
      var values = d.map(function (x) {
        var v = num(x.display.completion), gap = num(x.gap);
        var color = gapColor(gap);
        return { value: v === null ? 0 : v, itemStyle: { color: color }, label: { formatter: (v === null ? "—" : x.display.completion + "%") } };
      });
      var max = Math.max(100, tp, Math.max.apply(null, values.map(function (v) { return v.value; }).concat([0])));
      return Object.assign(base(), {
        grid: { left: rem(0.5), right: rem(4.5), top: rem(2.2), bottom: rem(0.3), containLabel: true },
        xAxis: Object.assign({ type: "value", max: Math.ceil(max / 10) * 10 }, axisCommon(),
                             { axisLabel: { color: MUTED, fontSize: rem(1.1), formatter: "{value}%" } }),
        yAxis: Object.assign({ type: "category", data: names, inverse: true, axisTick: { show: false } }, axisCommon()),
        series: [{
          type: "bar", barWidth: "52%", data: values,
          label: { show: true, position: "right", color: INK, fontSize: rem(1.1), fontFamily: FONT },
          markLine: {
            symbol: "none", silent: true, animation: false,
            lineStyle: { color: "#ffd166", type: "dashed", width: rem(0.12) },
            label: { formatter: "时序进度 " + tpText + "%", color: "#ffd166", fontSize: rem(1.1), fontFamily: FONT, position: "start", distance: rem(0.3) },
            data: [{ xAxis: tp }],
          },
        }],
      });
    }

    function trendCompletionOption(points) {
      /* investment completion against time progress, one point per published period */
      return Object.assign(base(), {
        legend: { top: 0, itemGap: rem(1), textStyle: { color: INK, fontSize: rem(1.1), fontFamily: FONT }, itemWidth: rem(1.6), itemHeight: rem(0.8) },
        grid: { left: rem(0.5), right: rem(2), top: rem(3), bottom: rem(0.3), containLabel: true },
        xAxis: Object.assign({ type: "category", data: points.map(function (p) { return p.label; }), boundaryGap: true }, axisCommon()),
        yAxis: Object.assign({ type: "value", min: 0 }, axisCommon(), { axisLabel: { color: MUTED, fontSize: rem(1.1), formatter: "{value}%" } }),
        series: [
          { name: "投资完成率", type: "line", symbolSize: rem(0.8), lineStyle: { width: rem(0.2), color: "#4cc9f0" }, itemStyle: { color: "#4cc9f0" },
            label: { show: true, color: INK, fontSize: rem(1.1), fontFamily: FONT, formatter: function (p) { return points[p.dataIndex].completion_text + "%"; } },
            data: points.map(function (p) { return num(p.completion); }) },
          { name: "时序进度", type: "line", symbolSize: rem(0.6), lineStyle: { width: rem(0.15), type: "dashed", color: "#ffd166" }, itemStyle: { color: "#ffd166" },
            label: { show: true, position: "bottom", color: "#ffd166", fontSize: rem(1.1), fontFamily: FONT, formatter: function (p) { return points[p.dataIndex].time_progress_text + "%"; } },
            data: points.map(function (p) { return num(p.time_progress); }) },
        ],
      });
    }
    function trendGradesOption(points) {
      /* blue / yellow / red project counts, one point per published period */
      return Object.assign(base(), {
        legend: { top: 0, itemGap: rem(1), textStyle: { color: INK, fontSize: rem(1.1), fontFamily: FONT }, itemWidth: rem(1.6), itemHeight: rem(0.8) },
        grid: { left: rem(0.5), right: rem(2), top: rem(3), bottom: rem(0.3), containLabel: true },
        xAxis: Object.assign({ type: "category", data: points.map(function (p) { return p.label; }), boundaryGap: true }, axisCommon()),
        yAxis: Object.assign({ type: "value", minInterval: 1 }, axisCommon(), { axisLabel: { color: MUTED, fontSize: rem(1.1) } }),
        series: ["blue", "yellow", "red"].map(function (g) {
          return { name: NAMES[g], type: "line", symbolSize: rem(0.7), lineStyle: { width: rem(0.18), color: COLORS[g] }, itemStyle: { color: COLORS[g] },
                   label: { show: true, color: COLORS[g], fontSize: rem(1.1), fontFamily: FONT }, data: points.map(function (p) { return p[g]; }) };
        }),
      });
    }

    return { trendCompletion: trendCompletionOption, trendGrades: trendGradesOption, gauge: gaugeOption, grades: gradesOption, districtGrades: districtGradesOption, districtCompletion: districtCompletionOption };
  };
})();
