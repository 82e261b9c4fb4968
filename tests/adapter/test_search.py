"""Search for readers with Pagefind (`search: pagefind`).

A small site is built once with the Pagefind index and once with `search: mkdocs`; the index
is read back from the files Pagefind wrote (each a gzip'd `pagefind_dcd` mark and JSON or
CBOR). The browser side (the header box, filters, the list round trip, the CSP) is in
tests/browser/test_search_browser.py.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config

from portfolio_plugin.adapter import search
from portfolio_plugin.adapter.plugin import PortfolioPlugin

from support import ASSETS, PARTNERS, PORTFOLIO, Site

MKDOCS_YML = """\
site_name: Test site
site_url: https://test.example/
docs_dir: content
theme:
  name: material
  font: false
plugins:
  - search
  - portfolio{options}
"""
PAGEFIND = ":\n      search: pagefind"


def make_site(root: Path, options: str = "") -> Site:
    (root / "content" / "initiatives").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Home\n\nThe home page.\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(options=options), encoding="utf-8")
    site = Site(root)
    site.data("portfolio.yml", PORTFOLIO)
    site.data("partners.yml", PARTNERS)
    site.data("assets.yml", ASSETS)
    site.front("bike-lanes", {
        "title": "Bike lanes", "summary": "Safer bike lanes, for everyone.",
        "facet": "mission-oriented", "zone": "green", "status": "active", "steward": "city",
        "partners": [{"id": "lund-university", "role": "research"}, "acme"],
        "themes": ["mobility", "energy"],
        "funding": [{"funder": "acme", "year": 2024, "amount": 125000}],
        "stories": [{"date": "2024-05-02", "kind": "milestone", "title": "Lanes opened",
                     "partners": ["acme"], "text": "Cyclists rode the quayside lanes."}]},
        "Painted lanes along the harbour.\n")
    site.front("heat-pumps", {
        "title": "Heat pumps", "summary": "Warm homes.", "facet": "adaptive",
        "zone": "blue", "status": "idea", "themes": ["energy"]}, "Pumps in every block.\n")
    return site


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
         "-d", str(root / "out"), *args],
        capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search") / "site"
    make_site(root, PAGEFIND)
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "out"


def fragments(bundle: Path) -> dict[str, dict[str, Any]]:
    """Every page of the index, by URL: its filters, metadata and text."""
    pages = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(search.MARK)
        page = json.loads(data[len(search.MARK):])
        pages[page["url"]] = page
    return pages


def test_the_index_holds_each_initiative_with_its_facets_as_filters(built: Path) -> None:
    pages = fragments(built / "pagefind")
    bike = pages["/initiatives/bike-lanes/"]
    assert bike["filters"] == {
        "type": ["initiative"], "facet": ["mission-oriented"], "zone": ["green"],
        "status": ["active"], "themes": ["mobility", "energy"],
        "partners": ["city", "lund-university", "acme"]}
    assert bike["meta"]["title"] == "Bike lanes"
    assert bike["meta"]["summary"] == "Safer bike lanes, for everyone."
    assert bike["meta"]["facet"] == "Mission-oriented"
    assert bike["meta"]["zone"] == "Green zone"
    assert "Painted lanes along the harbour" in bike["content"]


def test_the_index_leaves_out_the_site_chrome_and_the_listings(built: Path) -> None:
    pages = fragments(built / "pagefind")
    bike = pages["/initiatives/bike-lanes/"]["content"]
    # The header, the navigation and the footer are not the page's text.
    assert "Test site" not in bike and "Made with" not in bike
    assert "Heat pumps" not in bike
    urls = set(pages)
    assert not any(url.startswith(("/portfolio/facets/", "/portfolio/zones/"))
                   for url in urls), urls
    assert "/portfolio/initiatives/" not in urls
    kinds = {page["filters"]["type"][0] for page in pages.values()}
    assert kinds == {"initiative", "partner", "theme", "portfolio", "page"}
    assert pages["/"]["filters"] == {"type": ["page"]}


def test_the_index_holds_the_authors_words_not_what_the_portfolio_generates_beside_them(
        built: Path) -> None:
    pages = fragments(built / "pagefind")
    bike = pages["/initiatives/bike-lanes/"]["content"]
    # The initiative's own text and its stories are found on its page...
    assert "Painted lanes along the harbour" in bike
    assert "Lanes opened" in bike and "Cyclists rode the quayside lanes" in bike
    # ...not its facts, partners' table, funding table or feed links, which are the same
    # words on every page (filters and metadata say them).
    for generated in ("Mission-oriented", "Green zone", "Lund University", "125,000",
                      "Atom feed"):
        assert generated not in bike, generated
    # A partner's page holds the partner, not the initiatives and stories it lists.
    acme = pages["/portfolio/partners/acme/"]["content"]
    assert "Acme" in acme
    assert "Bike lanes" not in acme and "Cyclists rode" not in acme
    # Nor do the portfolio's own pages repeat the stories (the timeline).
    assert not any("Cyclists rode" in page["content"] for url, page in pages.items()
                   if url != "/initiatives/bike-lanes/")


def test_the_filters_of_the_index_name_every_value_once(built: Path) -> None:
    bundle = built / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    language = entry["languages"]["en"]["hash"]
    meta = search._read_chunk(bundle / f"pagefind.{language}.pf_meta")
    assert isinstance(meta, list)
    names = [pair[0] for pair in meta[3]]  # type: ignore[index]
    assert names == sorted(names) == ["facet", "partners", "status", "themes", "type", "zone"]
    for _, chunk_hash in meta[3]:  # type: ignore[misc]
        name, values = search._read_chunk(bundle / "filter" / f"{chunk_hash}.pf_filter")  # type: ignore[misc]
        keys = [value[0] for value in values]
        assert keys == sorted(set(keys)), name


def test_the_header_search_box_uses_pagefind_and_material_never_loads_its_index(
        built: Path) -> None:
    html = (built / "initiatives" / "bike-lanes" / "index.html").read_text(encoding="utf-8")
    assert 'data-pf-search="../../pagefind/pagefind.js"' in html
    assert "assets/portfolio/search.js" in html
    # Material's bundle downloads search_index.json only where a form is named "search".
    assert 'name="search"' not in html
    assert (built / "pagefind" / "pagefind.js").is_file()
    assert (built / "assets" / "portfolio" / "search.js").is_file()


def material_index(out: Path) -> set[str]:
    """The pages in Material's search index, by their address."""
    docs = json.loads((out / "search" / "search_index.json").read_text("utf-8"))["docs"]
    return {doc["location"].split("#")[0] for doc in docs}


