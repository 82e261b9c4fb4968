/* The site's own search index (the portfolio plugin's `search: portfolio`), read a few small
   files at a time: the entry (search-index/index.json), the word shards of the query's words,
   the files of the filters chosen, and the pages of the results shown (see
   portfolio_plugin/adapter/site_index.py, which writes them). It answers as much of
   Pagefind's interface as search.js uses: options(), init(), search(query, {filters}), each
   result's data(). Files are gzip'd JSON, unpacked here (DecompressionStream), whatever the
   server says of them. Nothing is evaluated: JSON only. */

var base = "/";
var folder = "search-index/";
var entry = null;
var files = new Map();
/* Stems a word the reader is still typing may stand for, at most (the most used first). */
var BEGUN = 30;
/* A word shorter than the index's shards is looked up in this many shards at most. */
var SHARDS = 8;
/* The most words of a query looked up (an address can carry any number). */
var TERMS = 10;
var own = Object.prototype.hasOwnProperty;
var WORD = /[\p{L}\p{N}_]+/gu;

export function options(o) {
  if (o && o.baseUrl) base = o.baseUrl.slice(-1) === "/" ? o.baseUrl : o.baseUrl + "/";
  if (o && o.index) folder = o.index.slice(-1) === "/" ? o.index : o.index + "/";
}

export function init() { return loadEntry(); }

function loadEntry() {
  if (!entry) {
    entry = fetch(base + folder + "index.json", { cache: "no-cache" }).then(function (r) {
      if (!r.ok) throw new Error("search index: " + r.status);
      return r.json();
    });
    entry.catch(function () { entry = null; });
  }
  return entry;
}

function unpack(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    return Promise.resolve(JSON.parse(new TextDecoder().decode(bytes)));
  }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text().then(JSON.parse);
}

/* A file of the index: null where a filter's value has none; a file of words or pages that
   is not there means the site was published anew since the entry was read. */
function file(e, name) {
  var url = base + folder + e.build + "/" + name;
  if (!files.has(url)) {
    var got = fetch(url).then(function (r) {
      if (r.status === 404 && name.slice(0, 2) === "f/") return null;
      if (r.status === 404) throw new Stale();
      if (!r.ok) throw new Error("search index: " + r.status);
      return r.arrayBuffer().then(function (b) { return unpack(new Uint8Array(b)); });
    });
    files.set(url, got);
    got.catch(function () { files.delete(url); });
  }
  return files.get(url);
}

function Stale() { this.message = "the site was published anew"; }

export function fnv(value) {
  var bytes = new TextEncoder().encode(value);
  var h = 0x811c9dc5;
  for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return ("0000000" + h.toString(16)).slice(-8);
}

function fileName(key) { return /^[a-z0-9]{1,24}$/.test(key) ? key : "_" + fnv(key); }

export function words(text) {
  return (text.normalize("NFC").toLowerCase().match(WORD) || []).filter(function (w) {
    var letters = Array.from(w).length;  /* (characters, not UTF-16 units) */
    return letters <= 40 && (letters > 1 || /^\p{Nd}$/u.test(w)) && w !== "_";
  });
}

/* The shards that hold the words beginning with `term`. */
function shardsOf(e, term) {
  var longest = null;
  e.shards.forEach(function (p) {
    if (term.slice(0, p.length) === p && (!longest || p.length > longest.length)) longest = p;
  });
  if (longest !== null) return [longest];
  /* (shorter than every shard's prefix: those of the fewest letters, each a prefix's own
     shard of the words most pages hold) */
  return e.shards.filter(function (p) { return p.slice(0, term.length) === term; })
    .sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); })
    .slice(0, SHARDS);
}

function decode(flat, into, factor) {
  var page = 0;
  for (var i = 0; i < flat.length; i += 2) {
    page += flat[i];
    into.set(page, (into.get(page) || 0) + flat[i + 1] * factor);
  }
}

/* Each page holding `term` (a form of it, or a word it begins) with its score. A word
   the site does not hold ("lights", where it says "lighting") stands for the words that
   begin as it does, one to three letters shorter (the stem the index would have given it
   is not known here). */
function scores(e, term) {
  return matches(e, term, term, 1).then(function (found) {
    var shorter = term;
    function next(result) {
      if (result.size || shorter.length <= Math.max(3, term.length - 3)) return result;
      shorter = shorter.slice(0, -1);
      return matches(e, shorter, shorter, 0.3).then(next);
    }
    return next(found);
  });
}

