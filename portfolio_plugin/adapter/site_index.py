"""The site's own search index, sharded for phones (the plugin's `search: portfolio`).

A reader's first query must not fetch the whole index, nor a page list of every page of the
site: at 20,000 initiatives Pagefind's page list alone is 160 KB. Here the index is cut into
small gzip'd files that a query fetches only as it needs them (`assets/portfolio/
search-index.js` reads them):

- `search-index/index.json`: the entry, fetched first (a few KB): how many pages, the
  language, the prefixes of the word shards and the folder of this build's files;
- `<folder>/w/<prefix>`: the words that begin with a prefix, each with its stem, and for
  each stem the pages that hold it with a weight (the title counts more than the text). A
  prefix whose words would make a large file is cut into longer prefixes;
- `<folder>/d/<n>`: the pages `CHUNK * n` to `CHUNK * (n + 1) - 1`: address, title, a short
  text, kind, facet and zone, fetched for the results shown only;
- `<folder>/f/<filter>/<hash of the value>`: the pages of one value of a filter (a facet,
  a zone, a partner), fetched when the filter is chosen.

The folder is named after what it holds: a reader whose page is older than the site it
searches is told nothing wrong, it fetches the files of one build or fails, and files can be
kept in caches as long as they are served.

What a page contributes is what Pagefind would read of it (`search.mark_page` marks the
region and kind, `search.EXCLUDE` what is left out): the text of its content region less
what the portfolio generates, its first heading as title, and the filters and metadata its
`data-pagefind-filter` and `data-pagefind-meta` attributes give. Words are stemmed with the
Snowball stemmer of the site's language (English, Swedish, ...): "lights" finds "light" and
"lighting", "gatubelysningen" finds "gatubelysning"; a word the reader is still typing finds
the words it begins.
"""

from __future__ import annotations

import gzip
import hashlib
import html as htmllib
import json
import posixpath
import re
import shutil
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, unquote

from .search import EXCLUDE, LISTING_KINDS, MATERIAL_CONTENT

FOLDER = "search-index"
ENTRY = "index.json"
# Pages per file of pages: a result shown fetches one such file (about 2.5 KB gzip'd).
CHUNK = 40
# The most postings a word shard holds before it is cut by a longer prefix.
SHARD_POSTINGS = 6000
# The weights of where a word is: the title, the summary, the text.
TITLE, SUMMARY, TEXT = 8, 3, 1
# A text shown under a result that has no summary, in characters.
SNIPPET = 220
# The longest word kept (longer runs are identifiers, not words).
LONGEST = 40
VERSION = 1

_CLASSES = frozenset(s[1:] for s in EXCLUDE if s.startswith("."))
# `[data-pf-indexed=kind] .pf-stories`: left out of the listings' pages.
_LISTING_ONLY = frozenset(s.rsplit(" .", 1)[1] for s in EXCLUDE if s.startswith("["))
# Elements whose text is never a reader's: scripts, styles, pictures, Material's anchors.
_SKIP_TAGS = frozenset({"script", "style", "svg", "template", "noscript", "button", "select",
                        "textarea", "nav"})
_SKIP_CLASSES = frozenset({"headerlink", "md-content__button", "md-source-file"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
_ATTR = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))")
# A word: two to `LONGEST` letters or digits, or one digit (longer runs are identifiers).
_WORD = re.compile(rf"(?<!\w)(?:\w{{2,{LONGEST}}}|\d)(?!\w)")
_SPACE = re.compile(r"\s+")
_BLOCK = frozenset({"p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dd",
                    "dt", "section", "article", "blockquote", "figcaption", "br", "tr"})

# The languages of Snowball, by the codes sites use.
_STEMMERS = {"da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish",
             "fr": "french", "it": "italian", "nb": "norwegian", "nl": "dutch",
             "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "sv": "swedish"}


@dataclass
class Page:
    """What one page gives the index."""

    url: str
    kind: str
    title: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)


def _attrs(raw: str) -> dict[str, str]:
    """A tag's attributes, their values quoted or not (a minifier takes quotes off)."""
    return {m.group(1).lower(): htmllib.unescape(next(v for v in m.group(2, 3, 4)
                                                      if v is not None))
            for m in _ATTR.finditer(raw)}


