"""The site's own search index (`search: portfolio`, the default), read back from its files.

A generated portfolio is built once; every initiative's entry in the index is compared with
its front-matter (title, summary, facet, zone, status, themes, partners), and every word of
its title must lead to its page. The reader's side (the header box, its filters, what a
query fetches) is in tests/browser/test_search_browser.py.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.structure.files import File

from portfolio_plugin.adapter import search, site_index

from support import EPOCH, ROOT, Index, mkdocs_build, unpack

COUNT = 120


def front_matter(path: Path) -> dict[str, Any]:
    """An initiative's fields, its texts in English (the generated site's language)."""
    text = path.read_text(encoding="utf-8")
    fields = yaml.safe_load(text.split("---\n", 2)[1])
    return {k: v["en"] if isinstance(v, dict) and "en" in v else v for k, v in fields.items()}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("own-index") / "portfolio"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--count", str(COUNT),
                    "--out", str(root), "--seed", "7"], check=True, capture_output=True,
                   timeout=600)
    mkdocs_build(root / "mkdocs.yml", root / "site", strict=False)
    return root


@pytest.fixture(scope="module")
def index(portfolio: Path) -> Index:
    return Index(portfolio / "site" / site_index.FOLDER)


def test_each_initiative_is_in_the_index_as_its_front_matter_says(
        portfolio: Path, index: Index) -> None:
    by_url = {doc[0]: (n, doc) for n, doc in enumerate(index.docs)}
    sources = sorted((portfolio / "content" / "initiatives").glob("*.md"))
    assert len(sources) == COUNT
    for source in sources:
        fields = front_matter(source)
        n, doc = by_url[f"initiatives/{source.stem}/"]
        _url, title, summary, kind, facet, zone = doc[:6]
        assert (title, summary, kind, facet, zone) == (
            fields["title"], fields["summary"], "initiative", fields["facet"], fields["zone"])
        partners = {p["id"] if isinstance(p, dict) else p for p in fields.get("partners", [])}
        if fields.get("steward"):
            partners.add(fields["steward"])
        chosen = {"facet": {fields["facet"]}, "zone": {fields["zone"]},
                  "status": {fields["status"]}, "themes": set(fields.get("themes", [])),
                  "partners": partners, "type": {"initiative"}}
        for name, values in chosen.items():
            for value in values:
                assert n in index.filter(name, value), (source.name, name, value)
        for word in site_index.words(fields["title"]):
            assert index.pages_of(word).get(n, 0) >= site_index.TITLE, (source.name, word)


def test_each_filter_value_holds_exactly_the_initiatives_of_that_value(
        portfolio: Path, index: Index) -> None:
    by_url = {doc[0]: n for n, doc in enumerate(index.docs)}
    expected: dict[tuple[str, str], set[int]] = {}
    for source in (portfolio / "content" / "initiatives").glob("*.md"):
        fields = front_matter(source)
        n = by_url[f"initiatives/{source.stem}/"]
        for name in ("facet", "zone", "status"):
            expected.setdefault((name, fields[name]), set()).add(n)
        for theme in fields.get("themes", []):
            expected.setdefault(("themes", theme), set()).add(n)
    for (name, value), pages in expected.items():
        assert index.filter(name, value) == pages, (name, value)
    kinds = {doc[3] for doc in index.docs}
    assert kinds == {"initiative", "partner", "theme", "portfolio", "page"}
    for kind in kinds:
        assert index.filter("type", kind) == \
            {n for n, doc in enumerate(index.docs) if doc[3] == kind}


def test_listings_are_left_out_and_every_page_indexed_exists(
        portfolio: Path, index: Index) -> None:
    site = portfolio / "site"
    urls = [doc[0] for doc in index.docs]
    assert urls == sorted(urls) and len(urls) == len(set(urls))
    for url in urls:
        assert (site / url / "index.html").is_file(), url
    for listing in ("portfolio/initiatives/", "portfolio/timeline/2025/",
                    "portfolio/facets/adaptive/", "portfolio/zones/blue/"):
        assert (site / listing / "index.html").is_file()
        assert listing not in urls


def test_a_word_is_found_in_its_other_forms() -> None:
    english = site_index.Stemmer("en")
    assert english("lights") == english("lighting") == english("light")
    swedish = site_index.Stemmer("sv")
    assert swedish("gatubelysningen") == swedish("gatubelysning")
    assert site_index.Stemmer("xx")("lights") == "lights"  # no stemmer: the word itself


PAGE = textwrap.dedent("""\
    <html><body><nav>Menu words</nav>
    <article class="md-content__inner md-typeset" data-pagefind-body>
    <h1 id="t">Heat pumps<a class="headerlink" href="#t">¶</a></h1>
    <span hidden data-pagefind-filter="facet[data-facet], zone[data-zone]"
      data-facet="adaptive" data-zone="blue" data-pagefind-meta="summary[data-summary]"
      data-summary="Warm &amp; dry homes."></span>
    <p>Pumps in every <em>block</em>.</p>
    <div class="pf-facts"><table><tr><td>Funding 125000</td></tr></table>
      <div>nested facts</div></div>
    <p>After the facts.</p><script>var hidden = "script words";</script>
    <div data-pagefind-ignore>ignored words</div>
    <section class="pf-stories"><p>Story words</p></section>
    </article><footer>Footer words</footer></body></html>""")



def test_a_page_gives_its_own_words_title_filters_and_summary() -> None:
    page = site_index.read_page("initiatives/heat-pumps/", "initiative", PAGE)
    assert page.title == "Heat pumps"
    assert page.meta == {"summary": "Warm & dry homes."}
    assert page.filters == {"facet": ["adaptive"], "zone": ["blue"], "type": ["initiative"]}
    words = set(site_index.words(page.text))
    assert {"heat", "pumps", "every", "block", "after", "story"} <= words
    for left_out in ("menu", "125000", "nested", "script", "ignored", "footer"):
        assert left_out not in words
    # The stories a partner's or theme's page lists are their initiatives' words.
    listed = site_index.read_page("portfolio/partners/city/", "partner", PAGE)
    assert "story" not in set(site_index.words(listed.text))


def test_a_large_shard_is_cut_by_longer_prefixes_and_every_word_is_where_it_is_looked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_index, "SHARD_POSTINGS", 40)
    pages = [site_index.Page(url=f"p{n}/", kind="page", title=f"Energy {n}",
                             text=f"energy energi enable entry {n} street strong stråk")
             for n in range(30)]
    site_index.write(tmp_path, pages, "en")
    index = Index(tmp_path / site_index.FOLDER)
    assert any(len(key) > 2 for key in index.entry["shards"])
    for page in pages:
        for word in site_index.words(page.text):
            shard = unpack(index.files / "w" / site_index._file_name(index.shard_of(word)))
            assert word in shard["w"], word
    assert set(index.pages_of("stråk")) == set(range(30))


def test_the_same_pages_make_the_same_files_and_another_folder_for_others(
        tmp_path: Path) -> None:
    pages = [site_index.Page(url=f"p{n}/", kind="page", title=f"T {n}", text=f"word {n}")
             for n in range(50)]
    site_index.write(tmp_path / "a", pages, "en")
    site_index.write(tmp_path / "b", list(reversed(pages)), "en")
    a, b = (tmp_path / x / site_index.FOLDER for x in "ab")
    assert sorted(p.relative_to(a).as_posix() for p in a.rglob("*")) == \
        sorted(p.relative_to(b).as_posix() for p in b.rglob("*"))
    for path in a.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (b / path.relative_to(a)).read_bytes()
    site_index.write(tmp_path / "a", pages[:-1], "en")
    assert Index(a).entry["build"] != Index(b).entry["build"]
    # The files of the build before are gone.
    assert {p.name for p in a.iterdir()} == {"index.json", Index(a).entry["build"]}


def test_a_dirty_build_indexes_the_site_as_a_whole_build_does(
        portfolio: Path, tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(portfolio, root, ignore=shutil.ignore_patterns("site"))
    mkdocs_build(root / "mkdocs.yml", root / "site", strict=False)
    source = next(path for path in sorted((root / "content" / "initiatives").glob("*.md"))
                  if re.search(r"^title: [A-Za-z ]+$", path.read_text(encoding="utf-8"), re.M))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--dirty", "-f",
         str(root / "mkdocs.yml"), "-d", str(root / "site")],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr[-2000:]
    dirty = Index(root / "site" / site_index.FOLDER)
    mkdocs_build(root / "mkdocs.yml", root / "whole", strict=False)
    whole = Index(root / "whole" / site_index.FOLDER)
    assert dirty.docs == whole.docs
    assert any(doc[1].startswith("Renamed ") for doc in dirty.docs)


def test_a_word_of_the_title_weighs_more_than_the_same_word_five_times_in_the_text(
        tmp_path: Path) -> None:
    pages = [site_index.Page(url="a/", kind="page", title="Heat pumps", text="Heat pumps"),
             site_index.Page(url="b/", kind="page", title="Other",
                             text="Other heat heat heat heat heat")]
    site_index.write(tmp_path, pages, "en")
    weights = Index(tmp_path / site_index.FOLDER).pages_of("heat")
    assert weights[0] > weights[1] == 5


def test_the_readers_script_cuts_words_and_names_filter_files_as_the_index_does(
        tmp_path: Path) -> None:
    """search-index.js (run by Node) against site_index: the same words of the same text,
    the same file name for the same filter value, on texts of every kind of character."""
    node = shutil.which("node")
    assert node, "the tests need Node (npm installs axe-core with it)"
    rng = random.Random(5)
    alphabet = ("abcö ÅäÖé_-'.,:;!?0123456789½²①\u0301\u0308ßẞİıσςΣ日本語한국어"
                "\U0001d400\U0001f600\t\n")
    texts = ["Go\u0308teborg och göteborg", "x_y __ _ a 1 22 ½ ² ①", "A" * 40 + " " + "b" * 41,
             "constructor __proto__ hasOwnProperty", "İstanbul ΣΟΦΙΑ straße STRASSE"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
              for _ in range(400)]
    script = tmp_path / "check.mjs"
    module = (ROOT / "portfolio_plugin" / "theme_pagefind" / "assets" / "portfolio" /
              "search-index.js").as_uri()
    script.write_text(
        f"import {{ words, fnv }} from {json.dumps(module)};\n"
        "const texts = JSON.parse(require_texts());\n"
        "function require_texts() { return process.argv[2]; }\n"
        "console.log(JSON.stringify(texts.map(t => [words(t), fnv(t)])));\n", encoding="utf-8")
    done = subprocess.run([node, str(script), json.dumps(texts)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    for text, (found, named) in zip(texts, json.loads(done.stdout), strict=True):
        assert found == site_index.words(text), text
        assert named == site_index.fnv(text), text


QUERY = """\
import {{ options, search }} from {module};
import {{ readFile }} from "node:fs/promises";
const root = {root};
let served = {{}};  // what the "server" answers: a file's path, or a status
globalThis.fetch = async (url) => {{
  const path = url.slice("http://site/".length).split("?")[0];
  const status = served[path];
  if (typeof status === "string") {{  // answered once so, then as the files are
    delete served[path];
    return new Response(status);
  }}
  if (status) return new Response("", {{ status }});
  try {{ return new Response(await readFile(root + "/" + path)); }}
  catch (e) {{ return new Response("", {{ status: 404 }}); }}
}};
options({{ baseUrl: "http://site/", index: "search-index/" }});
const out = [];
for (const [query, filters, serve] of {queries}) {{
  served = serve || {{}};
  try {{
    const found = await search(query, {{ filters }});
    const shown = await Promise.all(found.results.map(r => r.data()));
    out.push(shown.map(d => d.url.slice("http://site/".length)));
  }} catch (e) {{ out.push("failed: " + e.message); }}
}}
console.log(JSON.stringify(out));
"""


def query(folder: Path, queries: list[Any]) -> list[Any]:
    """Each query's results (the pages' addresses, in order) as the reader's script finds
    them in the index written under `folder`, run by Node."""
    node = shutil.which("node")
    assert node, "the tests need Node (npm installs axe-core with it)"
    module = (ROOT / "portfolio_plugin" / "theme_pagefind" / "assets" / "portfolio" /
              "search-index.js").as_uri()
    script = folder / "query.mjs"
    script.write_text(QUERY.format(module=json.dumps(module), root=json.dumps(str(folder)),
                                   queries=json.dumps(queries)), encoding="utf-8")
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_reader_finds_a_words_forms_the_words_it_begins_and_no_more(
        tmp_path: Path) -> None:
    pages = [site_index.Page(url="light/", kind="page", title="Light", text="Light"),
             site_index.Page(url="lighting/", kind="page", title="Street lighting",
                             text="Street lighting"),
             site_index.Page(url="heat/", kind="initiative", title="Heat", text="Heat pumps",
                             filters={"facet": ["adaptive"]}),
             site_index.Page(url="other/", kind="page", title="Other",
                             text="Nothing here for the community; no prototypes")]
    site_index.write(tmp_path, pages, "en")
    assert query(tmp_path, [
        ["lights", {}], ["lighting", {}], ["lightings", {}], ["ligh", {}],
        ["heating", {}], ["street lighting", {}], ["street heat", {}],
        ["constructor", {}], ["__proto__", {}], ["heat", {"facet": "adaptive"}],
        ["heat", {"facet": "constructor"}], ["", {"type": "initiative"}],
        ["light", {"colour": "red"}],
    ]) == [
        ["light/", "lighting/"],  # "lights": not on the site, stands for "light..."
        ["light/", "lighting/"],  # the same stem
        ["light/", "lighting/"],  # three letters shorter: "light"
        ["light/", "lighting/"],  # a word being typed
        ["heat/"],  # "heat", three letters shorter
        ["lighting/"],  # every word must be found
        [],
        [], [],  # names of JavaScript's own (the search does not fail)
        ["heat/"], [], ["heat/"],
        [],  # a filter the index does not have
    ]


def test_a_word_being_typed_finds_the_words_it_begins_where_its_shard_is_cut(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_index, "SHARD_POSTINGS", 12)
    words = ["library", "lightning", "lime", "linen", "lion", "lipid", "list", "litre", "live",
             "lizard", "li"]
    pages = [site_index.Page(url=f"{word}-{n}/", kind="page", title=word, text=word)
             for word in words for n in range(4)]
    site_index.write(tmp_path, pages, "en")
    index = Index(tmp_path / site_index.FOLDER)
    assert "li" in index.entry["shards"] and any(
        len(k) > 2 for k in index.entry["shards"])
    found = query(tmp_path, [["li", {}], ["liz", {}], ["lizard", {}]])
    # "li" itself first, then words it begins that most pages hold, from the prefix's own
    # shard (one file's worth: here 12 pages).
    assert found[0][:4] == [f"li-{n}/" for n in range(4)] and len(found[0]) == 12
    assert found[1] == found[2] == [f"lizard-{n}/" for n in range(4)]


def test_a_site_published_anew_under_a_reader_is_searched_in_its_new_files(
        tmp_path: Path) -> None:
    site_index.write(tmp_path, [site_index.Page(url="a/", kind="page", title="Alpha",
                                                text="Alpha")], "en")
    old = (tmp_path / site_index.FOLDER / "index.json").read_text(encoding="utf-8")
    pages = [site_index.Page(url=f"{n}/", kind="page", title="Alpha", text="Alpha")
             for n in "ab"]
    site_index.write(tmp_path, pages, "en")
    build = Index(tmp_path / site_index.FOLDER).entry["build"]
    assert build not in old
    # The entry read first names a build whose files are gone: the search reads it again.
    assert query(tmp_path, [["alpha", {}, {"search-index/index.json": old}]]) == \
        [["a/", "b/"]]
    # A server that fails says so (the box says the search could not be loaded).
    assert query(tmp_path, [["alpha", {}, {f"search-index/{build}/w/al": 500}]])[0] \
        .startswith("failed")


def test_a_minified_page_gives_the_same_words_title_and_filters() -> None:
    """`mkdocs build --dirty` reads the written site, which a minifier may have rewritten
    (its attributes unquoted, its comments gone)."""
    import htmlmin  # (mkdocs-minify-plugin's)

    marked = search.mark_page(PAGE, "initiative")
    small = htmlmin.minify(marked, remove_optional_attribute_quotes=True,
                           remove_comments=True)
    assert 'data-pf-type=initiative' in small  # (what the minifier does)
    assert site_index.kind_of(small) == site_index.kind_of(marked) == "initiative"
    whole = site_index.read_page("x/", "initiative", marked)
    read = site_index.read_page("x/", "initiative", small)
    assert (read.title, read.meta, read.filters) == (whole.title, whole.meta, whole.filters)
    assert site_index.words(read.text) == site_index.words(whole.text)


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("source", ["index.md", "café/index.md", "a b/c.md", "x/ö.md"])
def test_a_page_read_from_the_written_site_has_the_address_mkdocs_gives_it(
        source: str, directory_urls: bool) -> None:
    file = File(source, "docs", "site", use_directory_urls=directory_urls)
    url = site_index.url_of(file.dest_uri, directory_urls)
    assert url == (file.url if file.url not in (".", "./") else "")
    assert site_index.written(url) == file.dest_uri


@pytest.mark.parametrize("piece", ['<a class="', "<a ", "<!--", "<h1>x", "<", "<div>"])
def test_a_page_of_broken_tags_is_read_in_time_proportional_to_its_length(piece: str) -> None:
    """Raw HTML a page may carry (hand-written pages are not cleaned): 40 KB of one broken
    piece took 0.4 to 15 s when each search ran to the end of the page."""
    html = ('<html><body><article class="md-content__inner md-typeset">'
            + piece * (40_000 // len(piece)) + "</article></body></html>")
    began = time.perf_counter()
    site_index.read_page("x/", "page", html)
    assert time.perf_counter() - began < 1.0
