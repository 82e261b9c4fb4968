/* Portfolio showcase: the "Propose an initiative" form (render/propose.py).
   Checks each field as the reader types, with the validator's messages in the page's
   language; checks the whole front-matter against the initiative's JSON Schema (the one
   `portfolio schema` prints, given in the page's JSON block); writes the Markdown page, to
   download or to open on the repository's host. Nothing is sent anywhere; no inline script,
   no eval: a strict Content-Security-Policy works. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-pf-propose]");
  if (!form) return;
  var data = JSON.parse(document.getElementById(form.getAttribute("data-pf-propose")).textContent);
  var words = data.words;
  var props = data.schema.properties;
  var NOT_TEXT = new RegExp("[" + data.not_text + "]", "u");
  var BIDI = new RegExp("[" + data.bidi + "]", "u");
  var DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var touched = {};
  var slugEdited = false;
  var result = document.getElementById("pf-propose-result");
  var summary = document.getElementById("pf-propose-errors");
  var text = "";
  if (!data.taken) data.taken = [];

  /* --- At national scale: files read when the reader begins --------------------------
     The names taken (data.taken_src) and the partners' names (data.choices_src: [id, name,
     ...]) are not in the page; they are read on the first focus in the form. Until the
     names taken are read, a slug is not said to be taken; the page is made once they are. */
  var known = null;  /* {byName: {lower-case name: id}, byId: {id: name}} */
  var reading = null;
  function sameOrigin(url) {
    try {
      var u = new URL(url, document.baseURI);
      return u.origin === window.location.origin ? u.href : null;
    } catch (e) { return null; }
  }
  function readJson(src) {
    var url = src && sameOrigin(src);
    if (!url || !window.fetch) return Promise.resolve(null);
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).catch(function () { return null; });
  }
  function readFiles() {
    if (reading) return reading;
    reading = Promise.all([readJson(data.taken_src), readJson(data.choices_src)]).then(function (both) {
      /* A file that could not be read is asked for again on the next try. */
      if ((data.taken_src && !Array.isArray(both[0])) ||
          (data.choices_src && !Array.isArray(both[1]))) reading = null;
      if (Array.isArray(both[0])) data.taken = both[0];
      if (Array.isArray(both[1])) {
        known = { byText: {}, byName: {}, byId: {} };
        both[1].forEach(function (entry) {
          known.byText[entry[1]] = entry[0];
          known.byName[String(entry[1]).toLowerCase()] = entry[0];
          known.byId[entry[0]] = entry[1];
        });
        form.querySelectorAll("[data-pf-typed] datalist").forEach(function (list) {
          var fragment = document.createDocumentFragment();
          both[1].forEach(function (entry) {
            var option = document.createElement("option");
            option.value = entry[1];
            fragment.appendChild(option);
          });
          list.appendChild(fragment);
        });
      }
      recheck("slug");
    });
    return reading;
  }
  if (data.taken_src || data.choices_src) form.addEventListener("focusin", readFiles);

  /* The id of a partner typed by name (or by id), or null: the name as written, else in
     any letter case. */
  function partnerId(typed) {
    var v = typed.trim();
    if (!known || !v) return null;
    return known.byText[v] || known.byName[v.toLowerCase()] || (known.byId[v] ? v : null);
  }

  function addPartner(field) {
    var box = field.querySelector("input[type=search]");
    var id = partnerId(box.value);
    var name = field.getAttribute("data-pf-field");
    if (!id) {
      if (!box.value.trim()) return false;
      touched[name] = true;
      show(name, check(name));
      return false;
    }
    var taken = Array.prototype.some.call(field.querySelectorAll("input[type=hidden]"),
      function (input) { return input.value === id; });
    if (!taken) {
      var item = document.createElement("li");
      item.appendChild(document.createTextNode(known.byId[id] + " "));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "pf-remove";
      remove.setAttribute("aria-label", say("remove", { name: known.byId[id] }));
      remove.textContent = "×";
      remove.addEventListener("click", function () {
        item.remove();
        box.focus();
        recheck(name);
        result.hidden = true;
      });
      item.appendChild(remove);
      var kept = document.createElement("input");
      kept.type = "hidden";
      kept.name = name;
      kept.value = id;
      item.appendChild(kept);
      field.querySelector("[data-pf-chosen]").appendChild(item);
    }
    box.value = "";
    show(name, null);
    result.hidden = true;
    return true;
  }

  form.querySelectorAll("[data-pf-typed]").forEach(function (field) {
    var add = field.querySelector("[data-pf-add]");
    if (!add) return;
    add.addEventListener("click", function () { readFiles().then(function () { addPartner(field); }); });
    field.querySelector("input[type=search]").addEventListener("keydown", function (e) {
      if (e.key !== "Enter") return;
      e.preventDefault();  /* Enter adds the partner here; it does not make the page */
      readFiles().then(function () { addPartner(field); });
    });
  });

  function say(key, values) {
    return (words[key] || key).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function length(value) { return Array.from(value).length; }

  /* A found value as the validator shows it (Python's repr of a text, cut at 40 characters). */
  function repr(value) {
    var chars = Array.from(value);
    var shown = chars.length <= 40 ? value : chars.slice(0, 37).join("") + "...";
    shown = shown.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
    if (shown.indexOf("'") >= 0 && shown.indexOf('"') < 0) return '"' + shown + '"';
    return "'" + shown.replace(/'/g, "\\'") + "'";
  }

  function problem(key, expected, found) {
    return say("check.problem", { message: key, expected: expected, found: found });
  }

  function matches(pattern, value) {
    try { return new RegExp(pattern, "u").test(value); } catch (e) { return true; }
  }

  /* --- The whole schema: the subset of JSON Schema the published schemas use ------------ */
  function isType(value, type) {
    if (type === "null") return value === null;
    if (type === "array") return Array.isArray(value);
    if (type === "object") return value !== null && typeof value === "object" && !Array.isArray(value);
    if (type === "integer") return typeof value === "number" && Math.floor(value) === value;
    return typeof value === type;
  }

  function conforms(value, s) {
    if (!s || typeof s !== "object") return true;
    if (s.anyOf && !s.anyOf.some(function (b) { return conforms(value, b); })) return false;
    if (s.enum && s.enum.indexOf(value) < 0) return false;
    if (s.type && ![].concat(s.type).some(function (t) { return isType(value, t); })) return false;
    if (typeof value === "string") {
      if (s.minLength !== undefined && length(value) < s.minLength) return false;
      if (s.maxLength !== undefined && length(value) > s.maxLength) return false;
      if (s.pattern && !matches(s.pattern, value)) return false;
    }
    if (typeof value === "number") {
      if (s.minimum !== undefined && value < s.minimum) return false;
      if (s.maximum !== undefined && value > s.maximum) return false;
      if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return false;
      if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) return false;
    }
    if (Array.isArray(value) && s.items && !value.every(function (v) { return conforms(v, s.items); })) return false;
    if (isType(value, "object")) {
      var keys = Object.keys(value);
      if ((s.required || []).some(function (k) { return keys.indexOf(k) < 0; })) return false;
      if (s.minProperties !== undefined && keys.length < s.minProperties) return false;
      return keys.every(function (k) {
        if (s.propertyNames && !conforms(k, s.propertyNames)) return false;
        if (s.properties && Object.prototype.hasOwnProperty.call(s.properties, k)) return conforms(value[k], s.properties[k]);
        if (s.additionalProperties === false) return false;
        return typeof s.additionalProperties === "object" ? conforms(value[k], s.additionalProperties) : true;
      });
    }
    return true;
  }

  /* The top-level fields of a front-matter that the schema refuses. */
  function refused(doc) {
    var schema = data.schema;
    var bad = (schema.required || []).filter(function (k) { return !(k in doc); });
    Object.keys(doc).forEach(function (k) {
      if (!(k in props) ? schema.additionalProperties === false : !conforms(doc[k], props[k])) bad.push(k);
    });
    return bad;
  }

  /* --- Reading the form --------------------------------------------------------------- */
  function control(name) { return form.elements.namedItem(name); }

  function value(name) {
    var box = control(name);
    return box && typeof box.value === "string" ? box.value : "";
  }

  function checked(name) {
    /* (the partners added by name are hidden values) */
    return Array.prototype.filter.call(form.querySelectorAll("input[name='" + name + "']"),
      function (input) { return input.checked || input.type === "hidden"; })
      .map(function (input) { return input.value; });
  }

  function typed(name) { return fieldOf(name).hasAttribute("data-pf-typed"); }

  function dateKey(match) {
    return [+match[1], +(match[2] || 1), +(match[3] || 1)];
  }

  function before(a, b) {
    for (var i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
  }

  /* Plain text of a translated text's schema: the branch that is not a mapping. */
  function plain(prop) {
    return (prop.anyOf || [prop]).filter(function (b) { return [].concat(b.type).indexOf("string") >= 0; })[0] || {};
  }

  function checkText(name, raw, required) {
    var bad = raw.match(NOT_TEXT);
    if (bad) {
      var found = say("check.character", { code: bad[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0"),
                                           index: length(raw.slice(0, bad.index)) + 1 });
      return BIDI.test(bad[0]) ? problem(say("check.bidi"), say("check.bidi.expected"), found)
        : problem(say("check.control"), say("check.control.expected"), found);
    }
    var v = raw.trim();
    if (!v) return required ? problem(say("check.required"), say("check.text"), say("check.nothing")) : null;
    var rule = plain(props[name] || {});
    if (rule.maxLength !== undefined && length(v) > rule.maxLength) {
      var count = length(v);
      return problem(say("check.too_long", { count: count }), say("check.too_long.expected", { max: rule.maxLength }),
                     say("check.too_long.found", { count: count }));
    }
    return null;
  }

  function checkDate(name) {
    var v = value(name).trim();
    if (!v) return null;
    var m = DATE.exec(v);
    if (!m) return problem(say("check.not_date"), say("check.not_date.expected"), repr(v));
    var year = +m[1];
    if (year < data.years[0] || year > data.years[1]) {
      return problem(say("check.out_of_range"), say("check.out_of_range.expected", { low: data.years[0], high: data.years[1] }), repr(v));
    }
    var key = dateKey(m);
    var day = new Date(Date.UTC(key[0], key[1] - 1, key[2]));
    if (key[1] < 1 || key[1] > 12 || day.getUTCDate() !== key[2]) {
      return problem(say("check.calendar"), say("check.calendar.expected"), repr(v));
    }
    if (name === "end") {
      var start = DATE.exec(value("start").trim());
      if (start && !checkDate("start") && before(key, dateKey(start))) {
        return problem(say("check.before_start"), say("check.before_start.expected", { start: start[0] }), v);
      }
    }
    return null;
  }

  function checkSlug() {
    var v = value("slug").trim();
    if (!SLUG.test(v)) return problem(say("check.slug"), say("check.slug.expected"), repr(v + ".md"));
    if (data.taken.indexOf(v) >= 0) {
      return problem(say("check.slug_taken", { slug: repr(v), path: data.source + "/" + v + ".md" }),
                     say("check.slug_taken.expected"), repr(v));
    }
    return null;
  }

  function choices(name) {
    var s = props[name] || {};
    return (s.enum || []).filter(function (v) { return v !== null; }).join(", ");
  }

  /* A partner typed by name: one the site knows (for several, the name not yet added).
     Where the names could not be read, a name typed cannot be written: that is said. */
  function checkTyped(name) {
    var box = fieldOf(name).querySelector("input[type=search]");
    var v = box.value.trim();
    if (!v || partnerId(v)) return null;
    if (!known) return say("names_failed");
    return problem(say("check.unknown_partner", { name: repr(v) }),
                   say("check.unknown_partner.expected"), repr(v));
  }

  /* The message of one field, or null: the validator's checks, in its order. */
  function check(name) {
    if (name === "slug") return checkSlug();
    if (typed(name)) return checkTyped(name);
    var kind = fieldOf(name).getAttribute("data-pf-control");
    var required = data.required.indexOf(name) >= 0;
    if (kind === "text" || kind === "textarea") return checkText(name, value(name), required);
    if (kind === "body") return checkText(name, value(name), false);
    if (kind === "date") return checkDate(name);
    if (kind === "radio" && required && !checked(name).length) {
      return problem(say("check.required"), say("check.one_of", { values: choices(name) }), say("check.nothing"));
    }
    return null;
  }

  /* --- Showing messages --------------------------------------------------------------- */
  function fieldOf(name) { return form.querySelector("[data-pf-field='" + name + "']"); }

  function inputs(name) {
    return Array.prototype.slice.call(fieldOf(name).querySelectorAll("input, select, textarea"));
  }

  function labelOf(name) {
    var node = fieldOf(name).querySelector("legend, label").cloneNode(true);
    Array.prototype.forEach.call(node.querySelectorAll("span"), function (s) { s.remove(); });
    return node.textContent.trim();
  }

  function show(name, message) {
    var box = form.querySelector("[data-pf-message='" + name + "']");
    box.textContent = message || "";
    inputs(name).forEach(function (input) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
    return message;
  }

  function names() {
    return Array.prototype.map.call(form.querySelectorAll("[data-pf-field]"),
      function (node) { return node.getAttribute("data-pf-field"); });
  }

  function nameOf(target) {
    var field = target.closest && target.closest("[data-pf-field]");
    return field ? field.getAttribute("data-pf-field") : null;
  }

  /* --- The page ----------------------------------------------------------------------- */
  function slugify(title) {
    return title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/ø/g, "o").replace(/æ/g, "ae").replace(/ß/g, "ss")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  }

  function frontMatter() {
    var doc = {};
    data.fields.forEach(function (name) {
      var kind = fieldOf(name).getAttribute("data-pf-control");
      if (kind === "checkboxes") {
        var list = checked(name);
        if (list.length) doc[name] = list;
      } else if (kind === "radio") {
        if (checked(name).length) doc[name] = checked(name)[0];
      } else if (typed(name)) {
        var id = partnerId(value(name));
        if (id) doc[name] = id;
      } else {
        var v = value(name).trim();
        if (!v) return;
        /* Text a person reads is given in the page's language ({sv: ...}). */
        doc[name] = kind === "text" || kind === "textarea" ? {} : v;
        if (typeof doc[name] === "object") doc[name][data.language] = v;
      }
    });
    return doc;
  }

  /* YAML that any YAML reader reads as written: every text a JSON string (quoted, escaped;
     the line and paragraph separators too, which some editors show as line breaks). */
  function quote(v) {
    return JSON.stringify(v).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  }

  function markdown(doc) {
    var lines = ["---"];
    Object.keys(doc).forEach(function (key) {
      var v = doc[key];
      if (Array.isArray(v)) {
        lines.push(key + ":");
        v.forEach(function (item) { lines.push("  - " + quote(item)); });
      } else if (typeof v === "object") {
        lines.push(key + ":");
        Object.keys(v).forEach(function (k) { lines.push("  " + k + ": " + quote(v[k])); });
      } else {
        lines.push(key + ": " + quote(v));
      }
    });
    var body = value("body").replace(/\r\n?/g, "\n").trim();
    return lines.concat(["---", ""]).concat(body ? [body, ""] : []).join("\n");
  }

  function fileName() { return value("slug").trim() + ".md"; }

  /* The host's new-file page in the initiatives' folder (the address its own "Add file"
     button opens), with the file's name and text filled in. */
  function newFileUrl() {
    var folder = data.repo.folder.split("/").filter(Boolean).map(encodeURIComponent).join("/");
    return data.repo.url + (folder ? "/" + folder : "") + "?filename=" + encodeURIComponent(fileName()) +
      "&value=" + encodeURIComponent(text);
  }

  function summarise(problems) {
    var list = summary.querySelector("ul");
    while (list.firstChild) list.removeChild(list.firstChild);
    problems.forEach(function (p) {
      /* (not a partner added by name: a hidden value) */
      var first = inputs(p[0]).filter(function (input) { return input.type !== "hidden"; })[0];
      var a = document.createElement("a");
      a.href = "#" + first.id;
      a.textContent = labelOf(p[0]) + ": " + p[1];
      a.addEventListener("click", function (e) { e.preventDefault(); first.focus(); });
      var item = document.createElement("li");
      item.appendChild(a);
      list.appendChild(item);
    });
    document.getElementById("pf-propose-errors-title").textContent = problems.length === 1
      ? say("errors_one") : say("errors_many", { count: problems.length });
    summary.hidden = !problems.length;
  }

  function make(event) {
    event.preventDefault();
    if (data.taken_src || data.choices_src) {
      /* The files read first; a partner typed but not added is added. */
      readFiles().then(function () {
        form.querySelectorAll("[data-pf-typed]").forEach(function (field) {
          var box = field.querySelector("input[type=search]");
          if (field.querySelector("[data-pf-add]") && partnerId(box.value)) addPartner(field);
        });
        makePage();
      });
      return;
    }
    makePage();
  }

  function makePage() {
    var problems = [];
    names().forEach(function (name) {
      touched[name] = true;
      var message = show(name, check(name));
      if (message) problems.push([name, message]);
    });
    var doc = frontMatter();
    if (!problems.length) {
      /* The final check: the whole front-matter against the whole schema. */
      refused(doc).forEach(function (name) {
        var shown = fieldOf(name) ? name : "title";
        problems.push([shown, show(shown, problem(say("check.schema"), say("check.schema.expected"), name))]);
      });
    }
    summarise(problems);
    if (problems.length) {
      result.hidden = true;
      summary.focus();
      return;
    }
    text = markdown(doc);
    document.getElementById("pf-propose-text").value = text;
    var link = result.querySelector("[data-pf-new-file]");
    if (link && data.repo) link.href = newFileUrl();
    result.querySelector("[data-pf-download-status]").textContent = "";
    result.hidden = false;
    document.getElementById("pf-propose-result-title").focus();
  }

  function download() {
    var url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = fileName();
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    result.querySelector("[data-pf-download-status]").textContent = say("download_file", { file: fileName() });
  }

  function recheck(name) {
    if (!name) return;
    if (touched[name]) show(name, check(name));
    if (name === "start" && touched.end) show("end", check("end"));
  }

  function counter() {
    var box = form.querySelector("[data-pf-count]");
    if (!box) return;
    var rule = plain(props.summary || {});
    box.textContent = say("count", { count: length(value("summary").trim()), max: rule.maxLength });
  }

  form.addEventListener("input", function (e) {
    var name = nameOf(e.target);
    if (name === "title" && !slugEdited) {
      control("slug").value = slugify(value("title"));
      recheck("slug");
    }
    if (name === "slug") slugEdited = value("slug") !== "";
    if (name === "summary") counter();
    /* Text that is too long, or holds a character text may not, is said at once; other
       messages wait until the reader leaves the field (half a date is not yet wrong). */
    var kind = name && fieldOf(name).getAttribute("data-pf-control");
    if (!touched[name] && (kind === "text" || kind === "textarea" || kind === "body") && check(name)) {
      touched[name] = true;
    }
    recheck(name);
    result.hidden = true; /* what was made no longer matches the form */
  });
  form.addEventListener("change", function (e) {
    var name = nameOf(e.target);
    var kind = name && fieldOf(name).getAttribute("data-pf-control");
    if (kind === "radio" || kind === "checkboxes") touched[name] = true;
    recheck(name);
  });
  form.addEventListener("focusout", function (e) {
    var name = nameOf(e.target);
    /* A group is left when focus goes outside it, not from one of its boxes to the next. */
    if (!name || (e.relatedTarget && nameOf(e.relatedTarget) === name)) return;
    touched[name] = true;
    recheck(name);
  });
  form.addEventListener("submit", make);
  result.querySelector("[data-pf-download]").addEventListener("click", download);
  document.querySelectorAll("[data-pf-propose-off]").forEach(function (note) { note.hidden = true; });
  form.hidden = false;
  counter();
})();