function matches(e, term, exactWord, weight) {
  return Promise.all(shardsOf(e, term).map(function (p) {
    return file(e, "w/" + fileName(p));
  })).then(function (shards) {
    var found = new Map();  /* stem's postings: weight */
    shards.forEach(function (shard) {
      if (!shard) return;
      if (own.call(shard.w, exactWord)) found.set(shard.p[shard.w[exactWord]], weight);
      var begun = [];
      Object.keys(shard.w).forEach(function (w) {
        var stem = shard.w[w];
        if (w !== term && w.slice(0, term.length) === term && !found.has(shard.p[stem])) {
          begun.push(shard.p[stem]);
        }
      });
      begun.sort(function (a, b) { return b.length - a.length; });
      begun.slice(0, BEGUN).forEach(function (postings) {
        if (!found.has(postings)) found.set(postings, weight / 2);
      });
    });
    var result = new Map();
    found.forEach(function (factor, postings) {
      var idf = Math.log(1 + e.pages / Math.max(1, postings.length / 2));
      decode(postings, result, factor * idf);
    });
    return result;
  });
}

function filterPages(e, name, value) {
  return file(e, "f/" + fileName(name) + "/" + fnv(value)).then(function (held) {
    var pages = new Set();
    var list = held && own.call(held, value) ? held[value] : null;
    if (!list) return pages;
    var page = 0;
    list.forEach(function (d) { page += d; pages.add(page); });
    return pages;
  });
}

function marked(text, terms) {
  if (!terms.length) return text;
  return text.replace(/[\p{L}\p{N}_]+/gu, function (w) {
    var lower = w.toLowerCase();
    return terms.some(function (t) { return lower.slice(0, t.length) === t; })
      ? "<mark>" + w + "</mark>" : w;
  });
}

function result(e, page, score, terms) {
  return {
    id: String(page),
    score: score,
    data: function () {
      return file(e, "d/" + Math.floor(page / e.chunk)).then(function (docs) {
        var d = docs[page % e.chunk];
        var meta = { title: d[1] };
        if (d[3] === "initiative") {
          meta.summary = d[2];
          if (d[6]) meta.facet = d[6];
          if (d[7]) meta.zone = d[7];
        }
        var filters = { type: [d[3]] };
        if (d[4]) filters.facet = [d[4]];
        if (d[5]) filters.zone = [d[5]];
        return { url: base + d[0], meta: meta, filters: filters,
                 excerpt: marked(d[2], terms) };
      });
    }
  };
}

export function search(query, opts) {
  return find(query, opts).catch(function (error) {
    if (!(error instanceof Stale)) throw error;
    entry = null;  /* read the new entry, and search once more */
    files.clear();
    return find(query, opts);
  });
}

function find(query, opts) {
  var terms = words(query || "").slice(0, TERMS);
  var chosen = (opts && opts.filters) || {};
  return loadEntry().then(function (e) {
    var names = Object.keys(chosen).filter(function (k) {
      return chosen[k] && e.filters.indexOf(k) >= 0;
    });
    var unknown = Object.keys(chosen).some(function (k) {
      return chosen[k] && e.filters.indexOf(k) < 0;
    });
    if (unknown || (!terms.length && !names.length)) return { results: [] };
    return Promise.all([
      Promise.all(terms.map(function (t) { return scores(e, t); })),
      Promise.all(names.map(function (k) { return filterPages(e, k, String(chosen[k])); }))
    ]).then(function (both) {
      var perTerm = both[0];
      var allowed = both[1];
      var candidates;
      if (perTerm.length) {
        perTerm.sort(function (a, b) { return a.size - b.size; });
        candidates = new Map(perTerm[0]);
        perTerm.slice(1).forEach(function (m) {
          candidates.forEach(function (s, page) {
            if (m.has(page)) candidates.set(page, s + m.get(page));
            else candidates.delete(page);
          });
        });
      } else {
        candidates = new Map();
        allowed[0].forEach(function (page) { candidates.set(page, 0); });
      }
      allowed.forEach(function (set) {
        candidates.forEach(function (s, page) { if (!set.has(page)) candidates.delete(page); });
      });
      var ranked = Array.from(candidates.entries()).sort(function (a, b) {
        return b[1] - a[1] || a[0] - b[0];
      });
      return { results: ranked.map(function (pair) {
        return result(e, pair[0], pair[1], terms);
      }) };
    });
  });
}
