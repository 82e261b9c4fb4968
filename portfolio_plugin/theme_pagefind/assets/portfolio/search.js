/* The header search box, served by the site's own index (the portfolio plugin's `search:
   portfolio`: search-index.js) or by Pagefind (`search: pagefind`: pagefind/pagefind.js of
   this site). Either script is loaded on the first query, answers Pagefind's interface, and
   fetches only the files of the index that query needs. Results are drawn with DOM calls and
   textContent only. The search's state lives in the URL (?search=1&q=...&facet=...), with the
   same names as the initiative list's filters (q, facet, zone, status, themes, partners), so
   that a filtered list can be searched within ("Search within these") and a search shown in
   the list ("Show these in the list"); `type` is the search's own (the kind of page). */
(function () {
  "use strict";
  var root = document.querySelector("[data-pf-search]");
  if (!root) return;
  var KEYS = ["q", "facet", "zone", "status", "themes", "partners", "type"];
  var LIST_KEYS = ["q", "facet", "zone", "status", "themes", "partners"];
  /* Pagefind fetches a result's fragment (its text, 1-3 KB) when it is shown: the first
     query shows 5, each "more" 10 (at 5,000 initiatives the first query fetches about 250 KB,
     each fragment counting). */
  var FIRST = 5;
  var PAGE = 10;
  var toggle = document.getElementById("__search");
  var input = root.querySelector("input[name=q]");
  var status = root.querySelector("[data-pf-search-status]");
  var list = root.querySelector("ol");
  var more = root.querySelector("[data-pf-search-more]");
  var toList = root.querySelector("[data-pf-search-list]");
  var carriedBox = root.querySelector("[data-pf-search-carried]");
  var selects = Array.prototype.slice.call(root.querySelectorAll("[data-pf-search-filter]"));
  var listForm = document.querySelector("form[data-pf-index]");
  var carried = {};  /* themes, partners: carried from the list or the URL, {value, label} */
  var loading = null;
  var ticket = 0;
  var results = [];
  var shown = 0;
  var before = null;  /* the page's URL before the search opened */
  var timer = null;

  function word(name) { return root.getAttribute("data-pf-" + name) || ""; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function sameOrigin(url) {
    try {
      var u = new URL(url, document.baseURI);
      return u.origin === window.location.origin ? u.href : null;
    } catch (e) { return null; }
  }

  function load() {
    if (!loading) {
      var bundle = sameOrigin(root.getAttribute("data-pf-search"));
      var site = new URL(root.getAttribute("data-pf-site"), document.baseURI).pathname;
      loading = import(bundle).then(function (pagefind) {
        /* Pagefind searches in its web worker (pagefind-worker.js, 40 KB more before the
           first result): on the main thread, a search of tens of thousands of pages holds up
           the reader's typing (measured at 20,000 initiatives: typing a word took 55 s). */
        var settings = { baseUrl: site };
        var index = root.getAttribute("data-pf-search-index");
        if (index) settings.index = index;  /* the site's own index: its folder */
        return Promise.resolve(pagefind.options(settings)).then(function () {
          return pagefind;
        });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function values() {
    var v = {};
    var q = input.value.trim();
    if (q) v.q = q;
    selects.forEach(function (s) { if (s.value) v[s.name] = s.value; });
    Object.keys(carried).forEach(function (k) { v[k] = carried[k].value; });
    return v;
  }

  function query(v, keys) {
    var params = new URLSearchParams();
    keys.forEach(function (k) { if (v[k]) params.set(k, v[k]); });
    return params.toString();
  }

  function drawCarried() {
    while (carriedBox.firstChild) carriedBox.removeChild(carriedBox.firstChild);
    Object.keys(carried).forEach(function (k) {
      var name = word("label-" + k) + ": " + carried[k].label;
      var button = el("button", { type: "button", "class": "pf-search-chip",
                                  "aria-label": word("remove").replace("{name}", name) },
                      name + " ×");
      button.addEventListener("click", function () {
        delete carried[k];
        drawCarried();
        run();
        input.focus();
      });
      carriedBox.appendChild(button);
    });
  }

  function writeUrl(v) {
    var params = new URLSearchParams(window.location.search);
    params.delete("search");
    KEYS.forEach(function (k) { params.delete(k); });
    params.set("search", "1");
    KEYS.forEach(function (k) { if (v[k]) params.set(k, v[k]); });
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString() +
                                window.location.hash);
  }

  function excerpt(node, html) {
    /* Pagefind's excerpt: the page's text with <mark> around the words found. */
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      if (part) node.appendChild(marked ? el("mark", {}, part) : document.createTextNode(part));
      return marked;
    }, false);
  }

  function typeLabel(kind) {
    var select = root.querySelector("select[name=type]");
    var option = select && Array.prototype.find.call(select.options, function (o) {
      return o.value === kind;
    });
    return option ? option.textContent : kind;
  }

  function item(data) {
    var meta = data.meta || {};
    var filters = data.filters || {};
    var li = el("li", { "class": "pf-search-item" });
    var href = sameOrigin(data.url);
    li.appendChild(el("a", href ? { href: href } : {}, meta.title || data.url));
    var text = el("p", { "class": "pf-search-text" });
    if (meta.summary) text.textContent = meta.summary;
    else excerpt(text, data.excerpt || "");
    li.appendChild(text);
    var facts = el("p", { "class": "pf-search-facts" });
    var facet = (filters.facet || [])[0];
    var zone = (filters.zone || [])[0];
    if (meta.facet) facts.appendChild(el("span", { "class": "pf-badge pf-facet pf-facet-" + facet }, meta.facet));
    if (meta.zone) facts.appendChild(el("span", { "class": "pf-badge pf-zone pf-zone-" + zone }, meta.zone));
    if (!meta.facet && (filters.type || [])[0]) {
      facts.appendChild(el("span", { "class": "pf-badge" }, typeLabel(filters.type[0])));
    }
    li.appendChild(facts);
    return li;
  }

  function showMore(mine) {
    var next = results.slice(shown, shown + (shown === 0 ? FIRST : PAGE));
    shown += next.length;
    more.hidden = true;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (all) {
      if (mine !== ticket) return;
      var fragment = document.createDocumentFragment();
      all.forEach(function (data) { fragment.appendChild(item(data)); });
      list.appendChild(fragment);
      more.hidden = shown >= results.length;
    });
  }

  function clear() {
    while (list.firstChild) list.removeChild(list.firstChild);
    results = [];
    shown = 0;
    more.hidden = true;
  }

  function run() {
    var v = values();
    var mine = ++ticket;
    if (isOpen()) writeUrl(v);
    var forList = !v.type || v.type === "initiative";
    var q = query(v, LIST_KEYS);
    toList.href = root.getAttribute("data-pf-list") + (q ? "?" + q : "");
    toList.hidden = !forList || Object.keys(v).length === 0;
    if (Object.keys(v).length === 0) {
      clear();
      status.textContent = "";
      return;
    }
    status.textContent = word("loading");
    var filters = {};
    Object.keys(v).forEach(function (k) { if (k !== "q") filters[k] = v[k]; });
    load().then(function (pagefind) {
      return pagefind.search(v.q || null, { filters: filters });
    }).then(function (search) {
      if (mine !== ticket) return null;
      clear();
      results = (search && search.results) || [];
      var n = results.length;
      /* The count is said once the first results are there to be read. */
      return showMore(mine).then(function () {
        if (mine !== ticket) return;
        status.textContent = n === 0 ? word("none")
          : (n === 1 ? word("count-one") : word("count").replace("{count}", String(n)));
      });
    }).catch(function () {
      if (mine === ticket) status.textContent = word("failed");
    });
  }

  function isOpen() { return !!(toggle && toggle.checked); }

  function warm() {
    /* Pagefind's script, WebAssembly and page list while the reader types the first word. */
    load().then(function (pagefind) {
      if (pagefind.init) return pagefind.init();
      return null;
    }).catch(function () { /* said when a query fails */ });
  }

  function open() {
    warm();
    if (toggle && !toggle.checked) {
      before = window.location.pathname + window.location.search + window.location.hash;
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function close() {
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function fill(v) {
    input.value = v.q || "";
    selects.forEach(function (s) { s.value = v[s.name] || ""; });
    carried = {};
    ["themes", "partners"].forEach(function (k) {
      if (v[k]) carried[k] = { value: v[k], label: (v.labels && v.labels[k]) || v[k] };
    });
    drawCarried();
  }

  input.addEventListener("focus", open);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);  /* a query per pause in typing, not per key */
  });
  selects.forEach(function (s) { s.addEventListener("change", run); });
  root.querySelector("form").addEventListener("submit", function (e) {
    e.preventDefault();
    run();
  });
  more.addEventListener("click", function () { showMore(ticket); });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      close();
      input.blur();
    }
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        if (before === null) {
          before = window.location.pathname + window.location.search + window.location.hash;
        }
        if (document.activeElement !== input) input.focus();
        writeUrl(values());
      } else if (before !== null) {
        window.history.replaceState(null, "", before);
        before = null;
      }
    });
  }

  /* "Search within these", beside the initiative list's filters: the list's choices
     (the page's fixed ones too: a theme page's theme) carried into the search. */
  if (listForm) {
    var within = listForm.querySelector("[data-pf-search-within]");
    if (within) {
      within.hidden = false;
      within.addEventListener("click", function () {
        var v = { type: "initiative", labels: {} };
        Array.prototype.forEach.call(listForm.elements, function (f) {
          if (!f.name || !f.value || KEYS.indexOf(f.name) < 0) return;
          /* A field to type a partner's name in holds the partner's id apart. */
          var typed = f.hasAttribute("data-pf-choices");
          if (typed && !f.getAttribute("data-pf-value")) return;
          v[f.name] = typed ? f.getAttribute("data-pf-value") : f.value;
          if (f.tagName === "SELECT") v.labels[f.name] = f.options[f.selectedIndex].textContent;
          if (typed) v.labels[f.name] = f.value;
        });
        fill(v);
        open();
        input.focus();
        run();
      });
    }
  }

  root.hidden = false;
  var params = new URLSearchParams(window.location.search);
  if (params.has("search")) {
    var v = {};
    KEYS.forEach(function (k) { if (params.get(k)) v[k] = params.get(k); });
    fill(v);
    before = window.location.pathname + (function () {
      params.delete("search");
      var rest = params.toString();
      return rest ? "?" + rest : "";
    })() + window.location.hash;
    open();
    run();
  }
})();