def _named(spec: str, attrs: dict[str, str], into: dict[str, list[str]]) -> None:
    """`name[data-x], other[data-y]` (Pagefind's form): each name with its attribute's value."""
    for part in spec.split(","):
        name, _, rest = part.strip().partition("[")
        value = attrs.get(rest.rstrip("]").strip().lower()) if rest else None
        if name and value:
            into.setdefault(name.strip(), []).append(value)


def region(html: str) -> str:
    """The content region of a page (Material's article, else its body)."""
    start = html.find(MATERIAL_CONTENT)
    if start >= 0:
        end = html.rfind("</article>")
        return html[start:end + len("</article>")] if end > start else html[start:]
    start = html.find("<body")
    end = html.rfind("</body>")
    return html[start:end] if start >= 0 and end > start else ""


def _left_out(classes: Iterable[str]) -> re.Pattern[str]:
    """The opening tag of an element left out: of one of `classes`, marked
    `data-pagefind-ignore`, or a tag whose text is never a reader's."""
    names = "|".join(re.escape(c) for c in sorted(classes))
    # (A tag's body never holds "<": each search stops at the next tag, so a page of
    # broken tags costs time in proportion to its length.)
    return re.compile(
        rf"<({'|'.join(sorted(_SKIP_TAGS))})\b[^<>]*>"
        rf"|<([a-zA-Z][a-zA-Z0-9-]*)\b(?=[^<>]*?(?:\bclass=[\"']?(?:[^\"'<>]*\s)?(?:{names})"
        r"[\s\"'>]|\sdata-pagefind-ignore\b))[^<>]*>", re.I)


_LEFT_OUT = _left_out(_CLASSES | _SKIP_CLASSES)
_LEFT_OUT_OF_LISTINGS = _left_out(_CLASSES | _SKIP_CLASSES | _LISTING_ONLY)
_HEADING = re.compile(r"<h1\b[^<>]*>", re.I)
_HEADING_END = re.compile(r"</h1\s*>", re.I)
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCK))})\b[^<>]*>"
                        rf"|<(?:{'|'.join(sorted(_VOID))})\b[^<>]*>", re.I)
_ANY_TAG = re.compile(r"<[^<>]*>")
_closing: dict[str, re.Pattern[str]] = {}


def _end_of(content: str, name: str, at: int) -> int:
    """Where the element whose opening tag of `name` ends at `at` ends (the end of the
    content if it is never closed)."""
    tags = _closing.get(name)
    if tags is None:
        tags = _closing[name] = re.compile(rf"<(/?){re.escape(name)}\b[^<>]*>", re.I)
    depth = 1
    for tag in tags.finditer(content, at):
        if tag.group(0).endswith("/>"):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(content)


def _kept(content: str, left_out: re.Pattern[str]) -> str:
    """The content less the elements left out."""
    kept: list[str] = []
    at = 0
    while (found := left_out.search(content, at)) is not None:
        kept.append(content[at:found.start()])
        name = (found.group(1) or found.group(2)).lower()
        at = found.end() if name in _VOID or found.group(0).endswith("/>") \
            else _end_of(content, name, found.end())
        kept.append(" ")
    kept.append(content[at:])
    return "".join(kept)


def _text(html: str) -> str:
    """The words of some HTML: block elements apart, inline ones run on."""
    return _SPACE.sub(" ", htmllib.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub(" ", html)))).strip()


def _without_comments(html: str) -> str:
    """The HTML without its comments (one left open runs to the end)."""
    kept: list[str] = []
    at = 0
    while (start := html.find("<!--", at)) >= 0:
        kept.append(html[at:start])
        end = html.find("-->", start + 4)
        at = len(html) if end < 0 else end + 3
    kept.append(html[at:])
    return "".join(kept)


def _marked(content: str) -> Iterator[str]:
    """The tags that give filters or metadata (`data-pagefind-filter`, `-meta`)."""
    at = 0
    while (found := content.find("data-pagefind-", at)) >= 0:
        start = content.rfind("<", 0, found)
        end = content.find(">", found)
        if end < 0:
            return
        if start >= 0 and content.find(">", start, found) < 0 and content.startswith(
                ("data-pagefind-filter=", "data-pagefind-meta="), found):
            yield content[start:end + 1]
        at = end + 1


