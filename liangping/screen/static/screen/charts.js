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
          type: "pie", radius: stacked() ? ["38%", "58%"] : ["46%", "70%"], center: ["50%", "50%"], avoidLabelOverlap: true,
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
    /* Where each line's value label goes, point by point. Below the point when another line's point lies
     * just above it (closer than a tenth of the highest value), above when one lies just below, so that
     * two close lines (yellow 13 and red 15) never print their labels on top of each other; otherwise on
     * the side its own line does not cross (below a point the line leaves upwards). */
    function labelSides(lines) {
      var top = Math.max.apply(null, [1].concat.apply([1], lines));
      function near(v, w) { return v !== null && w !== null && w !== undefined && Math.abs(w - v) < top / 10; }
      return lines.map(function (line, k) {
        return line.map(function (v, i) {
          var above = false, below = false;
          lines.forEach(function (other, j) {
            var w = other[i];
            if (j === k || !near(v, w)) return;
            if (w > v || (w === v && j < k)) above = true; else below = true;
          });
          if (above) return "bottom";
          if (below) return "top";
          var prev = i > 0 ? line[i - 1] : null, next = i + 1 < line.length ? line[i + 1] : null;
          var upCrossed = (next !== null && next > v) || (prev !== null && prev > v);
          var downCrossed = (next !== null && next < v) || (prev !== null && prev < v);
          return upCrossed && !downCrossed ? "bottom" : "top";
        });
      });
    }
    function withSides(values, sides) {
      return values.map(function (v, i) { return { value: v, label: { position: sides[i] } }; });
    }
    function periodAxis(points) {
      /* on a phone the period's name breaks after the year, so that every period keeps its label */
      return Object.assign({ type: "category", data: points.map(function (p) { return p.label; }), boundaryGap: true }, axisCommon(),
        { axisLabel: { color: INK, fontSize: rem(1.1), fontFamily: FONT, lineHeight: rem(1.4), margin: rem(stacked() ? 1.3 : 0.6),
                       interval: stacked() && points.length <= 4 ? 0 : "auto",
                       formatter: function (label) { return stacked() ? label.replace("年", "年\n") : label; } } });
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
      var completion = points.map(function (p) { return num(p.completion); });
      var progress = points.map(function (p) { return num(p.time_progress); });
      var sides = labelSides([completion, progress]);
      return Object.assign(base(), {
        legend: { top: 0, itemGap: rem(1), textStyle: { color: INK, fontSize: rem(1.1), fontFamily: FONT }, itemWidth: rem(1.6), itemHeight: rem(0.8) },
        grid: { left: rem(0.5), right: rem(2.5), top: rem(4.4), bottom: rem(0.3), containLabel: true },
        xAxis: periodAxis(points),
        yAxis: Object.assign({ type: "value", min: 0 }, axisCommon(), { axisLabel: { color: MUTED, fontSize: rem(1.1), formatter: "{value}%" } }),
        series: [
          { name: "投资完成率", type: "line", symbolSize: rem(0.8), lineStyle: { width: rem(0.2), color: "#4cc9f0" }, itemStyle: { color: "#4cc9f0" },
            label: { show: true, color: INK, fontSize: rem(1.1), fontFamily: FONT, formatter: function (p) { return points[p.dataIndex].completion_text + "%"; } },
            data: withSides(completion, sides[0]) },
          { name: "时序进度", type: "line", symbolSize: rem(0.6), lineStyle: { width: rem(0.15), type: "dashed", color: "#ffd166" }, itemStyle: { color: "#ffd166" },
            label: { show: true, color: "#ffd166", fontSize: rem(1.1), fontFamily: FONT, formatter: function (p) { return points[p.dataIndex].time_progress_text + "%"; } },
            data: withSides(progress, sides[1]) },
        ],
      });
    }
    function trendGradesOption(points) {
      /* blue / yellow / red project counts, one point per published period */
      var grades = ["blue", "yellow", "red"];
      var lines = grades.map(function (g) { return points.map(function (p) { return p[g]; }); });
      var sides = labelSides(lines);
      return Object.assign(base(), {
        legend: { top: 0, itemGap: rem(1), textStyle: { color: INK, fontSize: rem(1.1), fontFamily: FONT }, itemWidth: rem(1.6), itemHeight: rem(0.8) },
        grid: { left: rem(0.5), right: rem(2.5), top: rem(4.4), bottom: rem(0.3), containLabel: true },
        xAxis: periodAxis(points),
        yAxis: Object.assign({ type: "value", minInterval: 1 }, axisCommon(), { axisLabel: { color: MUTED, fontSize: rem(1.1) } }),
        series: grades.map(function (g, k) {
          return { name: NAMES[g], type: "line", symbolSize: rem(0.7), lineStyle: { width: rem(0.18), color: COLORS[g] }, itemStyle: { color: COLORS[g] },
                   label: { show: true, color: COLORS[g], fontSize: rem(1.1), fontFamily: FONT }, data: withSides(lines[k], sides[k]) };
        }),
      });
    }

    return { trendCompletion: trendCompletionOption, trendGrades: trendGradesOption, gauge: gaugeOption, grades: gradesOption, districtGrades: districtGradesOption, districtCompletion: districtCompletionOption };
  };
})();