def test_where_pagefind_serves_materials_index_leaves_the_portfolios_pages_out(
        built: Path) -> None:
    # It is never downloaded: making it for thousands of pages is work for nothing.
    assert material_index(built) == {""}  # the hand-written home page only


def test_a_site_that_keeps_mkdocs_search_has_no_pagefind_index(
        tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, ":\n      search: mkdocs")
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr[-3000:]
    out = root / "out"
    assert not (out / "pagefind").exists()
    html = (out / "initiatives" / "bike-lanes" / "index.html").read_text(encoding="utf-8")
    assert 'class="md-search__form" name="search"' in html
    assert "data-pagefind-body" not in html and "data-pf-search=" not in html
    # Material's index is the readers' search then: it holds the portfolio's pages.
    assert {"initiatives/bike-lanes/", "portfolio/"} <= material_index(out)


def test_asking_for_pagefind_without_it_installed_stops_the_build_with_a_message(
        tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, PAGEFIND)
    # An interpreter that cannot import pagefind_bin: a `pagefind_bin` that is not a package.
    hide = tmp_path / "hide"
    (hide / "pagefind_bin").mkdir(parents=True)
    (hide / "pagefind_bin" / "__init__.py").write_text(
        "raise ImportError('hidden for the test')\n", encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(hide)}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
         "-d", str(root / "out")], capture_output=True, text=True, env=env, timeout=300,
        check=False)
    assert result.returncode != 0
    assert "search: pagefind needs the Pagefind binary" in result.stderr
    assert "pip install 'pagefind[bin]" in result.stderr
    assert "Traceback" not in result.stderr


