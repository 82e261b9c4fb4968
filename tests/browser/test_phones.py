"""Phones first: every page of the reference site, English and Swedish, at phone widths.

At 360 and 390 CSS pixels no page scrolls sideways, no word of the text is broken inside
(a break at a hyphen, a soft hyphen or a slash is a break between words), and a table wider than its
column is inside a region that has a name and that the keyboard can reach. At 360 px every
page also passes axe-core's WCAG 2.1 A and AA rules (one load a page for both checks). On a
phone, the plugin's tables reflow into one card per row, each value with its column's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .conftest import BuiltSite, Visit, axe_source, describe_violations, page_types

# For every page: how far it scrolls sideways, the words broken inside, and the tables wider
# than their box that are not in a named region the keyboard can reach.
AUDIT_JS = """() => {
  // A phone lays out a page wider than its screen (and shows it zoomed out) when something
  // in it is wider: measure against the screen, not the window.
  const scroll = Math.max(document.scrollingElement.scrollWidth, window.innerWidth) - screen.width;
  const unreachable = [];
  for (const table of document.querySelectorAll('article table')) {
    const box = table.closest('[role=region]') || table.parentElement;
    if (table.scrollWidth <= box.clientWidth + 1) continue;
    const named = box.getAttribute('role') === 'region' && box.getAttribute('tabindex') === '0'
      && (box.getAttribute('aria-label') || box.getAttribute('aria-labelledby'));
    if (!named) unreachable.push((table.caption || table).textContent.trim().slice(0, 60));
  }
  const broken = [];
  const article = document.querySelector('article');
  if (article) {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let node;
    while ((node = walker.nextNode()) && broken.length < 5) {
      if (!node.parentElement || !node.parentElement.offsetParent) continue;  // not shown
      const words = /[^\\s\\-\\u00ad\\u2010\\u2013\\u2014\\/]{4,}/g;
      let m;
      while ((m = words.exec(node.data))) {
        // Chromium draws the hyphen of a soft hyphen with the next letter: skip that letter.
        const start = m.index + (node.data[m.index - 1] === '\\u00ad' ? 1 : 0);
        range.setStart(node, start);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                 .map(r => Math.round(r.top)));
        if (lines.size > 1) { broken.push(m[0]); break; }
      }
    }
  }
  return {scroll, unreachable, broken};
}"""

# Every value of the plugin's tables, as a phone shows it: the name before it and the
# heading of its column.
LABELS_JS = """() => {
  const out = [];
  for (const table of document.querySelectorAll('article table.pf-table')) {
    const heads = [...table.querySelectorAll('thead th')].map(th => {
      const copy = th.cloneNode(true);  // its text as read aloud: without hidden symbols
      copy.querySelectorAll('[aria-hidden=true]').forEach(n => n.remove());
      return copy.textContent.trim();
    });
    for (const row of table.querySelectorAll('tbody tr, tfoot tr')) {
      [...row.children].forEach((cell, i) => {
        if (cell.tagName !== 'TD') return;
        const shown = getComputedStyle(cell, '::before').content;
        out.push({label: shown === 'none' ? '' : JSON.parse(shown), head: heads[i] || ''});
      });
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def every_page(reference_site: BuiltSite) -> list[str]:
    return reference_site.html_pages()


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Callable[[int], Any]]:
    """One browser page per width, reused for every page of the site (fast)."""
    contexts: dict[int, Any] = {}

    def at(width: int) -> Any:
        if width not in contexts:
            contexts[width] = browser.new_context(viewport={"width": width, "height": 800},
                                                  device_scale_factor=1, is_mobile=True,
                                                  has_touch=True).new_page()
        return contexts[width]

    yield at
    for page in contexts.values():
        page.context.close()


def audit(page: Any, base: str, urls: list[str],
          axe: Callable[[Any], list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """What is wrong with each page at the page's width; with `axe`, its violations too."""
    problems = {}
    for url in urls:
        response = page.goto(base + url, wait_until="load")
        found = page.evaluate(AUDIT_JS)
        wrong = {key: found[key] for key in ("scroll", "unreachable", "broken") if found[key]}
        if response is None or response.status not in (200, 404):
            wrong["status"] = response and response.status
        if axe is not None and (violations := axe(page)):
            wrong["axe"] = describe_violations(violations)
        if wrong:
            problems[url] = wrong
    return problems


def test_at_360_px_every_page_fits_and_axe_finds_no_violation(
        every_page: list[str], reference_url: str, phone: Callable[[int], Any],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    """Every page of both languages: the generated pages, each initiative's and partner's
    page, the year pages, the reports, the hand-written pages and 404, as they first show
    (charts as pictures: the charts' script is not loaded). axe-core's WCAG 2.1 A and AA
    rules run on each, loaded with the page. `test_accessibility` checks one page of each
    type with its charts drawn, at a desktop's width and at 320 px."""
    swedish = [url for url in every_page if url.startswith("sv/")]
    # (an empty or one-language site would pass with little to check)
    assert len(swedish) > 100 and len(every_page) - len(swedish) > 100, every_page
    page = phone(360)
    page.route("**/plotly*.js", lambda route: route.abort())
    page.context.add_init_script(path=str(axe_source()))
    found = audit(page, reference_url, every_page, axe)
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())


def test_at_390_px_no_page_type_scrolls_sideways_breaks_a_word_or_hides_a_wide_table(
        pages: dict[str, str], reference_url: str, phone: Callable[[int], Any]) -> None:
    swedish = [f"sv/{url}" for url in pages.values() if not url.startswith("404")]
    assert audit(phone(390), reference_url, list(pages.values()) + swedish) == {}


@pytest.mark.parametrize("page_type", ["overview", "facet_map", "leverage", "objectives",
                                       "ecosystem", "initiatives", "partner", "initiative"])
def test_on_a_phone_every_value_of_a_table_carries_its_columns_name(
        page_type: str, pages: dict[str, str], reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + pages[page_type], width=360, height=800)
    for details in visit.page.query_selector_all("article details"):
        details.evaluate("d => { d.open = true; }")
    cells = visit.page.evaluate(LABELS_JS)
    assert cells, f"{page_type}: no table values found"
    wrong = [c for c in cells if c["label"] != c["head"]]
    assert wrong == [], f"{page_type}: values shown without their column's name: {wrong[:5]}"


def test_wider_than_a_phone_tables_stay_tables(
        pages: dict[str, str], reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + pages["overview"], width=1366, height=900)
    shown = visit.page.evaluate("""() => [...document.querySelectorAll('article table.pf-table')]
        .map(t => [getComputedStyle(t).display,
                   getComputedStyle(t.querySelector('thead')).position])""")
    assert shown and all(s == ["table", "static"] for s in shown), shown


@pytest.fixture(scope="module")
def pages(reference_site: BuiltSite) -> dict[str, str]:
    return page_types(reference_site)