def read_page(url: str, kind: str, html: str) -> Page:
    """The page at `url` (relative to the site's root) as the index holds it."""
    content = _without_comments(region(html))
    meta: dict[str, list[str]] = {}
    filters: dict[str, list[str]] = {}
    for tag in _marked(content):
        attrs = _attrs(tag)
        if "data-pagefind-filter" in attrs:
            _named(attrs["data-pagefind-filter"], attrs, filters)
        if "data-pagefind-meta" in attrs:
            _named(attrs["data-pagefind-meta"], attrs, meta)
    kept = _kept(content, _LEFT_OUT_OF_LISTINGS if kind in LISTING_KINDS else _LEFT_OUT)
    heading = _HEADING.search(kept)
    title = ""
    if heading is not None:
        end = _HEADING_END.search(kept, heading.end())
        title = _text(kept[heading.end():end.start() if end else len(kept)])
    return Page(url=url, kind=kind, title=title,
                text=_text(kept), meta={k: v[0] for k, v in meta.items()},
                filters={**filters, "type": [kind]})


def kind_of(html: str) -> str | None:
    """The kind a marked page carries (`search.mark_page`), None for a page not indexed."""
    start = html.find("data-pagefind-body")
    if start < 0:
        return None
    found = re.search(r"""data-pf-type=(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
                      html[start:start + 400])
    if found is None:
        return None
    return htmllib.unescape(next(v for v in found.group(1, 2, 3) if v is not None))


def url_of(dest: str, directory_urls: bool) -> str:
    """A page's address as MkDocs gives it (`Page.url`), from the path it is written to."""
    folder, name = posixpath.split(dest)
    if directory_urls and name == "index.html":
        dest = (folder or ".") + "/"
    url = quote(dest)
    return "" if url in (".", "./") else url


def written(url: str) -> str:
    """The path a page's address is written to (the inverse of `url_of`)."""
    path = unquote(url)
    return path + "index.html" if path.endswith("/") or not path else path


def language_of(html: str) -> str:
    """The language the page's `<html lang>` says, lower case ("" if none)."""
    found = re.search(r"""<html\b[^<>]*?\slang=["']?([A-Za-z-]+)""", html[:2000])
    return found.group(1).lower() if found else ""


def read_site(site_dir: Path, directory_urls: bool = True,
              language: str | None = None) -> Iterator[Page]:
    """The pages of a written site, as marked (after `mkdocs build --dirty`, which writes
    only some); with `language`, only the pages in that language."""
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir)
        if relative.parts and relative.parts[0] == FOLDER:
            continue
        try:
            html = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        kind = kind_of(html)
        if kind is None:
            continue
        if language is not None and language_of(html).split("-")[0] != \
                language.lower().split("-")[0]:
            continue
        yield read_page(url_of(relative.as_posix(), directory_urls), kind, html)


class Stemmer:
    """Words to stems in one language (words of a language Snowball lacks are their own
    stems); each word is stemmed once."""

    def __init__(self, language: str) -> None:
        self._name = _STEMMERS.get(language.split("-")[0].split("_")[0].lower())
        self._stem: Callable[[str], str] | None = None  # (made for the first word)
        self._known: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._known.get(word)
        if stem is None:
            if self._stem is None:
                self._stem = _snowball(self._name)
            stem = self._known[word] = self._stem(word) or word
        return stem


def _snowball(name: str | None) -> Callable[[str], str]:
    """Snowball's stemmer of a language; imported only when a word is stemmed, in the
    process that writes the index (the reader's: see `parallel.reader`), as it loads every
    language's stemmer (3 MB)."""
    if name is None:
        return str
    import snowballstemmer

    return snowballstemmer.stemmer(name).stemWord  # type: ignore[no-any-return]


