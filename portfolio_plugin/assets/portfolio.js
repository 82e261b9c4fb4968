/* Portfolio showcase: the one site script. It draws the charts from their JSON data blocks
   (loading plotly.js from this site only when a page has a chart) and runs the list filters.
   No inline script is needed, so a strict Content-Security-Policy works. */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var plotlyUrl = here ? new URL("plotly.min.js", here).href : null;
  var plotlyPromise = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyPromise) {
      plotlyPromise = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = plotlyUrl;
        s.async = true;
        s.onload = function () { resolve(window.Plotly); };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return plotlyPromise;
  }

  function safeTarget(url) {
    /* Only links within this site: relative URLs or this origin. */
    try {
      var u = new URL(url, document.baseURI);
      return u.origin === window.location.origin ? u.href : null;
    } catch (e) { return null; }
  }

  function drawCharts(root) {
    var nodes = (root || document).querySelectorAll("[data-pf-chart]");
    if (!nodes.length || !plotlyUrl) return;
    loadPlotly().then(function (Plotly) {
      nodes.forEach(function (node) {
        if (node.getAttribute("data-pf-drawn")) return;
        var source = document.getElementById(node.getAttribute("data-pf-chart"));
        if (!source) return;
        var spec = JSON.parse(source.textContent);
        node.setAttribute("data-pf-drawn", "1");
        node.style.minHeight = "";
        Plotly.newPlot(node, spec.data, spec.layout, spec.config).then(function () {
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
      });
    }).catch(function () { /* the data tables stay as the alternative */ });
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
        if (field.name && params.has(field.name)) field.value = params.get(field.name);
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
        form.dispatchEvent(new CustomEvent("pf-filtered", { detail: values }));
      }
      form.addEventListener("input", function () { apply(true); });
      form.addEventListener("change", function () { apply(true); });
      form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
      form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
      form.hidden = false;
      apply(false);
    });
  }

  function start() {
    setupFilters();
    drawCharts(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
