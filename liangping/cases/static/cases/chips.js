/* A searchable chip picker over a plain <select multiple data-chips="placeholder">.
   The select stays in the form (hidden) and keeps the chosen options selected, so the form posts
   exactly what it would without this script; without JavaScript the plain multi-select is used. */
(function () {
  "use strict";

  function enhance(select) {
    var wrap = document.createElement("div");
    wrap.className = "chips";
    var chosen = document.createElement("ul");
    chosen.className = "chips-chosen";
    chosen.setAttribute("aria-live", "polite");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "chips-input";
    input.placeholder = select.getAttribute("data-chips") || "输入名称搜索";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    var listId = (select.id || select.name) + "-choices";
    input.setAttribute("aria-controls", listId);
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    if (label) {
      input.setAttribute("aria-label", label.textContent.trim());
      label.setAttribute("for", "");
      label.addEventListener("click", function () { input.focus(); });
    }
    var list = document.createElement("ul");
    list.className = "chips-list";
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var active = -1;

    function options() { return Array.prototype.slice.call(select.options); }

    function renderChosen() {
      chosen.textContent = "";
      options().forEach(function (opt) {
        if (!opt.selected) { return; }
        var li = document.createElement("li");
        li.className = "chip";
        li.textContent = opt.text;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "移除" + opt.text);
        remove.addEventListener("click", function () {
          opt.selected = false;
          renderChosen();
          renderList();
          input.focus();
        });
        li.appendChild(remove);
        chosen.appendChild(li);
      });
    }

    function matches() {
      var q = input.value.trim().toLowerCase();
      return options().filter(function (opt) {
        var names = (opt.text + " " + (opt.getAttribute("data-aliases") || "")).toLowerCase();
        return !opt.selected && opt.value && (!q || names.indexOf(q) !== -1);
      });
    }

    function renderList() {
      var found = matches();
      list.textContent = "";
      if (active >= found.length) { active = found.length - 1; }
      found.forEach(function (opt, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.className = "chips-option" + (i === active ? " active" : "");
        li.id = listId + "-" + opt.value;
        li.textContent = opt.text;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the input
          choose(opt);
        });
        list.appendChild(li);
      });
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "chips-none";
        none.textContent = input.value.trim() ? "没有匹配的单位" : "已全部选择";
        list.appendChild(none);
      }
      var open = document.activeElement === input;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (active >= 0 && found[active]) {
        input.setAttribute("aria-activedescendant", listId + "-" + found[active].value);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(opt) {
      opt.selected = true;
      input.value = "";
      active = -1;
      renderChosen();
      renderList();
    }

    input.addEventListener("input", function () { active = 0; renderList(); });
    input.addEventListener("focus", renderList);
    input.addEventListener("blur", function () {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    });
    input.addEventListener("keydown", function (event) {
      var found = matches();
      if (event.key === "ArrowDown") {
        active = Math.min(active + 1, found.length - 1);
        renderList();
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        active = Math.max(active - 1, 0);
        renderList();
        event.preventDefault();
      } else if (event.key === "Enter") {
        if (input.value.trim()) {
          event.preventDefault();  // Enter in the search box chooses; it never submits the form
          if (found.length) { choose(found[Math.max(active, 0)]); }
        }
      } else if (event.key === "Escape") {
        list.hidden = true;
      } else if (event.key === "Backspace" && !input.value) {
        var picked = options().filter(function (opt) { return opt.selected; });
        if (picked.length) {
          picked[picked.length - 1].selected = false;
          renderChosen();
          renderList();
        }
      }
    });

    select.hidden = true;
    select.classList.add("chips-source");
    select.setAttribute("tabindex", "-1");
    wrap.appendChild(chosen);
    wrap.appendChild(input);
    wrap.appendChild(list);
    select.parentNode.insertBefore(wrap, select.nextSibling);
    renderChosen();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("select[multiple][data-chips]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
