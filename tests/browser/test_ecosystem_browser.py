"""The ecosystem, leverage, timeline, objectives, mandates and partner pages in Chromium.

The reference site is opened at phone and desktop width: the charts are drawn, nothing goes
wrong in the console, no request leaves the site, axe-core finds no WCAG 2.1 AA violation,
and the timeline's filter hides stories and keeps its state in the URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import BuiltSite, Visit, assert_quiet, describe_violations

WIDTHS = (390, 1280)
CHARTS = {"portfolio/ecosystem/": 1, "portfolio/leverage/": 2, "portfolio/timeline/": 1}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", sorted(CHARTS))
def test_the_charts_are_drawn_without_errors_or_other_hosts(
        reference_site: BuiltSite, reference_url: str, open_page: Callable[..., Visit],
        path: str, width: int) -> None:
    visit = open_page(reference_url + path, width=width)
    assert visit.wait_for_charts() == CHARTS[path]
    assert visit.page.locator("[data-pf-chart] .main-svg").count() >= CHARTS[path]
    # A chart fits the page: no sideways scrolling at phone width.
    overflow = visit.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, overflow
    assert_quiet(visit, reference_site.site)


@pytest.mark.parametrize("path", ["portfolio/ecosystem/", "portfolio/leverage/",
                                  "portfolio/timeline/", "portfolio/objectives/",
                                  "portfolio/mandates/", "portfolio/partners/norrvik-city/",
                                  "portfolio/timeline/2023/"])
def test_the_pages_have_no_accessibility_violation(
        reference_site: BuiltSite, reference_url: str, open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]], path: str) -> None:
    visit = open_page(reference_url + path)
    visit.wait_for_charts()
    violations = axe(visit.page)
    assert violations == [], describe_violations(violations)
    assert_quiet(visit, reference_site.site)


def visible_kinds(visit: Visit) -> list[str]:
    result: list[str] = visit.page.eval_on_selector_all(
        "#pf-timeline [data-pf-item]",
        "items => items.filter(i => i.offsetParent !== null).map(i => i.dataset.kind)")
    return result


def test_the_timeline_filter_hides_stories_and_keeps_its_state_in_the_url(
        reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/timeline/")
    page = visit.page
    form = page.locator('form[data-pf-filter="pf-timeline"]')
    assert form.is_visible()
    everything = visible_kinds(visit)
    assert len(everything) > 20 and "setback" in everything and "milestone" in everything
    page.select_option('form[data-pf-filter="pf-timeline"] select[name="kind"]', "setback")
    shown = visible_kinds(visit)
    assert shown and set(shown) == {"setback"} and len(shown) < len(everything)
    assert parse_qs(urlsplit(page.url).query) == {"kind": ["setback"]}
    status = page.locator("form[data-pf-filter] [data-pf-count]").inner_text()
    assert status == f"Showing {len(shown)} of {len(everything)} stories"
    # Years without a setback are hidden as a whole.
    groups = page.eval_on_selector_all(
        "#pf-timeline [data-pf-group]",
        "gs => gs.map(g => [g.hidden, g.querySelectorAll('[data-pf-item]:not([hidden])').length])")
    assert all(hidden == (count == 0) for hidden, count in groups)
    # Partner and facet narrow it further; a shared URL opens the same view.
    page.select_option('form[data-pf-filter="pf-timeline"] select[name="kind"]', "")
    page.select_option('form[data-pf-filter="pf-timeline"] select[name="partners"]',
                       "norrvik-city")
    partners = page.eval_on_selector_all(
        "#pf-timeline [data-pf-item]:not([hidden])", "items => items.map(i => i.dataset.partners)")
    assert partners and all("norrvik-city" in p.split() for p in partners)
    assert parse_qs(urlsplit(page.url).query) == {"partners": ["norrvik-city"]}
    shared = open_page(reference_url + "portfolio/timeline/?kind=learning&facet=adaptive")
    kinds = shared.page.eval_on_selector_all(
        "#pf-timeline [data-pf-item]:not([hidden])",
        "items => items.map(i => [i.dataset.kind, i.dataset.facet])")
    assert kinds and all(k == ["learning", "adaptive"] for k in kinds)
    # Reset shows everything again.
    shared.page.click('form[data-pf-filter="pf-timeline"] button[type="reset"]')
    shared.page.wait_for_function(
        "() => !document.querySelector('#pf-timeline [data-pf-item][hidden]')")
    assert urlsplit(shared.page.url).query == ""


def test_without_javascript_every_story_shows_and_the_filter_stays_hidden(
        browser: Any, reference_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(reference_url + "portfolio/timeline/")
        assert not page.locator('form[data-pf-filter="pf-timeline"]').is_visible()
        items = page.locator("#pf-timeline [data-pf-item]")
        assert items.count() > 20
        assert page.locator("#pf-timeline [data-pf-item]:visible").count() == items.count()
        # Every year has its own page, reachable by a plain link.
        years = page.locator("nav.pf-years a")
        assert years.count() >= 1
        years.first.click()
        page.wait_for_url("**/timeline/*/")
        assert page.locator("[data-pf-item]").count() >= 1
    finally:
        context.close()


def test_network_markers_open_the_partner_pages(
        reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/ecosystem/")
    visit.wait_for_charts()
    page = visit.page
    markers = page.locator("#pf-network .scatterlayer .point")
    assert markers.count() > 30
    # The last traces are the partners'; their points link to partner pages.
    partner = page.locator("#pf-network .scatterlayer .trace").last.locator(".point").first
    partner.click(force=True)
    page.wait_for_url("**/portfolio/partners/*/", timeout=10_000)
    assert page.locator("h1").count() == 1