def words(text: str) -> list[str]:
    """The words of a text, lower case, its letters composed (NFC: "ö" is one letter,
    however it was typed); numbers are words (a year is searched)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def fnv(value: str) -> str:
    """The name of a filter value's file: FNV-1a of its UTF-8 (the reader's script computes
    the same to find it without a list of every value)."""
    h = 0x811C9DC5
    for byte in value.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def _packed(data: object) -> bytes:
    return gzip.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                         .encode("utf-8"), compresslevel=6, mtime=0)


def _shards(stems: dict[str, array[int]], word_stems: dict[str, str]) -> dict[str, list[str]]:
    """The words of each shard: by their first two letters, cut by longer prefixes where the
    postings of their stems would be too many for one file. A prefix that is cut keeps a
    shard of its own for a word being typed that ends there: the word itself, and the words
    it begins that most pages hold, as many as one file takes (at least one)."""
    def size(ws: Iterable[str]) -> int:
        return sum(len(stems[s]) // 2 for s in {word_stems[w] for w in ws})

    result: dict[str, list[str]] = {}
    cut: dict[str, list[str]] = {}
    todo: list[tuple[str, list[str]]] = []
    grouped: dict[str, list[str]] = {}
    for word in sorted(word_stems):
        grouped.setdefault(word[:2], []).append(word)
    todo.extend(grouped.items())
    while todo:
        prefix, ws = todo.pop()
        if size(ws) <= SHARD_POSTINGS or all(len(w) <= len(prefix) for w in ws):
            result[prefix] = ws
            continue
        longer: dict[str, list[str]] = {}
        for word in ws:
            key = word[:len(prefix) + 1]
            longer.setdefault(key if len(word) > len(prefix) else prefix, []).append(word)
        if len(longer) == 1 and prefix in longer:
            result[prefix] = ws
            continue
        cut[prefix] = ws
        longer.pop(prefix, None)  # (the word that is the prefix: in the prefix's own shard)
        todo.extend(longer.items())
    for prefix, ws in cut.items():
        chosen = {w for w in ws if w == prefix}
        for word in sorted(ws, key=lambda w: (-len(stems[word_stems[w]]), w)):
            if chosen - {prefix} and size(chosen | {word}) > SHARD_POSTINGS:
                break
            chosen.add(word)
        result[prefix] = sorted(chosen)
    return result


def write(site_dir: Path, pages: Iterable[Page], language: str, where: str = FOLDER) -> None:
    """Write the index of `pages` into the site's folder `where` (what was there is
    replaced)."""
    gathered = Gathered(language)
    for page in pages:
        gathered.add(page)
    gathered.write(site_dir, where)


class Gathered:
    """Pages for the index, each weighed as it comes (the stems of its words, and how much
    each weighs), written in the order of their addresses: a worker that reads the pages as
    they are written leaves only the writing for the end of the build."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._stem = Stemmer(language)
        self._word_stems: dict[str, str] = {}
        self._numbers: dict[str, int] = {}  # each stem's number
        # By address: what the page shows in results, its filters, its stems' numbers and
        # their weights (the last address added wins).
        self._pages: dict[str, tuple[list[object], dict[str, list[str]], array[int],
                                     bytes]] = {}

    def add(self, page: Page) -> None:
        """Weigh a page: title 8, summary 3, text 1, each time a word comes (at most 99)."""
        weights: dict[int, int] = {}
        for weight, text in ((TITLE, page.title), (SUMMARY, page.meta.get("summary", "")),
                             (TEXT, page.text)):
            for word, times in Counter(words(text)).items():
                s = self._word_stems.get(word)
                if s is None:
                    s = self._word_stems[word] = self._stem(word)
                number = self._numbers.setdefault(s, len(self._numbers))
                weights[number] = weights.get(number, 0) + weight * times
        shown = page.meta.get("summary") or _snippet(page.text, page.title)
        doc: list[object] = [
            page.url, page.meta.get("title") or page.title or page.url, shown, page.kind,
            (page.filters.get("facet") or [""])[0], (page.filters.get("zone") or [""])[0],
            page.meta.get("facet", ""), page.meta.get("zone", "")]
        self._pages[page.url] = (doc, {**page.filters, "type": [page.kind]},
                                 array("l", weights), bytes(min(w, 99) for w in weights.values()))

    def add_file(self, path: Path, url: str, kind: str) -> None:
        """Read and weigh the written page at `path` (its address `url`, its kind `kind`)."""
        self.add(read_page(url, kind, path.read_text(encoding="utf-8", errors="replace")))

    def write(self, site_dir: Path, where: str = FOLDER) -> None:
        """Write the index of the pages added into the site's folder `where` (what was there
        is replaced)."""
        named = list(self._numbers)  # each stem by its number
        held: list[array[int]] = [array("l") for _ in named]  # page, weight, page, weight...
        docs: list[list[object]] = []
        filters: dict[str, dict[str, list[int]]] = {}
        for n, url in enumerate(sorted(self._pages)):
            doc, page_filters, numbers, weights = self._pages[url]
            docs.append(doc)
            for number, weight in zip(numbers, weights):
                held[number].extend((n, weight))
            for name, values in page_filters.items():
                for value in dict.fromkeys(values):
                    filters.setdefault(name, {}).setdefault(value, []).append(n)
        stems = {named[number]: pages for number, pages in enumerate(held) if pages}
        word_stems = {w: s for w, s in self._word_stems.items() if s in stems}
        _write_files(site_dir, where, self.language, stems, word_stems, docs, filters)


