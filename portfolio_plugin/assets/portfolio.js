/* Portfolio showcase: the one site script. Charts come as static pictures (SVG drawn when
   the site is built); plotly.js is loaded from this site only when the reader presses a
   chart's "Explore the chart" button, and then draws that chart interactively from its JSON
   data block. The script also runs the list filters. No inline script is needed, so a strict
   Content-Security-Policy works. */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  /* The site's root: this script is its assets/portfolio/portfolio.js. */
  var siteRoot = here ? new URL("../../", here).href : null;
  var plotlyPromise = null;

  /* Each page's hreflang links name that same page in each language (the plugin writes
     them). Material's script would look for a sitemap.xml beside each of them, to find the
     page it is on in the other language: not needed, and a failed request per language on
     every page. Taken out of its sight before it looks (it runs at DOMContentLoaded); the
     links stay in the page as written for search engines. */
  var alternates = document.querySelectorAll('link[rel="alternate"][hreflang]');
  for (var a = 0; a < alternates.length; a++) alternates[a].setAttribute("rel", "alternate pf-language");

  /* The copy of plotly.js the site names (the plugin's `plotly_js` option, relative to the
     site's root), else the one published beside this script. */
  function plotlyUrl(node) {
    if (!here) return null;
    var named = node.getAttribute("data-pf-plotly");
    try {
      return named ? new URL(named, siteRoot).href : new URL("plotly.min.js", here).href;
    } catch (e) { return null; }
  }

  function loadPlotly(url) {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyPromise) {
      plotlyPromise = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = url;
        s.async = true;
        s.onload = function () { window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly")); };
        s.onerror = function (e) { plotlyPromise = null; reject(e); };
        document.head.appendChild(s);
      });
    }
    return plotlyPromise;
  }

  /* Filter forms apply on every change, never submit, and show themselves: without the
     script they stay hidden and every row stays listed. Shared by both filter kinds. */
  function wireForm(form, apply) {
    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    form.hidden = false;
    apply(false);
  }

  function safeTarget(url) {
    /* Only links within this site: relative URLs or this origin. */
    return sameOrigin(url);
  }

  /* Draws one chart with plotly.js in place of its static picture and legend. */
  function drawChart(Plotly, node) {
    if (node.getAttribute("data-pf-drawn")) return Promise.resolve();
    return chartSpec(node).then(function (spec) {
      if (!spec) throw new Error("no figure for this chart");
      return drawSpec(Plotly, node, spec);
    });
  }

  /* JSON of this site (a checked address), or a rejection. */
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  /* A chart's figure: carried in its page, or (a large one) fetched from the site when the
     reader explores it (data-pf-chart-src). */
  function chartSpec(node) {
    var src = node.getAttribute("data-pf-chart-src");
    if (src) {
      var target = sameOrigin(src);
      if (!target) return Promise.resolve(null);
      return fetchJson(target);
    }
    var source = document.getElementById(node.getAttribute("data-pf-chart"));
    return Promise.resolve(source ? JSON.parse(source.textContent) : null);
  }

  function drawSpec(Plotly, node, spec) {
    if (node.getAttribute("data-pf-drawn")) return Promise.resolve();
    node.setAttribute("data-pf-drawn", "1");
    var layout = spec.layout;
    /* A chart may give layout changes for narrow screens (spec.narrow: phones). */
    if (spec.narrow && node.clientWidth < 600) layout = Object.assign({}, layout, spec.narrow);
    while (node.firstChild) node.removeChild(node.firstChild);
    var figure = node.closest("figure");
    var legend = figure && figure.querySelector(".pf-legend");
    if (legend) legend.hidden = true;
    /* The interactive chart is for the eyes; the data table stays the text alternative. */
    node.setAttribute("aria-hidden", "true");
    return Plotly.newPlot(node, spec.data, layout, spec.config).then(function () {
      node.on("plotly_click", function (event) {
        var point = event && event.points && event.points[0];
        var data = point && point.customdata;
        var url = Array.isArray(data) ? data[0] : data;
        if (typeof url === "string") {
          var target = safeTarget(url);
          if (target) window.location.href = target;
        }
      });
    });
  }

  /* Each chart's "Explore the chart" button (hidden without this script) loads plotly.js
     once and swaps the picture for the interactive chart. */
  function setupCharts(root) {
    (root || document).querySelectorAll("[data-pf-explore]").forEach(function (button) {
      var figure = button.closest("figure");
      var node = figure && figure.querySelector("[data-pf-chart]");
      var url = node && plotlyUrl(node);
      if (!url) return;
      var status = button.parentNode.querySelector("[role=status]");
      button.parentNode.hidden = false;
      button.addEventListener("click", function () {
        button.disabled = true;
        if (status) status.textContent = button.getAttribute("data-pf-loading");
        loadPlotly(url).then(function (Plotly) {
          return drawChart(Plotly, node);
        }).then(function () {
          button.parentNode.hidden = true;
          node.setAttribute("tabindex", "-1");
          node.focus({ preventScroll: true });
        }).catch(function () {
          button.disabled = false;
          if (status) status.textContent = button.getAttribute("data-pf-failed");
        });
      });
    });
    setupMarks(root);
  }

  /* Marks of a picture that open a page (the facet map's initiatives): a mouse shows their
     name as a tool tip and a click opens the page; on a touch screen the first tap shows the
     name and a link, the second tap on the mark opens it. Keyboard: Tab and Enter. */
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; }, true);

  function setupMarks(root) {
    (root || document).querySelectorAll("[data-pf-open]").forEach(function (node) {
      var tip = null;
      var armed = null;
      function hide() {
        if (tip) tip.hidden = true;
        armed = null;
      }
      node.addEventListener("click", function (e) {
        var mark = e.target.closest && e.target.closest(".pf-marks a");
        if (!mark || lastPointer !== "touch" || mark === armed) return;
        e.preventDefault();
        var title = mark.querySelector("title");
        var href = mark.getAttribute("href");
        if (!tip) {
          tip = el("div", { "class": "pf-tip", role: "status" });
          node.appendChild(tip);
        }
        while (tip.firstChild) tip.removeChild(tip.firstChild);
        tip.appendChild(el("p", {}, title ? title.textContent : ""));
        var target = sameOrigin(href);
        if (target) tip.appendChild(el("a", { href: target }, node.getAttribute("data-pf-open")));
        tip.hidden = false;
        var box = node.getBoundingClientRect();
        var at = mark.getBoundingClientRect();
        var left = Math.max(0, Math.min(at.left - box.left - 40, box.width - 220));
        tip.style.left = left + "px";
        tip.style.top = (at.bottom - box.top + 6) + "px";
        armed = mark;
      });
      document.addEventListener("click", function (e) {
        if (armed && !node.contains(e.target)) hide();
      });
      document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
    });
  }

  /* Filters: a form [data-pf-filter="<list id>"] whose fields name data attributes of the
     list's items ([data-pf-item]); "q" searches the item's text. The state is kept in the
     URL query, so a filtered view can be shared. */
  function setupFilters() {
    document.querySelectorAll("form[data-pf-filter]").forEach(function (form) {
      var list = document.getElementById(form.getAttribute("data-pf-filter"));
      if (!list) return;
      var status = form.querySelector("[data-pf-count]");
      var params = new URLSearchParams(window.location.search);
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || !params.has(field.name)) return;
        var wanted = params.get(field.name);
        field.value = wanted;
        if (field.value !== wanted && field.hasAttribute("data-pf-any") && wanted) {
          // A partner without a story on this page: offered, so that the filter applies (and
          // finds nothing) rather than being lost. A kind or facet not offered is no kind.
          var text = field.getAttribute("data-pf-any").replace("{value}", wanted);
          field.appendChild(new Option(text, wanted));
          field.value = wanted;
        }
      });
      function apply(updateUrl) {
        var values = {};
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name && field.value) values[field.name] = field.value;
        });
        var shown = 0;
        var items = list.querySelectorAll("[data-pf-item]");
        items.forEach(function (item) {
          var ok = true;
          Object.keys(values).forEach(function (name) {
            var wanted = values[name].toLowerCase();
            if (name === "q") {
              if (item.textContent.toLowerCase().indexOf(wanted) < 0) ok = false;
            } else {
              var have = (item.getAttribute("data-" + name) || "").toLowerCase().split(" ");
              if (have.indexOf(wanted) < 0) ok = false;
            }
          });
          item.hidden = !ok;
          if (ok) shown += 1;
        });
        list.querySelectorAll("[data-pf-group]").forEach(function (group) {
          group.hidden = !group.querySelector("[data-pf-item]:not([hidden])");
        });
        if (status) status.textContent = status.getAttribute("data-pf-count")
          .replace("{shown}", shown).replace("{total}", items.length);
        if (updateUrl) {
          var query = new URLSearchParams(values).toString();
          var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
          window.history.replaceState(null, "", url);
        }
        carryFilter(values);
        form.dispatchEvent(new CustomEvent("pf-filtered", { detail: values }));
      }
      wireForm(form, apply);
    });
  }

  /* The timeline's filter beyond the stories on the page: links marked [data-pf-carry] (to
     the next and previous year, the pages of a year, the timeline) lead to their page
     filtered the same way, and so do the years' links ([data-pf-counts]: each year's stories
     by "<kind> <facet>"), which also say how many of the year's stories match the kind and
     facet chosen, and are left out where none do. With a partner chosen, they say what they
     said (the counts are not by partner). */
  var COUNTED = ["kind", "facet"];

  function carryFilter(values) {
    var chosen = {};
    COUNTED.forEach(function (name) { if (values[name]) chosen[name] = values[name]; });
    var other = Object.keys(values).some(function (name) { return COUNTED.indexOf(name) < 0; });
    var query = new URLSearchParams(values).toString();
    var narrowed = !other && Boolean(chosen.kind || chosen.facet);
    document.querySelectorAll("[data-pf-filtered]").forEach(function (intro) {
      say(intro, narrowed ? intro.getAttribute("data-pf-filtered") : null);
    });
    var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
    document.querySelectorAll("[data-pf-counts], a[data-pf-carry]").forEach(function (node) {
      var link = node.tagName === "A" ? node : node.querySelector("a");
      link.setAttribute("href", first(link, "href") + (query ? "?" + query : ""));
      if (link === node) return;
      var matching = matchingStories(node.getAttribute("data-pf-counts"), chosen);
      say(node.querySelector(".pf-muted"), narrowed ? "(" + format.format(matching) + ")" : null);
      if (narrowed) {
        link.setAttribute("aria-label", link.getAttribute("data-pf-label").replace("{count}", format.format(matching)));
      } else {
        link.removeAttribute("aria-label");
      }
      node.hidden = narrowed && matching === 0;
    });
    // A year cut into pages: how many of all its stories match, beside the page's own.
    document.querySelectorAll("[data-pf-year-counts]").forEach(function (node) {
      var matching = matchingStories(node.getAttribute("data-pf-year-counts"), chosen);
      node.textContent = node.getAttribute("data-pf-matching").replace("{count}", format.format(matching));
      node.hidden = !narrowed;
    });
  }

  /* What a node's attribute (or, for "text", its text) was before the filter changed it:
     kept aside the first time. */
  function first(node, name) {
    var kept = "data-pf-was-" + name;
    if (!node.hasAttribute(kept)) {
      node.setAttribute(kept, name === "text" ? node.textContent : node.getAttribute(name));
    }
    return node.getAttribute(kept);
  }

  /* A node says `text`, or (null) what it said at first. */
  function say(node, text) {
    var was = first(node, "text");
    node.textContent = text === null ? was : text;
  }

  /* How many stories match the kind and facet chosen, of counts by "<kind> <facet>". */
  function matchingStories(written, chosen) {
    var counts = JSON.parse(written);
    var matching = 0;
    Object.keys(counts).forEach(function (key) {
      var kind = key.split(" ")[0], facet = key.split(" ")[1];
      if ((!chosen.kind || chosen.kind === kind) && (!chosen.facet || chosen.facet === facet)) {
        matching += counts[key];
      }
    });
    return matching;
  }

  /* A link to a part of a page folded in a disclosure (one of the ecosystem page's other
     shared assets, from an initiative's page) opens the disclosure, so the reader lands on
     it (browsers that do so themselves find it open already). */
  function revealTarget() {
    var id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    var target = id ? document.getElementById(id) : null;
    var opened = false;
    for (var d = target && target.closest("details"); d;
         d = d.parentElement ? d.parentElement.closest("details") : null) {
      if (!d.open) { d.open = true; opened = true; }
    }
    if (opened) target.scrollIntoView();
  }

  function start() {
    revealTarget();
    window.addEventListener("hashchange", revealTarget);
    setupFilters();
    document.querySelectorAll("form[data-pf-index]").forEach(setupListing);
    setupCharts(document);
  }

