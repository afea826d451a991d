/* 赛事大屏: draws the tournament's public data (a JSON data island), then polls data.json with the
 * ETag: a 200 redraws, a 304 only confirms, a failure keeps the last good data with a stale banner.
 * Everything is drawn with textContent (never HTML from data). window.eventsReady is set when drawn. */
(function () {
  "use strict";
  var body = document.body;
  var state = {
    data: JSON.parse(document.getElementById("es-data").textContent),
    etag: body.getAttribute("data-etag"),
    lastOk: new Date(),
  };
  var poll = Math.max(1, Number(body.getAttribute("data-poll")) || 20);
  var url = body.getAttribute("data-url");

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hms(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()); }
  function td(tr, text, cls) { var c = el("td", cls, text); tr.appendChild(c); return c; }
  function isToday(iso) {
    var now = new Date();
    return iso === now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function groups(d) {
    var box = $("es-groups");
    clear(box);
    box.className = "es-group-list n" + d.groups.length;
    d.groups.forEach(function (g) {
      var card = el("div", "es-group");
      var h = el("h3", null, g.letter + "组");
      h.appendChild(el("small", null, "已赛 " + g.played + "/" + g.total));
      card.appendChild(h);
      var table = el("table", "es-table standings");
      var head = el("tr");
      ["", "球队", "赛", "胜平负", "进/失", "净胜", "积分"].forEach(function (t, i) { head.appendChild(el("th", i > 1 ? "num" : null, t)); });
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var tbody = el("tbody");
      g.rows.forEach(function (r) {
        var tr = el("tr", r.advances ? "adv" : null);
        td(tr, r.position, "pos");
        var name = td(tr, r.team, "team");
        if (r.note) name.appendChild(el("small", null, r.note));
        td(tr, r.played, "num");
        td(tr, r.won + "/" + r.drawn + "/" + r.lost, "num");
        td(tr, r.gf + "/" + r.ga, "num");
        td(tr, (r.gd > 0 ? "+" : "") + r.gd, "num");
        td(tr, r.points, "num pts");
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      card.appendChild(table);
      box.appendChild(card);
    });
  }

  function side(m, which) {
    var row = el("div", "es-side" + (m.winner === which ? " win" : "") + (m.known ? "" : " tbd"));
    row.appendChild(el("span", null, which === "home" ? m.home : m.away));
    var goals = which === "home" ? m.hg : m.ag, pens = which === "home" ? m.hp : m.ap;
    var b = el("b", null, m.played ? goals : "");
    if (m.played && pens !== null && pens !== undefined) b.appendChild(el("small", null, "（" + pens + "）"));
    row.appendChild(b);
    return row;
  }
  function bracket(d) {
    var box = $("es-bracket");
    clear(box);
    if (!d.rounds.length) { box.appendChild(el("p", "es-empty", "赛程生成后显示")); }
    d.rounds.forEach(function (r) {
      var col = el("div", "es-round");
      col.appendChild(el("h3", null, r.name));
      var ties = el("div", "es-ties");
      col.appendChild(ties);
      r.matches.forEach(function (m) {
        var tie = el("div", "es-tie" + (m.played ? " played" : "") + (m.code === "F" ? " final" : ""));
        tie.setAttribute("data-code", m.code);
        tie.appendChild(el("div", "es-tie-head", m.label + " · " + (m.date || "").slice(5).replace("-", "月") + "日 " + (m.time || "")));
        tie.appendChild(side(m, "home"));
        tie.appendChild(side(m, "away"));
        ties.appendChild(tie);
      });
      box.appendChild(col);
    });
    var champ = $("es-champion");
    clear(champ);
    champ.hidden = !d.champion;
    if (d.champion) {
      d.placings.forEach(function (p) {
        var item = el("div", "es-place");
        item.appendChild(el("span", null, p.place));
        item.appendChild(el("b", null, p.team));
        champ.appendChild(item);
      });
    }
  }
  function today(d) {
    $("es-day-title").textContent = isToday(d.day) ? "今日比赛" : "比赛日";
    $("es-day").textContent = d.day_label;
    var tbody = $("es-today");
    clear(tbody);
    if (!d.today.length) { var tr = el("tr"); td(tr, "当日没有比赛", "empty").colSpan = 4; tbody.appendChild(tr); }
    d.today.forEach(function (m) {
      var tr = el("tr", m.played ? "played" : null);
      var when = td(tr, m.time, "time");
      when.appendChild(el("small", null, m.pitch));
      var who = td(tr, null, "match");
      who.appendChild(el("small", null, m.label));
      var line = el("span", "teams");
      line.appendChild(el("span", m.winner === "home" ? "win" : null, m.home));
      line.appendChild(el("i", null, " 对 "));
      line.appendChild(el("span", m.winner === "away" ? "win" : null, m.away));
      who.appendChild(line);
      var score = td(tr, m.played ? m.score : "—", "score");
      if (m.penalties) score.appendChild(el("small", null, "点球 " + m.penalties));
      tbody.appendChild(tr);
    });
  }
  /* A day with more matches than the panel holds: first a denser table, then the rows that still do
     not fit are left out with a line saying how many (the public page lists them all). */
  function fitToday() {
    var panel = document.querySelector(".es-today");
    var tbody = $("es-today");
    panel.classList.remove("dense");
    if (window.matchMedia("(max-width: 899px)").matches) return;
    function over() { return tbody.getBoundingClientRect().bottom > panel.getBoundingClientRect().bottom - 4; }
    if (!over()) return;
    panel.classList.add("dense");
    var rows = Array.prototype.slice.call(tbody.querySelectorAll("tr"));
    var hidden = 0;
    while (over() && rows.length > 1) {
      tbody.removeChild(rows.pop());
      hidden += 1;
      if (hidden === 1) { var more = el("tr", "more"); td(more, "", "empty").colSpan = 3; tbody.appendChild(more); }
      tbody.lastChild.firstChild.textContent = "另有 " + hidden + " 场未在大屏列出";
    }
  }
  function scorers(d) {
    var tbody = $("es-scorers");
    clear(tbody);
    if (!d.scorers.length) { var tr = el("tr"); td(tr, "暂无进球记录", "empty").colSpan = 4; tbody.appendChild(tr); }
    d.scorers.slice(0, 5).forEach(function (s, i) {
      var tr = el("tr");
      td(tr, i + 1, "pos");
      td(tr, s.number + "号 " + s.player, "team");
      td(tr, s.team, "club");
      td(tr, s.goals, "num pts");
      tbody.appendChild(tr);
    });
  }
  function render() {
    var d = state.data;
    $("es-title").textContent = d.name;
    $("es-progress").textContent = "已赛 " + d.played + " / " + d.total + " 场";
    $("es-updated").textContent = d.updated ? "比分更新于 " + d.updated : "尚无比分";
    $("es-rules").textContent = "积分：" + d.points + "；积分相同时依次比较：" + d.rules + "。" + d.format + "。";
    $("es-sample").hidden = !d.sample;
    groups(d); bracket(d); today(d); scorers(d);
    fitToday();
  }

  function markOk() { state.lastOk = new Date(); $("es-stale").hidden = true; body.classList.remove("stale"); }
  function markStale() {
    var banner = $("es-stale");
    banner.textContent = "数据可能已过期：最后一次更新 " + hms(state.lastOk);
    banner.hidden = false;
    body.classList.add("stale");
  }
  function fetchOnce() {
    var ctrl = window.AbortController ? new AbortController() : null;
    var guard = setTimeout(function () { if (ctrl) ctrl.abort(); }, Math.min(poll, 20) * 1000);
    var headers = state.etag ? { "If-None-Match": state.etag } : {};
    return fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined })
      .then(function (resp) {
        if (resp.status === 304) { markOk(); return null; }
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json().then(function (data) {
          state.etag = resp.headers.get("ETag") || state.etag;
          state.data = data;
          markOk();
          render();
        });
      })
      .catch(markStale)
      .then(function () { clearTimeout(guard); });
  }
  function loop() { fetchOnce().then(function () { setTimeout(loop, poll * 1000); }); }
  function clock() {
    var now = new Date();
    $("es-clock").textContent = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " + hms(now);
  }
  window.eventsRefresh = fetchOnce;  // the browser tests' hooks: fetch now instead of waiting,
  window.eventsRedraw = function (data) { state.data = data; render(); };  // or draw other data
  render();
  clock();
  setInterval(clock, 1000);
  setTimeout(loop, poll * 1000);
  var fonts = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
  fonts.then(function () { fitToday(); window.eventsReady = true; body.setAttribute("data-ready", "1"); });
  window.addEventListener("resize", function () { render(); });
})();