def _write_files(site_dir: Path, where: str, language: str, stems: dict[str, array[int]],
                 word_stems: dict[str, str], docs: list[list[object]],
                 filters: dict[str, dict[str, list[int]]]) -> None:
    files: dict[str, bytes] = {}
    shards = _shards(stems, word_stems)
    for prefix, ws in shards.items():
        own = sorted({word_stems[w] for w in ws})
        number = {s: i for i, s in enumerate(own)}
        postings = []
        for s in own:
            postings.append(_deltas(stems[s].tolist(), 2))  # (page, weight, page, ...)
        files[f"w/{_file_name(prefix)}"] = _packed(
            {"w": {w: number[word_stems[w]] for w in ws}, "p": postings})
    for start in range(0, len(docs), CHUNK):
        files[f"d/{start // CHUNK}"] = _packed(docs[start:start + CHUNK])
    held: dict[str, dict[str, list[int]]] = {}  # (two values may share a file's name)
    for name, by_value in filters.items():
        for value, numbers in by_value.items():
            held.setdefault(f"f/{_file_name(name)}/{fnv(value)}", {})[value] = \
                _deltas(numbers)
    files.update((path, _packed(pages)) for path, pages in held.items())
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    build = digest.hexdigest()[:12]
    folder = site_dir / where
    if folder.is_dir():  # the index written before: its entry and its builds' folders only
        (folder / ENTRY).unlink(missing_ok=True)
        for old in folder.iterdir():
            if old.is_dir() and re.fullmatch(r"[0-9a-f]{12}", old.name):
                shutil.rmtree(old)
    for name, data in files.items():
        path = folder / build / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    folder.mkdir(parents=True, exist_ok=True)  # (a site of no page indexed has one too)
    entry = {"version": VERSION, "language": language, "build": build, "pages": len(docs),
             "chunk": CHUNK, "shards": sorted(shards), "filters": sorted(filters)}
    (folder / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                encoding="utf-8")


def _file_name(key: str) -> str:
    """A prefix or filter name as a file name: itself where it is plain, else its hash."""
    return key if re.fullmatch(r"[a-z0-9]{1,24}", key) else "_" + fnv(key)


def _deltas(numbers: list[int], stride: int = 1) -> list[int]:
    """Each `stride`-th number (page numbers, in order) as the step from the one before
    (the others, a page's weight, as they are); changed in place."""
    steps = numbers[::stride]
    numbers[stride::stride] = [b - a for a, b in pairwise(steps)]
    return numbers


def _snippet(text: str, title: str) -> str:
    """The start of a page's text after its title, cut at a word."""
    body = text[len(title):].strip() if title and text.startswith(title) else text
    if len(body) <= SNIPPET:
        return body
    cut = body.rfind(" ", 0, SNIPPET)
    return body[:cut if cut > SNIPPET // 2 else SNIPPET] + " …"