/* ---- Initiative listings (index, facet, zone and theme pages): filters across all pages ----
   A form [data-pf-index="<table id>"] filters the table's rows ([data-pf-item]) by its
   selects, matched against the rows' space-separated data-<name> attributes, and by "q", the
   words of a row's text. Fields marked data-pf-fixed always apply (a facet page's facet) and
   stay out of the URL. When the list is cut into pages (data-pf-pages > 1), the rows of every
   page are read once from the JSON index at data-pf-source (this site only) and drawn with
   the same cells as the page's own rows. The choice is kept in the URL query, so a filtered
   view can be shared. Rows are built with DOM calls and textContent only. */
  var LIMIT = 1000;

  function sameOrigin(url, base) {
    try {
      var u = new URL(url, base || document.baseURI);
      return u.origin === window.location.origin ? u.href : null;
    } catch (e) { return null; }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function badge(kind, value, symbol, text) {
    var span = el("span", { "class": "pf-badge pf-" + kind + " pf-" + kind + "-" + value });
    if (symbol) {
      span.appendChild(el("span", { "class": "pf-shape", "aria-hidden": "true" }, symbol));
      span.appendChild(document.createTextNode(" "));
    }
    span.appendChild(document.createTextNode(text));
    return span;
  }

  function cell(tag, child, attrs) {
    var node = el(tag, attrs);
    if (typeof child === "string") node.textContent = child;
    else node.appendChild(child);
    return node;
  }

  /* A row of the index as ids: the slug in its page's address, every other id by its
     place in data.codes (partners for the steward too; -1: none). */
  function decode(data, row) {
    var c = {};
    var codes = data.codes;
    function ids(name, places) {
      return places.map(function (n) { return codes[name][n]; }).join(" ");
    }
    data.columns.forEach(function (name, i) { c[name] = row[i]; });
    c.url = data.url[0] + c.url + data.url[1];
    c.facet = codes.facet[c.facet];
    c.zone = codes.zone[c.zone];
    c.status = codes.status[c.status];
    c.steward = c.steward >= 0 ? codes.partners[c.steward] : "";
    c.partners = ids("partners", c.partners);
    c.themes = ids("themes", c.themes);
    c.mandates = ids("mandates", c.mandates);
    c.objectives = ids("objectives", c.objectives);
    return c;
  }

  function buildRow(data, row, base) {
    var c = decode(data, row);
    var tr = el("tr", { "data-pf-item": "", "data-facet": c.facet, "data-zone": c.zone,
                        "data-status": c.status, "data-partners": c.partners,
                        "data-themes": c.themes, "data-mandates": c.mandates || "",
                        "data-objectives": c.objectives || "" });
    var href = sameOrigin(c.url, base);
    tr.appendChild(cell("th", el("a", href ? { href: href } : {}, c.title), { scope: "row" }));
    var facet = data.labels.facet[c.facet] || ["", c.facet];
    tr.appendChild(cell("td", badge("facet", c.facet, facet[0], facet[1])));
    var zone = data.labels.zone[c.zone] || ["", c.zone];
    tr.appendChild(cell("td", badge("zone", c.zone, zone[0], zone[1])));
    tr.appendChild(cell("td", badge("status", c.status, "", data.labels.status[c.status] || c.status)));
    var steward = c.steward ? (data.partners[c.steward] || [c.steward, ""]) : null;
    var link = steward && steward[1] ? sameOrigin(steward[1], base) : null;
    tr.appendChild(cell("td", steward ? (link ? el("a", { href: link }, steward[0]) : steward[0]) : "–"));
    tr.appendChild(cell("td", c.funding, { "class": "pf-num" }));
    return tr;
  }

  function matches(row, values) {
    return Object.keys(values).every(function (name) {
      var wanted = String(values[name]).toLowerCase();
      if (name === "q") {
        var text = row.textContent.toLowerCase();
        return wanted.split(/\s+/).filter(Boolean).every(function (w) { return text.indexOf(w) >= 0; });
      }
      return (row.getAttribute("data-" + name) || "").toLowerCase().split(" ").indexOf(wanted) >= 0;
    });
  }

  function setupListing(form) {
    var table = document.getElementById(form.getAttribute("data-pf-index"));
    if (!table || !table.tBodies.length) return;
    var body = table.tBodies[0];
    var own = Array.prototype.slice.call(body.querySelectorAll("tr[data-pf-item]"));
    var paged = parseInt(form.getAttribute("data-pf-pages") || "1", 10) > 1;
    var status = form.querySelector("[data-pf-count]");
    var pagers = document.querySelectorAll("[data-pf-pager]");
    var fields = Array.prototype.filter.call(form.elements, function (f) {
      return f.name && !f.hasAttribute("data-pf-fixed");
    });
    var fixed = {};
    form.querySelectorAll("[data-pf-fixed]").forEach(function (f) { fixed[f.name] = f.value; });
    var everything = null;
    var failed = false;
    var loading = null;
    var ticket = 0;

    /* A field to type a name in ([data-pf-choices]: thousands of partners) suggests the
       names of the file of that name beside the index, fetched when the reader first goes to
       the field; its value is the id of the name typed (kept in data-pf-value), and a name
       not (yet) known chooses nothing. */
    var choices = {};
    var pending = {};
    function loadChoices(f) {
      if (pending[f.name]) return pending[f.name];
      var base = sameOrigin(form.getAttribute("data-pf-source") || "");
      var url = base && sameOrigin(f.getAttribute("data-pf-choices"), base);
      pending[f.name] = (url && window.fetch ? fetchJson(url) :
        Promise.reject(new Error("no choices"))).then(function (pairs) {
        var known = { byText: {}, byName: {}, byId: {} };
        var fragment = document.createDocumentFragment();
        pairs.forEach(function (pair) {
          if (pair[2] === 0) return;  /* a partner of no initiative */
          known.byText[pair[1]] = pair[0];
          known.byName[String(pair[1]).toLowerCase()] = pair[0];
          known.byId[pair[0]] = pair[1];
          fragment.appendChild(el("option", { value: pair[1] }));
        });
        var list = document.getElementById(f.getAttribute("list"));
        if (list) list.appendChild(fragment);
        choices[f.name] = known;
      }).catch(function () {
        choices[f.name] = null;
        delete pending[f.name];  /* asked for again on the next try */
      });
      return pending[f.name] || Promise.resolve();
    }

    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (f) {
      if (!params.has(f.name)) return;
      f.value = params.get(f.name);
      if (!f.hasAttribute("data-pf-choices")) return;
      /* The URL holds the id: shown as its name once the names are read. */
      loadChoices(f).then(function () {
        var known = choices[f.name];
        if (known && known.byId[f.value]) f.value = known.byId[f.value];
      });
    });
    fields.forEach(function (f) {
      if (f.hasAttribute("data-pf-choices")) {
        f.addEventListener("focus", function () { loadChoices(f); });
      }
    });

    function chosen() {
      var values = {};
      fields.forEach(function (f) {
        if (!f.value) return;
        if (!f.hasAttribute("data-pf-choices")) {
          values[f.name] = f.value;
          return;
        }
        var known = choices[f.name];
        var typed = f.value.trim();
        var id = known ? (known.byText[typed] || known.byName[typed.toLowerCase()] ||
                          (known.byId[typed] ? typed : "")) : typed;
        f.setAttribute("data-pf-value", id);
        if (id) values[f.name] = id;
      });
      return values;
    }

    function load() {
      if (!paged || everything || failed) return Promise.resolve();
      if (loading) return loading;
      var url = sameOrigin(form.getAttribute("data-pf-source") || "");
      if (!url || !window.fetch) { failed = true; return Promise.resolve(); }
      status.textContent = status.getAttribute("data-pf-loading");
      loading = fetchJson(url).then(function (data) {
        everything = data.rows.map(function (row) { return buildRow(data, row, url); })
          .filter(function (row) { return matches(row, fixed); });
      }).catch(function () { failed = true; });
      return loading;
    }

    function show(rows) {
      while (body.firstChild) body.removeChild(body.firstChild);
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) { fragment.appendChild(row); });
      body.appendChild(fragment);
    }

    function apply(updateUrl) {
      var mine = ++ticket;
      /* A name typed is read once the names are. */
      Promise.all(fields.filter(function (f) {
        return f.value && f.hasAttribute("data-pf-choices") && !(f.name in choices);
      }).map(loadChoices)).then(function () {
        if (mine === ticket) filter(updateUrl, mine);
      });
    }

    function filter(updateUrl, mine) {
      var values = chosen();
      var active = Object.keys(values).length > 0;
      if (updateUrl) {
        var query = new URLSearchParams(values).toString();
        window.history.replaceState(null, "", window.location.pathname +
          (query ? "?" + query : "") + window.location.hash);
      }
      (active ? load() : Promise.resolve()).then(function () {
        if (mine !== ticket) return;
        var pool = active && everything ? everything : own;
        var found = active ? pool.filter(function (row) { return matches(row, values); }) : pool;
        show(found.slice(0, LIMIT));
        pagers.forEach(function (p) { p.hidden = active && everything !== null; });
        var text = "";
        if (active) {
          var key = found.length > LIMIT ? "data-pf-capped" : "data-pf-count";
          text = status.getAttribute(key).replace("{shown}", String(Math.min(found.length, LIMIT)))
            .replace("{total}", String(found.length > LIMIT ? found.length : pool.length));
          if (failed && paged) text += " " + status.getAttribute("data-pf-failed");
        }
        status.textContent = text;
        form.dispatchEvent(new CustomEvent("pf-filtered", { detail: values }));
      });
    }

    wireForm(form, apply);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
