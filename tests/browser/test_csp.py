"""The site works under the strict Content-Security-Policy documented in SECURITY.md.

The reference site is served with the policy as a response header; every page type is
opened in Chromium, and the test listens for `securitypolicyviolation` events and console
messages about the policy. Charts must still be drawn, filters and search still work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import (
    NO_INLINE_STYLE,
    POLICY,
    BuiltSite,
    Visit,
    assert_no_violation,
    mkdocs_build,
    page_types,
)
from support import write_site

ROOT = Path(__file__).resolve().parents[2]
@pytest.fixture(scope="module")
def csp_url(reference_site: BuiltSite, serve: Callable[..., str]) -> str:
    return serve(reference_site.site, {"Content-Security-Policy": POLICY})


@pytest.fixture(scope="module")
def pages(reference_site: BuiltSite) -> dict[str, str]:
    return page_types(reference_site)


def test_the_documented_policy_is_the_tested_one() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert POLICY in text.replace("\n", " ")
    assert "'unsafe-eval'" not in POLICY and "'unsafe-inline'" not in POLICY.split(";")[1]
    assert "script-src 'self';" in POLICY
    assert "script-src 'self' 'wasm-unsafe-eval';" in text.replace("\n", " ")  # (Pagefind)


def test_every_page_type_works_under_the_strict_policy(
        csp_url: str, pages: dict[str, str], open_page: Callable[..., Visit]) -> None:
    assert len(pages) >= 10, pages
    for name, url in pages.items():
        visit = open_page(csp_url + url)
        visit.wait_for_charts()
        assert_no_violation(visit, f"{name} ({url})")
        # Material's page helpers come from the plugin's file, not an inline script.
        assert visit.page.evaluate("typeof __md_get === 'function'"), name


def test_no_page_has_an_inline_script_that_would_run(reference_site: BuiltSite) -> None:
    runnable = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")"
                          r"[^>]*>", re.IGNORECASE)
    for path in reference_site.site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found = runnable.findall(text)
        assert found == [], f"{path.relative_to(reference_site.site)}: {found}"
        assert not re.search(r"\son[a-z]+=", text.split("<body", 1)[-1]), path


def test_charts_are_drawn_under_the_strict_policy(
        csp_url: str, pages: dict[str, str], open_page: Callable[..., Visit]) -> None:
    drawn = 0
    for name in ("overview", "facet_map", "leverage", "timeline", "objectives"):
        if name not in pages:
            continue
        visit = open_page(csp_url + pages[name])
        charts = visit.wait_for_charts()
        assert charts > 0, f"{name} has no chart"
        marks = visit.page.locator(
            ".pf-plot .scatterlayer .point, .pf-plot .barlayer .point, "
            ".pf-plot .scatterlayer .trace path, .pf-plot .pielayer path").count()
        assert marks > 0, f"{name}: the charts have nothing drawn in them"
        assert_no_violation(visit, name)
        drawn += charts
    assert drawn >= 3


def test_the_initiative_filters_work_under_the_strict_policy(
        csp_url: str, pages: dict[str, str], open_page: Callable[..., Visit]) -> None:
    visit = open_page(csp_url + pages["initiatives"])
    form = visit.page.locator("form.pf-filter").first
    form.wait_for(state="visible")
    rows = visit.page.locator("[data-pf-item]")
    visible = "[data-pf-item]:not([hidden])"
    total = visit.page.locator(visible).count()
    assert total == rows.count() > 5
    form.locator("select[name=facet]").select_option("adaptive")
    visit.page.wait_for_function(f"document.querySelectorAll('{visible}').length < {total}")
    shown = visit.page.locator(visible)
    assert 0 < shown.count() < total
    facets = shown.evaluate_all("rows => rows.map(r => r.getAttribute('data-facet'))")
    assert set(facets) == {"adaptive"}
    assert "facet=adaptive" in visit.page.url
    assert_no_violation(visit, "initiatives filtered")


def test_the_timeline_filters_work_under_the_strict_policy(
        csp_url: str, pages: dict[str, str], open_page: Callable[..., Visit]) -> None:
    visit = open_page(csp_url + pages["timeline"])
    form = visit.page.locator("form[data-pf-filter]").first
    form.wait_for(state="visible")
    visible = "[data-pf-item]:not([hidden])"
    total = visit.page.locator(visible).count()
    form.locator("select[name=kind]").select_option("setback")
    visit.page.wait_for_function(f"document.querySelectorAll('{visible}').length < {total}")
    kinds = visit.page.locator(visible).evaluate_all(
        "items => items.map(i => i.getAttribute('data-kind'))")
    assert kinds and set(kinds) == {"setback"}
    assert "kind=setback" in visit.page.url
    assert_no_violation(visit, "timeline filtered")


def test_the_partner_filter_of_the_ecosystem_works_under_the_strict_policy(
        csp_url: str, pages: dict[str, str], open_page: Callable[..., Visit]) -> None:
    visit = open_page(csp_url + pages["ecosystem"])
    form = visit.page.locator('form[data-pf-filter="pf-collaboration"]')
    form.wait_for(state="visible")
    visible = "#pf-collaboration [data-pf-item]:not([hidden])"
    total = visit.page.locator(visible).count()
    form.locator("select[name=sector]").select_option("business")
    visit.page.wait_for_function(f"document.querySelectorAll('{visible}').length < {total}")
    sectors = visit.page.locator(visible).evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-sector'))")
    assert sectors and set(sectors) == {"business"}
    assert_no_violation(visit, "ecosystem filtered")


def test_search_works_under_the_strict_policy(
        csp_url: str, open_page: Callable[..., Visit]) -> None:
    """The site's own index (the header box) is JSON read by a script of the site: no
    WebAssembly, nothing evaluated."""
    visit = open_page(csp_url)
    box = visit.page.locator("#pf-search-q")
    box.click()
    box.press_sequentially("mobility")
    visit.page.wait_for_selector(".pf-search-item", timeout=15_000)
    assert visit.page.locator(".pf-search-item").count() > 0
    assert any("/search-index/" in r for r in visit.requests)
    assert_no_violation(visit, "search")


def test_pagefind_needs_wasm_unsafe_eval_and_says_so_without_it(
        tmp_path: Path, serve: Callable[..., str], open_page: Callable[..., Visit]) -> None:
    """`search: pagefind`: Pagefind compiles WebAssembly, which `script-src 'self'` alone
    refuses; the search box says it could not be loaded, and works with
    `'wasm-unsafe-eval'` (as SECURITY.md says)."""
    config = write_site(tmp_path / "pagefind")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "plugins: [portfolio]", "plugins: [search, {portfolio: {search: pagefind}}]"),
        encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "pagefind" / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "pagefind" / "site"
    assert (site / "pagefind").is_dir() and not (site / "search-index").exists()
    for policy, works in ((POLICY, False), (POLICY.replace(
            "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"), True)):
        visit = open_page(serve(site, {"Content-Security-Policy": policy}), fresh=True)
        box = visit.page.locator("#pf-search-q")
        box.click()
        box.press_sequentially("alpha")
        visit.page.wait_for_function(
            "() => { const t = document.querySelector('[data-pf-search-status]').textContent;"
            " return t !== '' && !t.endsWith('\u2026'); }", timeout=15_000)
        status = visit.page.locator("[data-pf-search-status]").inner_text()
        if works:
            assert status.endswith(("result", "results")), status
            assert_no_violation(visit, "Pagefind search")
        else:
            assert status == "The search could not be loaded."
            assert any("WebAssembly" in m for m in visit.csp_messages + visit.console_messages)


def test_material_itself_needs_no_inline_style(
        reference_site: BuiltSite, pages: dict[str, str], serve: Callable[..., str],
        open_page: Callable[..., Visit]) -> None:
    """Until a reader explores a chart, `style-src 'self'` is enough: inline styles are
    plotly's need, and the pages' charts are static pictures until then."""
    url = serve(reference_site.site, {"Content-Security-Policy": NO_INLINE_STYLE})
    checked = charts = 0
    for name in ("home", "about", "accessibility", "initiative", "partner", "mandates", "404",
                 "overview", "facet_map", "leverage", "ecosystem"):
        if name not in pages:
            continue
        visit = open_page(url + pages[name])
        charts += visit.page.locator("[data-pf-chart] svg.pf-svg").count()
        assert_no_violation(visit, f"{name} without inline styles")
        checked += 1
    assert checked >= 7 and charts >= 4
