// The chain map: segments left to right (top to bottom on a phone), sized by output or firm count,
// sub-segments under their parent, linked key projects as small dots coloured by grade. A click on
// a segment fills the side panel with its figures, firms, projects and 招商 list; a click on a firm
// there shows the firm. The data is the page's <script id="chain-data"> (chains.mapdata.chain_map),
// or, on the public screen, the published snapshot (same shape, public fields only).
(function () {
  "use strict";
  var COLORS = { red: "#cf222e", yellow: "#d4a72c", blue: "#0969da", none: "#8c959f" };
  var GRADE_WORDS = { red: "红牌", yellow: "黄牌", blue: "蓝牌" };

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { el.textContent = attrs[k]; } else { el.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c) { el.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    });
    return el;
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (ch) { return "&#" + ch.charCodeAt(0) + ";"; });
  }

  function number(text) {
    var n = parseFloat(text || "0");
    return isFinite(n) ? n : 0;
  }

  function mount(el, panel, data, options) {
    var theme = options.dark ? "dark" : null;
    var chart = window.echarts.init(el, theme);
    var sizeBy = "output";
    var hasOutput = data.segments.some(function (s) { return s.output_yi !== null && s.output_yi !== undefined; });
    if (!hasOutput) { sizeBy = "firms"; }
    var ink = options.dark ? "#e6edf3" : "#1f2328";
    var byId = {};
    data.segments.forEach(function (s) { byId[s.id] = s; });

    function rootOf(s) {
      var seen = {};
      while (s.parent_id && byId[s.parent_id] && !seen[s.id]) { seen[s.id] = true; s = byId[s.parent_id]; }
      return s;
    }

    function metric(s) { return sizeBy === "firms" ? s.firm_count : number(s.output_yi); }

    function option() {
      // Positions in a plain grid (x: upstream → downstream, y: depth), drawn on hidden value axes so
      // every symbol keeps its size in pixels (a graph's own view would stretch circles into ellipses).
      var vertical = el.clientWidth < 700;
      var tops = data.segments.filter(function (s) { return !s.parent_id || !byId[s.parent_id]; });
      var column = {};
      tops.forEach(function (s, i) { column[s.id] = i; });
      var rowsUsed = {};
      var max = 0;
      data.segments.forEach(function (s) { max = Math.max(max, metric(s)); });
      var big = options.scale || 1;
      var nodes = [];
      var links = [];
      var maxRow = 0;
      var place = function (col, row) { return vertical ? [row * 2.2, col] : [col, row]; };
      data.segments.forEach(function (s) {
        var root = rootOf(s);
        var col = column[root.id];
        var row = 0;
        if (s !== root) { rowsUsed[col] = (rowsUsed[col] || 0) + 1; row = rowsUsed[col]; }
        maxRow = Math.max(maxRow, row);
        var at = place(col, row);
        var share = max > 0 ? Math.sqrt(metric(s) / max) : 0;
        var main = s.measures.length ? s.measures[0] : null;
        var label = s.name + "\n" + s.firm_count + "家" + (main ? " · " + main.now + main.unit : "");
        nodes.push({
          id: "s" + s.id, name: s.name, value: at,
          symbolSize: (s === root ? 20 : 16) * big + share * 40 * big,
          kind: "segment", ref: s.id,
          itemStyle: { color: s === root ? "#1f6feb" : "#54aeff", borderColor: "#fff", borderWidth: 2 },
          label: { show: true, position: vertical ? "right" : "bottom", formatter: label, color: ink,
                   fontSize: (options.dark ? 14 : 12) * big, lineHeight: (options.dark ? 19 : 16) * big,
                   fontWeight: 600, distance: 4 * big },
        });
        if (s !== root) {
          links.push({ source: "s" + s.parent_id, target: "s" + s.id, lineStyle: { type: "dashed", width: 1 * big } });
        }
        var per = 5;
        s.projects.forEach(function (p, k) {
          var r = Math.floor(k / per);
          var c = k % per;
          var inRow = Math.min(per, s.projects.length - r * per);
          var pat;
          if (vertical) {
            pat = [at[0] + 0.55 + c * 0.16, at[1] + 0.28 + r * 0.14];
          } else if (row === 0) {
            pat = [at[0] + (c - (inRow - 1) / 2) * 0.16, at[1] - 0.55 - r * 0.16];
          } else {
            pat = [at[0] + 0.3 + c * 0.12, at[1] - 0.15 + r * 0.15];
          }
          var grade = p.grade && COLORS[p.grade] ? p.grade : "none";
          nodes.push({
            id: "p" + s.id + "-" + p.code, name: p.name, value: pat, symbol: "diamond",
            symbolSize: 11 * big, kind: "project", ref: s.id, code: p.code,
            itemStyle: { color: COLORS[grade], borderColor: "#fff", borderWidth: 1 },
            label: { show: false },
          });
        });
      });
      for (var i = 0; i + 1 < tops.length; i += 1) {
        links.push({ source: "s" + tops[i].id, target: "s" + tops[i + 1].id, symbol: ["none", "arrow"],
                     symbolSize: 10 * big, lineStyle: { width: 3 * big, color: "#1f6feb", opacity: 0.6 } });
      }
      var span = Math.max(tops.length - 1, 1);
      var depth = Math.max(maxRow, 1);
      var xAxis = vertical ? { min: -0.4, max: depth * 2.2 + 1.4 } : { min: -0.6, max: span + 0.6 };
      var yAxis = vertical ? { min: -0.6, max: span + 0.6 } : { min: -1.15, max: depth + 0.55 };
      return {
        animation: false,
        backgroundColor: "transparent",
        grid: { left: 10 * big, right: 10 * big, top: 10 * big, bottom: 30 * big },
        xAxis: Object.assign({ type: "value", show: false }, xAxis),
        yAxis: Object.assign({ type: "value", show: false, inverse: true }, yAxis),
        tooltip: {
          formatter: function (params) {
            if (params.dataType !== "node") { return ""; }
            var d = params.data;
            if (d.kind === "project") {
              var s = byId[d.ref];
              var p = s.projects.filter(function (x) { return x.code === d.code; })[0];
              var lines = [esc(p.name), esc(p.stage) + (p.grade_label ? " · " + esc(p.grade_label) + "牌" : "")];
              if (p.capacity) { lines.push("建成新增 " + esc(p.capacity + p.unit)); }
              return lines.join("<br>");
            }
            return esc(d.name) + "：" + byId[d.ref].firm_count + "家";
          },
        },
        series: [{
          type: "graph", coordinateSystem: "cartesian2d", data: nodes, links: links,
          edgeSymbol: ["none", "none"], emphasis: { focus: "adjacency" },
          lineStyle: { color: "#8c959f", curveness: 0, opacity: 0.35 },
        }],
      };
    }

    function fmt(m) { return m.now + m.unit; }

    function showSegment(id) {
      var s = byId[id];
      if (!s || !panel) { return; }
      panel.textContent = "";
      panel.appendChild(h("h3", { text: s.name + (s.parent ? "（" + s.parent + "）" : "") }));
      var facts = h("dl", { "class": "c-dl" });
      facts.appendChild(h("dt", { text: "企业" }));
      facts.appendChild(h("dd", { text: s.firm_count + "家" }));
      if (s.output_yi !== null && s.output_yi !== undefined) {
        facts.appendChild(h("dt", { text: "企业产值" }));
        facts.appendChild(h("dd", { text: s.output_yi + "亿元" }));
      }
      s.measures.forEach(function (m) {
        facts.appendChild(h("dt", { text: m.name + "产能" }));
        var text = "现有 " + fmt(m);
        if (m.building && m.building !== "0") { text += "，在建 " + m.building + m.unit; }
        if (m.target) { text += "，目标 " + m.target + m.unit + (m.gap && m.gap !== "0" ? "，差 " + m.gap + m.unit : "，已达标"); }
        facts.appendChild(h("dd", { text: text }));
      });
      if (s.target_firms !== null && s.target_firms !== undefined) {
        facts.appendChild(h("dt", { text: "目标企业数" }));
        facts.appendChild(h("dd", { text: s.target_firms + "家" + (s.firm_gap ? "，差 " + s.firm_gap + "家" : "，已达标") }));
      }
      panel.appendChild(facts);
      if (s.projects.length || s.hidden_projects) {
        panel.appendChild(h("h4", { text: "关联重点项目" }));
        var pl = h("ul", { "class": "c-plist" });
        s.projects.forEach(function (p) {
          var grade = p.grade && COLORS[p.grade] ? p.grade : "none";
          pl.appendChild(h("li", {}, [h("span", { "class": "c-dot c-" + grade }), p.name + "（" + p.stage +
            (p.grade_label ? "，" + GRADE_WORDS[p.grade] : "") + (p.capacity ? "，建成新增 " + p.capacity + p.unit : "") + "）"]));
        });
        if (s.hidden_projects) { pl.appendChild(h("li", { "class": "muted", text: "另有" + s.hidden_projects + "个项目不在您的范围内" })); }
        panel.appendChild(pl);
      }
      panel.appendChild(h("h4", { text: "企业" + (s.more_firms ? "（产值前" + s.firms.length + "家）" : "") }));
      var fl = h("ul", { "class": "c-flist" });
      s.firms.forEach(function (key) {
        var f = data.firms[key];
        if (!f) { return; }
        var b = h("button", { type: "button", "class": "c-firm", "data-firm": key, "data-segment": String(s.id), text: f.name });
        fl.appendChild(h("li", {}, [b, f.sample ? h("small", { "class": "muted", text: " 示例" }) : null]));
      });
      panel.appendChild(fl);
      if (s.more_firms && options.firmsUrl) {
        panel.appendChild(h("p", {}, [h("a", { href: options.firmsUrl + "?segment=" + s.id, text: "另有" + s.more_firms + "家，查看全部" })]));
      }
      if (s.leads && s.leads.length) {
        panel.appendChild(h("h4", { text: "招商目标" }));
        var ll = h("ul", {});
        s.leads.forEach(function (l) { ll.appendChild(h("li", { text: l.target + "（" + l.department + "，" + l.status + "）" })); });
        panel.appendChild(ll);
      }
      panel.setAttribute("data-shown", "segment");
    }

    function showFirm(key, segmentId) {
      var f = data.firms[key];
      if (!f || !panel) { return; }
      panel.textContent = "";
      var back = h("button", { type: "button", "class": "btn small c-back", "data-segment": String(segmentId), text: "返回环节" });
      panel.appendChild(back);
      panel.appendChild(h("h3", { text: f.name + (f.sample ? "（示例数据）" : "") }));
      var dl = h("dl", { "class": "c-dl" });
      var add = function (k, v) { if (v !== null && v !== undefined && v !== "") { dl.appendChild(h("dt", { text: k })); dl.appendChild(h("dd", { text: v })); } };
      add("统一社会信用代码", f.credit_code);
      add("所属区（市）", f.district);
      var segs = data.segments.filter(function (s) { return s.firms.indexOf(key) >= 0; }).map(function (s) { return s.name; });
      add("所属环节", segs.join("、"));
      f.capacities.forEach(function (c) { add(c.measure + "产能", c.value + c.unit); });
      add("产值", f.output_yi ? f.output_yi + "亿元" : null);
      add("研发平台", f.platforms + "个");
      add("专利", f.patents + "项");
      add("规上企业", f.above_scale ? "是" : "否");
      add("重点企业", f.key ? "是" : "否");
      panel.appendChild(dl);
      panel.setAttribute("data-shown", "firm");
    }

    if (panel) {
      panel.addEventListener("click", function (event) {
        var t = event.target;
        if (!(t instanceof HTMLElement)) { return; }
        if (t.classList.contains("c-firm")) { showFirm(t.getAttribute("data-firm"), t.getAttribute("data-segment")); }
        if (t.classList.contains("c-back")) { showSegment(Number(t.getAttribute("data-segment"))); }
      });
    }
    var cycling = null;
    chart.on("click", function (params) {
      if (params.dataType === "node" && params.data.ref) {
        if (cycling) { window.clearInterval(cycling); cycling = null; }
        showSegment(params.data.ref);
      }
    });
    if (options.cycle && data.segments.length) {
      // the lobby screen walks through the segments by itself; a click stops it
      var next = 0;
      var step = function () { showSegment(data.segments[next % data.segments.length].id); next += 1; };
      step();
      cycling = window.setInterval(step, options.cycle * 1000);
    }
    chart.on("finished", function () { el.setAttribute("data-ready", "1"); });

    function draw() { el.removeAttribute("data-ready"); chart.setOption(option(), true); }
    draw();
    window.addEventListener("resize", function () { chart.resize(); draw(); });
    document.querySelectorAll("[data-size]").forEach(function (b) {
      b.addEventListener("click", function () {
        sizeBy = b.getAttribute("data-size");
        document.querySelectorAll("[data-size]").forEach(function (o) { o.classList.toggle("active", o === b); });
        draw();
      });
    });
    // where a segment is drawn, in page pixels (the browser test clicks it)
    el.chainPoint = function (name) {
      var s = data.segments.filter(function (x) { return x.name === name; })[0];
      if (!s) { return null; }
      var node = chart.getOption().series[0].data.filter(function (n) { return n.id === "s" + s.id; })[0];
      var p = chart.convertToPixel({ seriesIndex: 0 }, node.value);
      var r = el.getBoundingClientRect();
      return { x: r.left + p[0], y: r.top + p[1] };
    };
    return chart;
  }

  window.ChainMap = { mount: mount };

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("chain-map");
    var source = document.getElementById("chain-data");
    if (!el || !source || !window.echarts || el.hasAttribute("data-manual")) { return; }
    mount(el, document.getElementById("chain-panel"), JSON.parse(source.textContent),
          { firmsUrl: el.getAttribute("data-firms-url"), dark: el.hasAttribute("data-dark"),
            cycle: Number(el.getAttribute("data-cycle") || 0),
            scale: el.hasAttribute("data-dark") ? parseFloat(getComputedStyle(document.documentElement).fontSize) / 20 : 1 });
  });
})();
