"""The header search box, served by the site's own index, in Chromium on the reference site.

The site is served with the Content-Security-Policy of SECURITY.md and opened at 390 px, as
on a phone. A query
typed in the header shows each result's title, summary, facet and zone; a filter narrows them;
Material's search_index.json is never requested; the initiative list and the search carry
each other's filters through the URL.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import (
    POLICY,
    ROOT,
    BuiltSite,
    Visit,
    assert_no_violation,
    mkdocs_build,
    page_types,
)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def url(reference_site: BuiltSite, serve: Callable[..., str]) -> str:
    return serve(reference_site.site, {"Content-Security-Policy": POLICY})


@pytest.fixture(scope="module")
def pages(reference_site: BuiltSite) -> dict[str, str]:
    return page_types(reference_site)


def open_search(visit: Visit) -> Any:
    """Open the header search as a reader on a phone does: the magnifier, then the box."""
    visit.page.locator("label.md-header__button[for=__search]").click()
    box = visit.page.locator("#pf-search-q")
    box.wait_for(state="visible")
    return box


def results(visit: Visit) -> Any:
    """The results of the last query, once its count is said.

    A query typed letter by letter starts one search per letter; the results of an earlier
    letter stay on screen while the last one runs, so the status is waited for first.
    """
    visit.page.wait_for_function(
        "() => { const s = document.querySelector('[data-pf-search-status]');"
        " const t = s ? s.textContent.trim() : '';"
        " return t !== '' && !t.endsWith('\u2026'); }", timeout=15_000)
    visit.page.wait_for_selector(".pf-search-item", state="visible", timeout=15_000)
    return visit.page.locator(".pf-search-item")


def query_of(page_url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page_url).query,
                                         keep_blank_values=True).items()}


def test_a_query_in_the_header_shows_title_summary_facet_and_zone(
        url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(url, **PHONE)
    box = open_search(visit)
    assert box.get_attribute("aria-label") == "Search the site"
    box.press_sequentially("street lights")
    found = results(visit)
    item = found.filter(has_text="Street lights that adapt").first
    href = item.locator("a").get_attribute("href") or ""
    assert href.endswith("/initiatives/adaptive-street-lighting/")
    assert "dim when streets are empty" in item.locator(".pf-search-text").inner_text()
    assert item.locator(".pf-facet").inner_text() == "Enhancement-oriented"
    assert item.locator(".pf-zone").inner_text() == "Green zone"
    status = visit.page.locator("[data-pf-search-status]")
    assert status.get_attribute("role") == "status"
    assert status.inner_text().endswith("results")
    assert not any("search_index" in r for r in visit.requests), visit.requests
    assert any("/search-index/" in r for r in visit.requests)
    assert not any("/pagefind/" in r for r in visit.requests)
    assert_no_violation(visit, "search")


def test_a_filter_narrows_the_results_and_the_url_holds_it(
        url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(url, **PHONE)
    box = open_search(visit)
    box.press_sequentially("energy")
    before = results(visit).count()
    status = visit.page.locator("[data-pf-search-status]")
    total = status.inner_text()
    visit.page.locator(".pf-search-filters select[name=zone]").select_option("blue")
    visit.page.wait_for_function(
        "total => { const t = document.querySelector('[data-pf-search-status]').textContent;"
        " return t !== total && !t.endsWith('…'); }", arg=total)
    after = visit.page.locator(".pf-search-item")
    assert 0 < after.count() <= before
    assert int(status.inner_text().split()[0]) < int(total.split()[0])
    zones = after.locator(".pf-zone").all_inner_texts()
    assert zones and set(zones) == {"Blue zone"}
    assert query_of(visit.page.url) == {"search": "1", "q": "energy", "zone": "blue"}
    assert not any("search_index" in r for r in visit.requests)
    assert_no_violation(visit, "search filtered")


def test_a_searched_url_opens_the_search_with_its_query_and_filters(
        url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(url + "about/?search=1&q=energy&facet=adaptive&type=initiative",
                      **PHONE)
    found = results(visit)
    assert visit.page.locator("#pf-search-q").input_value() == "energy"
    assert visit.page.locator(".pf-search-filters select[name=facet]").input_value() == \
        "adaptive"
    facets = found.locator(".pf-facet").all_inner_texts()
    assert facets and set(facets) == {"Adaptive"}
    assert not any("search_index" in r for r in visit.requests)


def test_the_list_filters_go_into_the_search_and_back(
        url: str, pages: dict[str, str], open_page: Callable[..., Visit]) -> None:
    visit = open_page(url + pages["initiatives"] + "?zone=blue&facet=enhancement-oriented",
                      **PHONE)
    within = visit.page.locator("[data-pf-search-within]")
    within.wait_for(state="visible")
    assert within.inner_text() == "Search within these"
    within.click()
    found = results(visit)
    assert query_of(visit.page.url) == {"search": "1", "zone": "blue",
                                        "facet": "enhancement-oriented", "type": "initiative"}
    zones = found.locator(".pf-zone").all_inner_texts()
    assert zones and set(zones) == {"Blue zone"}
    assert set(found.locator(".pf-facet").all_inner_texts()) == {"Enhancement-oriented"}
    visit.page.locator("#pf-search-q").press_sequentially("care")
    visit.page.wait_for_function("() => location.search.includes('q=care')")
    back = visit.page.locator("[data-pf-search-list]")
    back.wait_for(state="visible")
    assert query_of(back.get_attribute("href") or "") == {
        "q": "care", "zone": "blue", "facet": "enhancement-oriented"}
    back.click()
    visit.page.wait_for_url("**/initiatives/?*")
    form = visit.page.locator("form.pf-index-filter")
    form.wait_for(state="visible")
    assert form.locator("select[name=zone]").input_value() == "blue"
    assert form.locator("select[name=facet]").input_value() == "enhancement-oriented"
    assert form.locator("input[name=q]").input_value() == "care"
    rows = visit.page.locator("[data-pf-item]:not([hidden])")
    assert rows.count() > 0
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.zone)")) == {"blue"}
    assert not any("search_index" in r for r in visit.requests)
    assert_no_violation(visit, "list and search")


def test_the_search_speaks_swedish_on_the_swedish_site(
        url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(url + "sv/", **PHONE)
    box = open_search(visit)
    assert box.get_attribute("aria-label") == "Sök på webbplatsen"
    box.press_sequentially("energi")
    found = results(visit)
    assert visit.page.locator("[data-pf-search-status]").inner_text().endswith("träffar")
    assert found.first.locator("a").get_attribute("href").startswith(url + "sv/")
    legend = visit.page.locator(".pf-search-filters legend").inner_text()
    assert legend == "Avgränsa träffarna"
    assert not any("search_index" in r for r in visit.requests)
    assert_no_violation(visit, "Swedish search")


def test_the_open_search_passes_axe_and_escape_closes_it(
        url: str, open_page: Callable[..., Visit], axe: Callable[..., list[Any]]) -> None:
    # axe-core is injected as an inline script: this one page is opened without the policy.
    visit = open_page(url, bypass_csp=True, **PHONE)
    box = open_search(visit)
    box.press_sequentially("water")
    results(visit)
    violations = axe(visit.page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    box.press("Escape")
    visit.page.wait_for_function("() => !document.getElementById('__search').checked")
    assert "search=" not in visit.page.url


# -- what a reader's first query costs ---------------------------------------------------------
GENERATED = 300


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A portfolio of 300 generated initiatives (bench/generate.py), built as it comes."""
    root = tmp_path_factory.mktemp("generated") / "portfolio"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--count",
                    str(GENERATED), "--out", str(root)], check=True, capture_output=True,
                   timeout=600)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "site"