def test_pages_are_kinds_and_listings_are_left_out() -> None:
    initiatives = {"initiatives/a.md": "/src/a.md"}
    generated = {"portfolio/index.md", "portfolio/partners/city.md",
                 "portfolio/partners/city/stories.md", "portfolio/themes/energy.md",
                 "portfolio/themes/energy/page-2.md",
                 "portfolio/facets/adaptive.md", "portfolio/timeline/2024.md",
                 "portfolio/timeline.md",
                 "portfolio/zones/blue.md", "portfolio/initiatives.md",
                 "portfolio/initiatives/2.md"}
    kinds = {uri: search.page_kind(uri, initiatives, generated, "portfolio")
             for uri in [*initiatives, *generated, "about.md"]}
    assert kinds == {
        "initiatives/a.md": "initiative", "portfolio/index.md": "portfolio",
        "portfolio/partners/city.md": "partner", "portfolio/partners/city/stories.md": None,
        "portfolio/themes/energy.md": "theme",
        "portfolio/themes/energy/page-2.md": None, "portfolio/timeline/2024.md": None,
        "portfolio/timeline.md": "portfolio",
        "portfolio/facets/adaptive.md": None, "portfolio/zones/blue.md": None,
        "portfolio/initiatives.md": None, "portfolio/initiatives/2.md": None,
        "about.md": "page"}


def test_the_content_region_is_marked_and_a_page_of_no_kind_is_left_as_it_was() -> None:
    page = textwrap.dedent("""\
        <body><nav>menu</nav><article class="md-content__inner md-typeset"><h1>T</h1>
        </article></body>""")
    marked = search.mark_page(page, "initiative")
    assert '<article class="md-content__inner md-typeset" data-pagefind-body>' \
        '<span data-pagefind-filter="type[data-pf-type]" data-pf-type="initiative"></span><h1>' \
        in marked
    # A generated page is named, so that Pagefind leaves out the stories it lists.
    assert '<article class="md-content__inner md-typeset" data-pagefind-body ' \
        'data-pf-indexed="partner"><span' in search.mark_page(page, "partner")
    assert "[data-pf-indexed=partner] .pf-stories" in search.command(Path("pf"), "site")[-1]
    assert search.mark_page(page, None) == page
    # Another theme: the body is the region.
    assert search.mark_page("<body class=x><p>t</p></body>", "page").startswith(
        '<body class=x data-pagefind-body><span data-pagefind-filter="type')


def test_the_rewritten_index_files_read_back_as_pagefind_wrote_them(built: Path) -> None:
    for path in [*(built / "pagefind" / "filter").iterdir(),
                 *(built / "pagefind").glob("*.pf_meta")]:
        data = gzip.decompress(path.read_bytes())
        item, end = search._cbor_read(data, len(search.MARK))
        assert end == len(data)
        assert search._cbor_write(item) == data[len(search.MARK):]


def test_under_serve_a_rebuild_stops_the_index_of_the_last_build_before_it_starts(
        tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, PAGEFIND)
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["portfolio"]
    assert isinstance(plugin, PortfolioPlugin)
    config.plugins.on_startup(command="serve", dirty=True)
    # The index of the last build, still running (Pagefind at 1,000 initiatives: seconds).
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    plugin.indexing = running
    try:
        config.plugins.on_config(config)
        # It would take a core from the rebuild the author waits for, and index a site that
        # this rebuild replaces: stopped, the rebuild indexes anew once it is done.
        assert running.poll() is not None
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)  # MkDocs keeps instances per process
