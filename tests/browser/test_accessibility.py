"""Accessibility in a real browser: axe-core's WCAG 2.1 A and AA rules on every page type of
the reference site, keyboard use of the charts' tables, text alternatives for every chart,
and colour never the only cue for facets and zones.

axe-core comes from npm (`npm ci`; package-lock.json pins it) and is injected into Debian's
Chromium by Playwright. Without it these tests fail with a message saying how to install it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import BuiltSite, Visit, assert_quiet, describe_violations, page_types

# Every page type the project makes (DESIGN.md, issues 2-6), with the hand-written pages.
PAGE_TYPES = ("home", "about", "accessibility", "overview", "facet_map", "initiatives",
              "facet", "zone", "theme", "initiative", "ecosystem", "partner", "leverage",
              "timeline", "year", "objectives", "mandates", "data", "404")


@pytest.fixture(scope="module")
def pages(reference_site: BuiltSite) -> dict[str, str]:
    return page_types(reference_site)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_axe_finds_no_wcag_21_aa_violation(
        page_type: str, pages: dict[str, str], reference_site: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit], axe: Callable[..., list[dict[str, Any]]]) -> None:
    """With its charts drawn, at a desktop's width; and nothing goes wrong in the console,
    no request leaves the site or asks for a file the build did not write."""
    assert page_type in pages, (
        f"the reference site has no {page_type} page; it has {sorted(pages)}")
    visit = open_page(reference_url + pages[page_type])
    visit.wait_for_charts()
    violations = axe(visit.page)
    assert violations == [], f"{pages[page_type]}:\n{describe_violations(violations)}"
    assert_quiet(visit, reference_site.site)


@pytest.mark.parametrize("page_type", ["home", "overview", "initiative", "timeline"])
def test_axe_finds_no_violation_at_phone_width(
        page_type: str, pages: dict[str, str], reference_url: str,
        open_page: Callable[..., Visit], axe: Callable[..., list[dict[str, Any]]]) -> None:
    assert page_type in pages, sorted(pages)
    visit = open_page(reference_url + pages[page_type], width=390, height=844)
    visit.wait_for_charts()
    violations = axe(visit.page)
    assert violations == [], f"{pages[page_type]} at 390 px:\n{describe_violations(violations)}"


def test_the_checker_finds_a_violation_on_a_broken_page(
        reference_url: str, open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    """Control: axe runs and reports, so an empty result above means something."""
    visit = open_page(reference_url)
    visit.page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = 'assets/images/favicon.png';
        document.querySelector('article').appendChild(img);
    }""")
    rules = {v["id"] for v in axe(visit.page)}
    assert "image-alt" in rules


# Focus moves with Tab; the chart's table opens with Enter on its summary.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {tag: el.tagName.toLowerCase(),
          inChartTable: !!el.closest('.pf-chart-table'),
          inTable: !!el.closest('.pf-chart-table table'),
          summary: el.tagName === 'SUMMARY',
          outline: getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth,
          text: (el.textContent || '').trim().slice(0, 40)};
}"""


def test_the_keyboard_reaches_the_links_in_a_charts_table(
        pages: dict[str, str], reference_url: str, open_page: Callable[..., Visit]) -> None:
    assert "facet_map" in pages, sorted(pages)
    visit = open_page(reference_url + pages["facet_map"])
    visit.wait_for_charts()
    page = visit.page
    page.locator("body").click(position={"x": 5, "y": 5})
    opened = False
    reached: dict[str, Any] | None = None
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if not focused:
            continue
        if focused["summary"] and focused["inChartTable"] and not opened:
            page.keyboard.press("Enter")
            opened = True
        elif focused["inTable"] and focused["tag"] == "a":
            reached = focused
            break
    assert opened, "Tab never reached the summary that opens a chart's table"
    assert reached is not None, "Tab never reached a link in the chart's table"
    assert not reached["outline"].startswith("none"), f"no visible focus: {reached}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/initiatives/" in page.url, page.url


def test_every_chart_has_a_caption_and_its_data_as_a_table(
        reference_site: BuiltSite, pages: dict[str, str], reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    seen = 0
    for name, url in pages.items():
        visit = open_page(reference_url + url, wait_until="domcontentloaded")
        charts = visit.page.evaluate("""() => Array.from(
            document.querySelectorAll('[data-pf-chart]')).map(node => {
              const figure = node.closest('figure');
              const caption = figure && figure.querySelector('figcaption');
              const table = figure && figure.querySelector('table');
              return {caption: caption ? caption.textContent.trim() : '',
                      rows: table ? table.querySelectorAll('tbody tr').length : 0,
                      headers: table ? table.querySelectorAll('th[scope]').length : 0};
            })""")
        for chart in charts:
            assert chart["caption"], f"{name}: a chart without a caption"
            assert chart["rows"] > 0 and chart["headers"] > 0, f"{name}: {chart}"
            seen += 1
    assert seen >= 5


def test_facet_and_zone_badges_say_their_name_in_words(
        pages: dict[str, str], reference_url: str, open_page: Callable[..., Visit]) -> None:
    checked = 0
    for name in ("initiative", "initiatives", "overview", "facet", "zone", "partner"):
        if name not in pages:
            continue
        visit = open_page(reference_url + pages[name], wait_until="domcontentloaded")
        # Tables and charts are `content-visibility: auto`: Chromium gives no innerText for
        # what it has not rendered yet, off the screen.
        visit.page.evaluate("""() => document.querySelectorAll('.pf-table-wrap, figure.pf-chart')
            .forEach(e => { e.style.contentVisibility = 'visible'; })""")
        badges = visit.page.evaluate("""() => Array.from(
            document.querySelectorAll('.pf-zone.pf-badge, .pf-facet.pf-badge, .pf-badge'))
            .map(b => ({cls: b.className,
                        text: b.innerText.replace(/[^\\p{L}]+/gu, ' ').trim()}))""")
        for badge in badges:
            assert len(badge["text"]) >= 3, f"{name}: a badge with no words: {badge}"
        checked += len(badges)
    assert checked > 10


def test_the_facet_map_tells_zones_apart_by_shape_as_well_as_colour(
        pages: dict[str, str], reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + pages["facet_map"])
    visit.wait_for_charts()
    traces = visit.page.evaluate("""() => {
        const node = document.querySelector('.pf-plot');
        return node.data.filter(t => t.marker && t.mode && t.mode.includes('markers'))
          .map(t => ({name: t.name, symbol: JSON.stringify(t.marker.symbol),
                      color: JSON.stringify(t.marker.color)}));
    }""")
    marked = [t for t in traces if t["symbol"] not in ("undefined", "null")]
    assert len(marked) >= 3, traces
    assert len({t["symbol"] for t in marked}) >= 3, "zones share one marker shape"


def test_every_page_type_reflows_at_320_pixels_without_sideways_scrolling(
        pages: dict[str, str], reference_url: str, open_page: Callable[..., Visit]) -> None:
    """WCAG 1.4.10: at 320 CSS pixels (a 1280 px window zoomed to 400%) the page does not
    scroll sideways; wide tables may scroll inside their own box."""
    too_wide = {}
    for name, url in pages.items():
        visit = open_page(reference_url + url, width=320, height=640)
        visit.wait_for_charts()
        width = visit.page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[name] = width
    assert too_wide == {}, f"pages wider than 320 px: {too_wide}"
