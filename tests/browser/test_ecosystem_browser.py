"""The ecosystem, leverage, timeline, objectives, mandates and partner pages in Chromium.

The reference site is opened at phone and desktop width: the charts are drawn, nothing goes
wrong in the console, no request leaves the site (axe-core: `test_accessibility`, `test_phones`),
the timeline's filter hides stories and keeps its state in the URL, and "who works with whom"
reads on a phone, filters by sector and name, and is reached by the keyboard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import BuiltSite, Visit, assert_quiet, describe_violations

WIDTHS = (390, 1280)
CHARTS = {"portfolio/leverage/": 2, "portfolio/timeline/": 1}


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


YEARS = "nav.pf-years li"


def years_listed(visit: Visit) -> list[tuple[bool, str, str, str | None]]:
    result: list[tuple[bool, str, str, str | None]] = visit.page.eval_on_selector_all(
        YEARS, "lis => lis.map(li => [li.hidden, li.querySelector('a').href,"
               " li.querySelector('.pf-muted').textContent,"
               " li.querySelector('a').getAttribute('aria-label')])")
    return result


def test_the_timeline_s_years_say_how_many_stories_match_its_filter_and_open_filtered(
        reference_url: str, open_page: Callable[..., Visit]) -> None:
    # (The filter narrowed the newest stories only: at thousands, a year's matches were
    # on its page, and nothing said how many there were.)
    visit = open_page(reference_url + "portfolio/timeline/")
    before = years_listed(visit)
    # Before any choice, the years say what the page was built with: every story, by year.
    total = re.search(r"All (\d+) stories", visit.page.locator("article").inner_text())
    assert total is not None
    assert sum(int(count.strip("()")) for _, _, count, _ in before) == int(total.group(1))
    intro = visit.page.locator("nav.pf-years p")
    said = intro.inner_text()
    form = 'form[data-pf-filter="pf-timeline"]'
    visit.page.select_option(f"{form} select[name=kind]", "milestone")
    visit.page.select_option(f"{form} select[name=facet]", "anticipatory")
    years = years_listed(visit)
    shown = [(href, int(count.strip("()")), label) for gone, href, count, label in years
             if not gone]
    hidden = [href for gone, href, _, _ in years if gone]
    assert shown and hidden and len(years) == len(before)
    assert intro.inner_text().startswith("Stories that match the filter, by year")
    for href, count, label in shown + [(href, 0, None) for href in hidden]:
        assert urlsplit(href).query == "kind=milestone&facet=anticipatory"
        if label is not None:  # what a screen reader says of the link
            year = urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]
            assert label == f"{year}: {count} matching stories"
        year_page = open_page(href, fresh=True)
        # The oracle: the stories the year's own page shows with the same filter.
        listed = year_page.page.eval_on_selector_all(
            "#pf-timeline [data-pf-item]:not([hidden])",
            "items => items.map(i => [i.dataset.kind, i.dataset.facet])")
        assert len(listed) == count, href
        assert all(item == ["milestone", "anticipatory"] for item in listed)
        carried = year_page.page.eval_on_selector_all(
            "a[data-pf-carry]", "links => links.map(a => new URL(a.href).search)")
        assert carried and set(carried) == {"?kind=milestone&facet=anticipatory"}
    # Without a kind or facet, the years are listed as they were.
    visit.page.select_option(f"{form} select[name=kind]", "")
    visit.page.select_option(f"{form} select[name=facet]", "")
    assert years_listed(visit) == before and intro.inner_text() == said
    # A partner is carried but not counted (the counts are not by partner).
    visit.page.select_option(f"{form} select[name=partners]", "norrvik-city")
    assert [(gone, count) for gone, _, count, _ in years_listed(visit)] == \
        [(gone, count) for gone, _, count, _ in before]
    assert {urlsplit(href).query for _, href, _, _ in years_listed(visit)} == \
        {"partners=norrvik-city"}
    # A partner the page does not offer (a link from elsewhere, an old bookmark) still
    # applies: nothing matches, and the page says so, rather than showing every story. A
    # kind that does not exist is no kind.
    stale = open_page(reference_url + "portfolio/timeline/?partners=gone-partner", fresh=True)
    assert stale.page.locator("#pf-timeline [data-pf-item]:not([hidden])").count() == 0
    status = stale.page.locator(f"{form} [data-pf-count]").inner_text()
    assert status.startswith("Showing 0 of ")
    chosen = stale.page.locator(f"{form} select[name=partners] option:checked").inner_text()
    assert chosen == "gone-partner (no stories on this page)"
    # Opened filtered, then shown all again: the years say what they said at first.
    filtered = open_page(reference_url + "portfolio/timeline/?kind=milestone", fresh=True)
    assert years_listed(filtered) != before
    filtered.page.click(f'{form} button[type="reset"]')
    filtered.page.wait_for_function("() => window.location.search === ''")
    assert years_listed(filtered) == before
    bogus = open_page(reference_url + "portfolio/timeline/?kind=bogus", fresh=True)
    everything = bogus.page.locator("#pf-timeline [data-pf-item]")
    assert everything.count() > 20
    assert bogus.page.locator("#pf-timeline [data-pf-item]:not([hidden])").count() == \
        everything.count()


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


def visible_sectors(visit: Visit) -> list[str]:
    result: list[str] = visit.page.eval_on_selector_all(
        "#pf-collaboration [data-pf-item]",
        "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.sector)")
    return result


@pytest.mark.parametrize("language", ["", "sv/"])
@pytest.mark.parametrize("width", [360, 1366])
def test_who_works_with_whom_fits_the_screen_and_has_no_accessibility_violation(
        reference_site: BuiltSite, reference_url: str, open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]], width: int, language: str) -> None:
    visit = open_page(reference_url + language + "portfolio/ecosystem/", width=width)
    page = visit.page
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, overflow
    # No chart to draw: the answer is in text, so it needs no plotly at all.
    assert page.locator("#pf-network, [data-pf-chart]").count() == 0
    assert not any("plotly" in u for u in visit.requests)
    for region in ("#pf-sector-matrix", "#pf-collaboration"):
        box = page.locator(region)
        assert box.is_visible()
        assert box.evaluate("b => b.scrollWidth - b.clientWidth") <= 1, region
    first = page.locator("#pf-sector-matrix tbody td").first
    label = first.evaluate("c => getComputedStyle(c, '::before').content")
    if width < 600:  # a card: each count says which sector it is with
        assert label in ('"with Public sector"', '"med Offentlig sektor"')
    else:
        assert label in ("none", "normal")
    violations = axe(page)
    assert violations == [], describe_violations(violations)
    assert_quiet(visit, reference_site.site)


def test_the_partner_table_filters_by_sector_and_by_name(
        reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/ecosystem/", width=360)
    page = visit.page
    form = page.locator('form[data-pf-filter="pf-collaboration"]')
    assert form.is_visible()
    everything = visible_sectors(visit)
    assert len(everything) > 20 and {"public", "business", "academia"} <= set(everything)
    page.select_option('form[data-pf-filter="pf-collaboration"] select[name="sector"]',
                       "academia")
    shown = visible_sectors(visit)
    assert shown and set(shown) == {"academia"} and len(shown) < len(everything)
    assert parse_qs(urlsplit(page.url).query) == {"sector": ["academia"]}
    status = form.locator("[data-pf-count]").inner_text()
    assert status == f"Showing {len(shown)} of {len(everything)} partners"
    # A name finds the partner's row (and the rows that name it as a close partner).
    page.select_option('form[data-pf-filter="pf-collaboration"] select[name="sector"]', "")
    page.fill('form[data-pf-filter="pf-collaboration"] input[name="q"]', "Norrvik University")
    # (textContent: the table is `content-visibility: auto`, and Chromium gives no innerText
    # for what it has not rendered yet, off the screen)
    names = page.eval_on_selector_all(
        "#pf-collaboration [data-pf-item]:not([hidden]) th",
        "ths => ths.map(t => t.textContent.trim())")
    assert "Norrvik University" in names and len(names) < len(everything)
    # Its count of partners leads to the full list on its page.
    row = page.locator("#pf-collaboration [data-pf-item]:not([hidden])",
                       has=page.locator("th", has_text="Norrvik University"))
    row.locator('a[href$="#pf-works-with"]').click()
    page.wait_for_url("**/portfolio/partners/norrvik-university/#pf-works-with")
    assert page.locator("#pf-works-with").is_visible()
    assert page.locator("table.pf-works-with tbody tr").count() > 3


def test_the_keyboard_reaches_the_sector_filter_and_the_partner_links(
        reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/ecosystem/", width=1366)
    page = visit.page
    seen = []
    for _ in range(600):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => {
            const e = document.activeElement;
            if (!e.closest('article')) return '';  // the header (its search box) is not it
            if (e.matches('select[name=sector]')) return 'sector';
            if (e.matches('input[name=q]')) return 'name';
            if (e.closest('#pf-collaboration tbody') && e.tagName === 'A') return 'link';
            return '';
        }""")
        if where and where not in seen:
            seen.append(where)
        if where == "link":
            break
    assert seen == ["sector", "name", "link"]
    # The select works from the keyboard too.
    page.locator("select[name=sector]").focus()
    page.keyboard.press("ArrowDown")
    assert set(visible_sectors(visit)) == {"public"}
