/* 亮屏 — the public big screen.
 *
 * Draws the published snapshot embedded in the page (a JSON data island), rotates through the pages
 * on a timer, pages long tables within a page, and polls /screen/data.json with the ETag: a 200
 * redraws, a 304 only confirms, a failure keeps the last good data on screen with a stale banner
 * until the server answers again. The page never reloads itself. Below 900px wide (a phone) every
 * page is shown, stacked, and nothing rotates. window.screenReady is set once the first page is drawn.
 * The ECharts options are built in charts.js.
 */
(function () {
  "use strict";

  var CARDS = { blue: "蓝牌", yellow: "黄牌", red: "红牌", none: "未评定" };

  var body = document.body;
  var cfg = {
    interval: Number(body.getAttribute("data-interval")) || 0,
    poll: Math.max(1, Number(body.getAttribute("data-poll")) || 30),
    url: body.getAttribute("data-url"),
    start: body.getAttribute("data-page"),
    beyond: body.getAttribute("data-beyond") || "",
  };
  var state = {
    data: JSON.parse(document.getElementById("screen-data").textContent),
    etag: body.getAttribute("data-etag"),
    lastOk: new Date(),
    page: 0,
    charts: {},
    timer: null,
  };
  var allPages = Array.prototype.slice.call(document.querySelectorAll(".s-page"));
  var pages = allPages.filter(function (p) { return !p.hidden; });
  var SUMMONS_INLINE = 4;  // a longer 约谈 list gets a page of its own
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".s-tab"));
  var phone = window.matchMedia("(max-width: 899px)");

  /* ---------- small helpers ---------- */
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function setText(id, text) { var n = $(id); if (n) n.textContent = text; }
  function rem(k) { return k * parseFloat(getComputedStyle(document.documentElement).fontSize); }
  function num(s) { return s === null || s === undefined || s === "—" ? null : Number(s); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hms(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function gradeCard(grade) { return el("span", "card card-" + (CARDS[grade] ? grade : "none"), CARDS[grade] || "未评定"); }
  function changeCard(change, text) {
    var cls = change === null || change === undefined ? "" : change > 0 ? " up" : change < 0 ? " down" : " flat";
    return el("span", "change" + cls, text || "—");
  }
  function chip(cls, value, label) {
    var c = el("div", "chip " + cls);
    c.appendChild(el("b", null, value));
    c.appendChild(el("span", null, label));
    return c;
  }
  function cell(row, text, cls) { var td = el("td", cls || null, text); row.appendChild(td); return td; }
  function emptyRow(tbody, cols, text) {
    var tr = el("tr"); var td = cell(tr, text, "empty"); td.colSpan = cols; tbody.appendChild(tr);
  }
  // a list cut for the screen ends with how many more there are (the disclosure keeps the whole list)
  function moreRow(tbody, cols, total, shown) {
    if (total > shown) emptyRow(tbody, cols, "另有 " + (total - shown) + " 项未在大屏列出");
  }
  function stacked() { return phone.matches; }
  var options = window.screenChartOptions({
    rem: rem, num: num, stacked: stacked, font: getComputedStyle(body).fontFamily,
    rule: function () { return state.data.progress_rule; },
  });

  /* ---------- charts ---------- */
  function chart(id) {
    if (!window.echarts) return null;
    if (!state.charts[id]) {
      var node = $(id);
      if (!node) return null;
      var c = window.echarts.init(node, null, { renderer: "canvas" });
      c.ready = new Promise(function (resolve) { c.on("finished", resolve); });
      state.charts[id] = c;
    }
    return state.charts[id];
  }
  function drawCharts(animate) {
    var d = state.data;
    if (!d.published || !window.echarts) return;
    var opts = {
      "c-gauge": options.gauge(d.overview),
      "c-grades": options.grades(d.overview),
      "c-district-grades": options.districtGrades(d.districts),
      "c-district-completion": options.districtCompletion(d.districts, d.overview.display.time_progress),
      "c-trend-completion": options.trendCompletion(d.trend || []),
      "c-trend-grades": options.trendGrades(d.trend || []),
    };
    Object.keys(opts).forEach(function (id) {
      var c = chart(id);
      if (!c) return;
      if (!animate) opts[id].animation = false;
      c.setOption(opts[id], true);
      c.resize();
    });
  }

  /* ---------- tables and figures ---------- */
  function projectRows(tbody, rows, grade, total) {
    clear(tbody);
    if (!rows.length) { emptyRow(tbody, 3, grade === "red" ? "本期无红牌项目" : "本期无黄牌项目"); return; }
    rows.forEach(function (r) {
      var tr = el("tr");
      var name = cell(tr, null, "name-cell");
      name.appendChild(el("span", "code", r.code + " · " + r.district));
      name.appendChild(document.createTextNode(r.name));
      name.title = r.code + " " + r.name + "（" + r.district + "）";
      cell(tr, r.leader || "—", "who");
      var reason = cell(tr, r.reason, grade === "red" ? "behind" : "");
      reason.title = r.reason;
      tbody.appendChild(tr);
    });
    moreRow(tbody, 3, total, rows.length);
  }
  function renderOverview(d) {
    var ov = d.overview, p = ov.projects;
    setText("k-total", p.total);
    setText("k-graded", "纳入评定 " + p.graded + " 个");
    setText("k-plan", ov.display.annual_plan);
    setText("k-ytd", ov.display.ytd_investment);
    setText("k-completion", ov.display.completion);
    var gap = num(ov.gap), gapNode = $("k-gap");
    gapNode.className = gap === null ? "" : gap >= 0 ? "ahead" : "behind";
    gapNode.textContent = ov.display.relation;
    setText("k-tp", "时序进度 " + ov.display.time_progress + "%");
    var t = ov.tasks;
    [$("k-tasks"), $("k-tasks2")].forEach(function (box) {
      clear(box);
      box.appendChild(chip("accent", t.total, "事项"));
      box.appendChild(chip("blue", t.blue, "蓝牌"));
      box.appendChild(chip("yellow", t.yellow, "黄牌"));
      box.appendChild(chip("red", t.red, "红牌"));
    });
    var r = ov.indicators;
    setText("k-ind-count", "共 " + r.count + " 项");
    [$("k-ranking"), $("k-ranking2")].forEach(function (box) {
      clear(box);
      box.appendChild(chip("accent", r.top10, "前十"));
      box.appendChild(chip("blue", r.top5, "前五"));
      box.appendChild(chip("blue", r.top3, "前三"));
      box.appendChild(chip("up", r.up, "进位"));
      box.appendChild(chip("down", r.down, "退位"));
    });
  }
  function renderTasks(d) {
    var tbody = $("t-tasks");
    clear(tbody);
    if (!d.tasks.rows.length) { emptyRow(tbody, 5, "本期无攻坚事项"); return; }
    d.tasks.rows.forEach(function (t) {
      var tr = el("tr");
      cell(tr, t.name).title = t.name;
      cell(tr, null).appendChild(gradeCard(t.grade));
      cell(tr, t.leader || "—", "who");
      cell(tr, t.department || "—", "opt");
      cell(tr, t.reason, t.grade === "red" ? "behind" : "").title = t.reason;
      tbody.appendChild(tr);
    });
    moreRow(tbody, 5, d.tasks.counts.total, d.tasks.rows.length);
  }
  function renderRanking(d) {
    var tbody = $("t-ranking");
    clear(tbody);
    if (!d.ranking.indicators.length) { emptyRow(tbody, 7, "本期无指标排名"); return; }
    d.ranking.indicators.forEach(function (i) {
      var tr = el("tr");
      var name = cell(tr, i.name);
      name.title = i.name;
      name.appendChild(el("span", "phone-only dist", ["10", "5", "3"].map(function (k) {
        return "距第" + k + " " + (i.distance_text[k] || "—");
      }).join(" · ")));
      cell(tr, i.growth_text, "num");
      var rank = cell(tr, null, "num");
      rank.appendChild(el("span", "rank", i.rank));
      if (i.prev_rank) rank.appendChild(el("span", "prev", "上期" + i.prev_rank));
      var cards = cell(tr, null);
      cards.appendChild(gradeCard(i.grade));
      cards.appendChild(changeCard(i.change, i.change_card));
      ["10", "5", "3"].forEach(function (k) {
        var text = i.distance_text[k] || "—";
        cell(tr, text, "num opt " + (text.indexOf("差") === 0 ? "behind" : text.indexOf("已") === 0 ? "ahead" : ""));
      });
      tbody.appendChild(tr);
    });
  }
  function renderUnits(tbody, units, empty) {
    clear(tbody);
    if (!units.length) { emptyRow(tbody, 5, empty); return; }
    units.forEach(function (u) {
      var tr = el("tr");
      cell(tr, u.rank || "—", "num");
      cell(tr, u.name).title = u.name;
      cell(tr, u.score_text, "num");
      cell(tr, null).appendChild(changeCard(u.change, u.change_card));
      cell(tr, u.blue + "/" + u.yellow + "/" + u.red, "num opt");
      tbody.appendChild(tr);
    });
  }
  function renderTiles(districts) {
    var box = $("d-tiles");
    clear(box);
    districts.forEach(function (x) {
      var p = x.projects, gap = num(x.gap);
      var rule = d0().progress_rule || {};
      var red = num(rule.red_below), yellow = num(rule.yellow_below);
      var tone = gap === null ? "" : gap < (red === null ? -10 : red) ? " red" : gap < (yellow === null ? 0 : yellow) ? " yellow" : " blue";
      var t = el("div", "tile" + tone);
      t.appendChild(el("b", null, x.name));
      t.appendChild(el("em", null, x.display.completion === "—" ? "—" : x.display.completion + "%"));
      t.appendChild(el("span", null, "项目 " + p.total + " · 蓝" + p.blue + " 黄" + p.yellow + " 红" + p.red));
      box.appendChild(t);
    });
  }
  function d0() { return state.data; }
  /* the 约谈 panel sits on the units page; a long list moves to a page of its own */
  function placeSummons(d) {
    var panel = document.querySelector(".panel.summons"), own = $("p-summons"), units = $("p-units");
    var apart = d.summons.length > SUMMONS_INLINE;
    (apart ? own : units).appendChild(panel);
    own.hidden = !apart;
    units.classList.toggle("summons-apart", apart);
    units.classList.toggle("summons-empty", !d.summons.length);
    pages = allPages.filter(function (p) { return !p.hidden; });
    tabs.forEach(function (t) { t.hidden = t.getAttribute("data-go") === "summons" && !apart; });
  }
  function renderSummons(d) {
    var tbody = $("t-summons");
    $("summons-rule").textContent = d.summons_rule.label;
    clear(tbody);
    if (!d.summons.length) { emptyRow(tbody, 2, "本期无约谈对象"); return; }
    d.summons.forEach(function (s) {
      var tr = el("tr");
      var name = cell(tr, null, "name-cell");
      name.appendChild(el("span", "code", s.code + " · " + (s.leader || "—")));
      name.appendChild(document.createTextNode(s.name));
      name.title = s.name;
      cell(tr, s.reason, "behind").title = s.reason;
      tbody.appendChild(tr);
    });
  }

  function render(animate) {
    var d = state.data;
    window.screenRenders = (window.screenRenders || 0) + 1;
    body.classList.toggle("empty", !d.published);
    $("s-empty").hidden = !!d.published;
    if (!d.published) {
      setText("s-asof", "暂无已发布的数据");
      return;
    }
    setText("s-asof", d.as_of.cutoff_text);
    setText("s-published", d.as_of.label + " · " + d.as_of.when);
    renderTiles(d.districts);
    placeSummons(d);
    setText("s-title", (d.city ? d.city + "市" : "") + "重点工作亮屏");
    renderOverview(d);
    setText("d-tp", "虚线为时序进度 " + d.overview.display.time_progress + "%");
    var lists = $("p-lists");
    lists.classList.toggle("red-empty", !d.red.length);
    lists.classList.toggle("yellow-empty", !d.yellow.length);
    setText("n-red", d.red_total != null ? d.red_total : d.red.length);
    setText("n-yellow", d.yellow_total != null ? d.yellow_total : d.yellow.length);
    projectRows($("t-red"), d.red, "red", d.red_total != null ? d.red_total : d.red.length);
    projectRows($("t-yellow"), d.yellow, "yellow", d.yellow_total != null ? d.yellow_total : d.yellow.length);
    renderTasks(d);
    renderRanking(d);
    renderUnits($("t-districts"), d.units.districts, "暂无区（市）得分");
    renderUnits($("t-departments"), d.units.departments, "暂无部门得分");
    renderSummons(d);
    drawCharts(animate);
    paginateAll();
  }

  /* ---------- paging long tables within a page ---------- */
  function paginate(box) {
    /* rows fill the box top to bottom; the next row that would not fit starts a new sub-page */
    var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
    rows.forEach(function (r) { r.hidden = false; });
    var height = function (n) { return n.getBoundingClientRect().height; };
    var head = box.querySelector("thead");
    var room = height(box) - (head ? height(head) : 0) + 1;  // 1px for sub-pixel rounding
    var sub = 0, used = 0;
    rows.forEach(function (r) {
      var h = height(r);
      if (!stacked() && used > 0 && used + h > room) { sub += 1; used = 0; }
      r.subPage = sub;
      used += h;
    });
    box.pages = sub + 1;
    box.sub = Math.min(box.sub || 0, box.pages - 1);
    showSub(box);
  }
  function showSub(box) {
    var rows = box.querySelectorAll("tbody tr");
    for (var i = 0; i < rows.length; i++) rows[i].hidden = rows[i].subPage !== box.sub;
    var label = box.parentNode.querySelector(".s-pageno");
    if (label) label.textContent = box.pages > 1 ? "第 " + (box.sub + 1) + "/" + box.pages + " 页" : "";
  }
  function boxes(page) { return Array.prototype.slice.call(page.querySelectorAll(".pager-box")); }
  function paginateAll() { allPages.forEach(function (p) { boxes(p).forEach(paginate); }); }

  /* ---------- rotation ---------- */
  function show(index) {
    state.page = (index + pages.length) % pages.length;
    allPages.forEach(function (p) { p.classList.toggle("active", !p.hidden && (stacked() || p === pages[state.page])); });
    var page = pages[state.page];
    tabs.forEach(function (t) { t.classList.toggle("active", t.getAttribute("data-go") === page.getAttribute("data-page")); });
    setText("s-pagetitle", page.getAttribute("aria-label"));
    body.setAttribute("data-current", page.getAttribute("data-page"));
    boxes(page).forEach(function (b) { b.sub = 0; showSub(b); });
    Object.keys(state.charts).forEach(function (id) { if (page.contains($(id))) state.charts[id].resize(); });
    schedule();
  }
  function tick() {
    var page = pages[state.page];
    var more = boxes(page).filter(function (b) { return b.sub < b.pages - 1; });
    if (more.length) {
      more.forEach(function (b) { b.sub += 1; showSub(b); });
      schedule();
    } else if (state.page + 1 >= pages.length && cfg.beyond) {
      leave();
    } else {
      show(state.page + 1);
    }
  }
  /* after the last page, the rotation goes on to the pages of their own (区（市）排名, 群众诉求), which come
     back here; only when the server answers, else the rotation starts again here */
  function leave() {
    var ctrl = window.AbortController ? new AbortController() : null;
    var guard = setTimeout(function () { if (ctrl) ctrl.abort(); }, 10000);
    fetch(cfg.beyond, { cache: "no-store", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined })
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        window.location.href = cfg.beyond;
      })
      .catch(function () { show(0); })
      .then(function () { clearTimeout(guard); });
  }
  function schedule() {
    clearTimeout(state.timer);
    if (cfg.interval > 0 && !stacked() && state.data.published) state.timer = setTimeout(tick, cfg.interval * 1000);
  }

  /* ---------- polling with the ETag; stale banner on failure ---------- */
  function markOk() {
    state.lastOk = new Date();
    $("s-stale").hidden = true;
    body.classList.remove("stale");
  }
  function markStale() {
    var banner = $("s-stale");
    banner.textContent = "数据可能已过期：最后一次更新 " + hms(state.lastOk);
    banner.hidden = false;
    body.classList.add("stale");
  }
  function poll() {
    var ctrl = window.AbortController ? new AbortController() : null;
    var guard = setTimeout(function () { if (ctrl) ctrl.abort(); }, Math.min(cfg.poll, 20) * 1000);
    var headers = state.etag ? { "If-None-Match": state.etag } : {};
    fetch(cfg.url, { headers: headers, cache: "no-store", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined })
      .then(function (resp) {
        if (resp.status === 304) { markOk(); return null; }
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json().then(function (data) {
          state.etag = resp.headers.get("ETag") || state.etag;
          state.data = data;
          markOk();
          render(true);
          show(state.page);
        });
      })
      .catch(markStale)
      .then(function () { clearTimeout(guard); setTimeout(poll, cfg.poll * 1000); });
  }

  /* ---------- start ---------- */
  function startIndex() {
    for (var i = 0; i < pages.length; i++) if (pages[i].getAttribute("data-page") === cfg.start) return i;
    return 0;
  }
  function clock() {
    var now = new Date();
    setText("s-clock", now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " + hms(now));
  }
  function ready() {
    var page = pages[state.page];
    var waits = Object.keys(state.charts)
      .filter(function (id) { return stacked() || page.contains($(id)); })
      .map(function (id) { return state.charts[id].ready; });
    var fonts = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 8000); });
    fonts.then(function () { paginateAll(); show(state.page); });
    Promise.race([Promise.all(waits.concat([fonts])), timeout]).then(function () {
      window.screenReady = true;
      body.setAttribute("data-ready", "1");
      requestAnimationFrame(function () { body.classList.add("animated"); });
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { drawCharts(false); paginateAll(); show(state.page); }, 150);
  });
  tabs.forEach(function (t) {
    t.addEventListener("click", function () {
      for (var i = 0; i < pages.length; i++) if (pages[i].getAttribute("data-page") === t.getAttribute("data-go")) show(i);
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") show(state.page + 1);
    if (e.key === "ArrowLeft") show(state.page - 1);
  });
  phone.addEventListener("change", function () { drawCharts(false); paginateAll(); show(state.page); });

  // redraw with other data (the browser tests' hook to show how a page lays out, e.g. an empty list)
  window.screenRedraw = function (data) { state.data = data; render(false); show(state.page); };

  render(true);
  show(startIndex());
  ready();
  clock();
  setInterval(clock, 1000);
  setTimeout(poll, cfg.poll * 1000);
})();
