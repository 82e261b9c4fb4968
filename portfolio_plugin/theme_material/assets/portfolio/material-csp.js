/* Material for MkDocs runs three small inline scripts on every page: they define the
   storage helpers its bundle calls (__md_get, __md_set), restore the reader's colour
   palette, and restore the selected content tabs. Inline scripts need 'unsafe-inline' or
   per-page hashes in a Content-Security-Policy; this file does the same steps, so that
   `script-src 'self'` is enough. Each <script> tag says which step it runs (data-md-part),
   and runs where Material's inline script stood. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var part = script.getAttribute("data-md-part");

  if (part === "base") {
    /* Storage keys are scoped to the site's base URL, as in Material. */
    window.__md_scope = new URL(script.getAttribute("data-md-scope") || ".", location);
    window.__md_hash = function (value) {
      return Array.from(value).reduce(function (hash, ch) {
        return (hash << 5) - hash + ch.charCodeAt(0);
      }, 0);
    };
    window.__md_get = function (key, storage = localStorage, scope = window.__md_scope) {
      return JSON.parse(storage.getItem(scope.pathname + "." + key));
    };
    window.__md_set = function (key, value, storage = localStorage,
                                scope = window.__md_scope) {
      try {
        storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
      } catch (e) { /* storage full or disabled: the preference is not kept */ }
    };
    searchWhenWanted();
    return;
  }

  if (part === "palette") {
    var palette = window.__md_get("__palette");
    if (!palette || !palette.color) return;
    if (palette.color.media === "(prefers-color-scheme)") {
      var light = matchMedia("(prefers-color-scheme: light)").matches;
      var input = document.querySelector(light
        ? "[data-md-color-media='(prefers-color-scheme: light)']"
        : "[data-md-color-media='(prefers-color-scheme: dark)']");
      palette.color.media = input.getAttribute("data-md-color-media");
      palette.color.scheme = input.getAttribute("data-md-color-scheme");
      palette.color.primary = input.getAttribute("data-md-color-primary");
      palette.color.accent = input.getAttribute("data-md-color-accent");
    }
    Object.keys(palette.color).forEach(function (key) {
      document.body.setAttribute("data-md-color-" + key, palette.color[key]);
    });
    return;
  }

  if (part === "content") {
    if (script.hasAttribute("data-md-tabs-link")) {
      var tabs = window.__md_get("__tabs");
      if (Array.isArray(tabs)) {
        document.querySelectorAll(".tabbed-set").forEach(function (set) {
          var labels = set.querySelector(".tabbed-labels");
          if (!labels) return;
          for (var t = 0; t < tabs.length; t++) {
            var found = Array.prototype.find.call(labels.getElementsByTagName("label"),
              function (label) { return label.innerText.trim() === tabs[t]; });
            if (found) {
              document.getElementById(found.htmlFor).checked = true;
              return;
            }
          }
        });
      }
    }
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
  }

  /* Material's search downloads the site's whole search index as every page loads (the
     largest file of a page on a big portfolio). Its request is held back until the reader
     goes to search: focuses the search field, opens it (the magnifier, or Material's keys
     "/", "s", "f"), or arrives with a query in the address. Search then starts as before
     ("Initializing search" shows while the index arrives). Nothing else is held. */
  function searchWhenWanted() {
    if (!window.XMLHttpRequest) return;
    var proto = XMLHttpRequest.prototype;
    var open = proto.open;
    var send = proto.send;
    var held = [];
    var wanted = /[?&]q=/.test(location.search);
    proto.open = function (method, url) {
      this.__pfSearchIndex = /(^|\/)search\/search_index\.json$/.test(String(url).split(/[?#]/)[0]);
      return open.apply(this, arguments);
    };
    proto.send = function () {
      if (this.__pfSearchIndex && !wanted) { held.push([this, arguments]); return; }
      return send.apply(this, arguments);
    };
    function want() {
      if (wanted) return;
      wanted = true;
      held.splice(0).forEach(function (request) { send.apply(request[0], request[1]); });
    }
    document.addEventListener("focusin", function (e) {
      if (e.target && e.target.closest && e.target.closest(".md-search")) want();
    }, true);
    document.addEventListener("pointerdown", function (e) {
      if (e.target && e.target.closest && e.target.closest("[for=__search], .md-search")) want();
    }, true);
    document.addEventListener("keydown", function (e) {
      if (["/", "s", "S", "f", "F"].indexOf(e.key) >= 0) want();
    }, true);
    document.addEventListener("change", function (e) {
      if (e.target && e.target.id === "__search") want();
    }, true);
  }
})();
