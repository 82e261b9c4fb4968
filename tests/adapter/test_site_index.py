"""The site's own search index (`search: portfolio`, the default), read back from its files.

A generated portfolio is built once; every initiative's entry in the index is compared with
its front-matter (title, summary, facet, zone, status, themes, partners), and every word of
its title must lead to its page. The reader's side (the header box, its filters, what a
query fetches) is in tests/browser/test_search_browser.py.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.adapter import site_index

from support import EPOCH, ROOT, mkdocs_build

COUNT = 120


def unpack(path: Path) -> Any:
    return json.loads(gzip.decompress(path.read_bytes()))


class Index:
    """An index as a reader's script finds it: entry, shards, pages and filters."""

    def __init__(self, folder: Path) -> None:
        self.entry = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        self.files = folder / self.entry["build"]
        chunk = self.entry["chunk"]
        self.docs = [doc for n in range(-(-self.entry["pages"] // chunk))
                     for doc in unpack(self.files / "d" / str(n))]

    def shard_of(self, word: str) -> str:
        """The shard a reader's script opens for a word (the longest prefix it has)."""
        keys = [k for k in self.entry["shards"] if word.startswith(k)]
        return max(keys, key=len)

    def pages_of(self, word: str) -> dict[int, int]:
        """The pages of a word's stem, with their weights."""
        shard = unpack(self.files / "w" / site_index._file_name(self.shard_of(word)))
        flat = shard["p"][shard["w"][word]]
        pages, page = {}, 0
        for n in range(0, len(flat), 2):
            page += flat[n]
            pages[page] = flat[n + 1]
        return pages

    def filter(self, name: str, value: str) -> set[int]:
        path = self.files / "f" / name / site_index.fnv(value)
        if not path.is_file():
            return set()
        pages, page = set(), 0
        for delta in unpack(path).get(value, []):
            page += delta
            pages.add(page)
        return pages


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