def fetched(site: Path, base: str, requests: list[str]) -> dict[str, int]:
    """The size of each file of the search requested (as stored: the index's files are
    gzip'd by the build, whatever the server does)."""
    sizes = {}
    for request in requests:
        path = urlsplit(request).path
        if request.startswith(base) and (path.startswith("/search-index/")
                                         or path.endswith("/search-index.js")):
            sizes[path] = (site / path.lstrip("/")).stat().st_size
    return sizes


def test_a_first_query_fetches_five_results_and_little_of_the_index(
        generated: Path, serve: Callable[..., str], open_page: Callable[..., Visit]) -> None:
    base = serve(generated)
    visit = open_page(base, **PHONE)
    visit.page.wait_for_load_state("networkidle")
    box = open_search(visit)
    box.press_sequentially("energy", delay=20)
    results(visit)
    visit.page.wait_for_load_state("networkidle")
    sizes = fetched(generated, base, visit.requests)
    entry = json.loads((generated / "search-index" / "index.json").read_text(encoding="utf-8"))
    files = f"/search-index/{entry['build']}/"
    pages = [p for p in sizes if p.startswith(files + "d/")]
    shards = [p for p in sizes if p.startswith(files + "w/")]
    # A word most pages hold: its results are on the files of pages of the whole site.
    found = int(visit.page.locator("[data-pf-search-status]").inner_text().split()[0])
    assert found > 5 * entry["chunk"], found
    # Five results shown: the pages' files that hold them (40 pages each), no more.
    assert visit.page.locator(".pf-search-item").count() == 5
    assert 1 <= len(pages) <= 5, sizes
    # The shard of the word typed (of each prefix typed on the way: "e", "en", ...), and the
    # entry.
    assert len(shards) == 1 and "energy".startswith(shards[0].rsplit("/", 1)[1]), sizes
    # Nothing else of the index: no filter was chosen.
    assert set(sizes) == {"/search-index/index.json", *pages, *shards,
                          "/assets/portfolio/search-index.js"}, sizes
    # The whole first query, script included, at 300 initiatives: 17.7 KB when written.
    assert sum(sizes.values()) < 40_000, sizes
    assert not any("/pagefind/" in r or "search_index.json" in r for r in visit.requests)


def test_at_scale_the_facet_maps_figure_is_fetched_only_when_the_reader_explores_it(
        generated: Path, serve: Callable[..., str], open_page: Callable[..., Visit]) -> None:
    """Above 200 initiatives the figure (a point for each) is a file of its own: the page is
    light before the reader touches the chart, and exploring it still draws every point."""
    base = serve(generated)
    page_html = (generated / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert 'id="overview-facet-map-data"' not in page_html
    visit = open_page(base + "portfolio/", **PHONE)
    visit.page.wait_for_load_state("networkidle")
    figures = [u for u in visit.requests if "/portfolio/charts/" in u]
    assert figures == []  # nothing of it before the reader asks
    visit.page.locator("[data-pf-explore]").first.click()
    visit.page.wait_for_selector("#overview-facet-map .pf-plot .main-svg", timeout=30_000)
    assert [urlsplit(u).path for u in visit.requests if "/portfolio/charts/" in u] == \
        ["/portfolio/charts/overview-facet-map.json"]
    points = visit.page.locator("#overview-facet-map .scatterlayer .point").count()
    assert points == GENERATED
    assert visit.csp_messages == []
