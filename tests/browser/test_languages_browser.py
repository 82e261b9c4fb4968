"""The Swedish reference site in a real browser: accessible, Swedish where the plugin writes,
long Swedish words and amounts fitting their boxes, and the language switcher.

The reference site fixture builds `mkdocs.sv.yml` into `sv/` of the English site, as
`bash dev.sh build` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portfolio_plugin.i18n import package_catalogue
from portfolio_plugin.render.charts import PLOTLY_WORDS

from .conftest import BuiltSite, Visit, describe_violations

SWEDISH_PAGES = ("sv/", "sv/portfolio/", "sv/portfolio/facet-map/", "sv/portfolio/leverage/",
                 "sv/initiatives/adaptive-street-lighting/", "sv/portfolio/timeline/")


@pytest.fixture(scope="module")
def swedish(reference_site: BuiltSite) -> BuiltSite:
    assert (reference_site.site / "sv" / "index.html").is_file(), \
        "the reference site fixture builds mkdocs.sv.yml into sv/"
    return reference_site


@pytest.mark.parametrize("path", SWEDISH_PAGES)
def test_swedish_pages_are_in_swedish_and_pass_axe(
        path: str, swedish: BuiltSite, reference_url: str, open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    visit = open_page(reference_url + path)
    visit.wait_for_charts()
    assert visit.page.evaluate("document.documentElement.lang") == "sv"
    assert visit.console_errors == [] and visit.page_errors == []
    violations = axe(visit.page)
    assert violations == [], f"{path}:\n{describe_violations(violations)}"


# Whether each key figure's text fits inside its card (a Swedish amount keeps its no-break
# spaces: "191,1 mn kr" must not break inside "kr" or stick out of the card).
_FIGURES_FIT = """() => Array.from(document.querySelectorAll('.pf-figures li')).map(li => {
    const strong = li.querySelector('strong');
    const range = document.createRange();
    range.selectNodeContents(strong);
    const text = range.getBoundingClientRect(), card = li.getBoundingClientRect();
    return {text: strong.textContent, lines: range.getClientRects().length,
            inside: text.left >= card.left - 0.5 && text.right <= card.right + 0.5};
})"""


@pytest.mark.parametrize("width", [390, 1280])
def test_swedish_key_figures_fit_their_cards_on_one_line(
        width: int, swedish: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    for path in ("sv/portfolio/", "sv/portfolio/leverage/"):
        visit = open_page(reference_url + path, width=width, height=844)
        figures = visit.page.evaluate(_FIGURES_FIT)
        assert len(figures) >= 4, path
        money = [f for f in figures if f["text"].endswith("kr")]
        assert money, f"{path}: amounts in kronor, the Swedish way"
        bad = [f for f in figures if not f["inside"] or f["lines"] != 1]
        assert bad == [], f"{path} at {width} px: {bad}"


def test_the_facet_maps_hover_label_shows_the_swedish_title(
        swedish: BuiltSite, reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "sv/portfolio/facet-map/")
    visit.wait_for_charts()
    page = visit.page
    titles = []
    points = page.locator(".pf-plot .scatterlayer .point")
    assert points.count() >= 30
    for index in range(points.count()):
        point = points.nth(index)
        point.scroll_into_view_if_needed()
        box = point.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.move(box["x"] + box["width"] / 2 + 1, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
        titles.append(" ".join(page.locator(".hoverlayer text").all_text_contents()))
        if "Gatubelysning som anpassar sig" in titles[-1]:
            break
    hovered = titles[-1]
    assert "Gatubelysning som anpassar sig" in hovered, titles
    assert "Street lights that adapt" not in " ".join(titles)
    assert "Förbättringsorienterad" in hovered and "Grön zon" in hovered


@pytest.mark.parametrize("path", ["portfolio/leverage/", "initiatives/citizen-panels/",
                                  "about/", ""])
def test_the_language_switch_and_hreflang_lead_to_the_same_page_in_the_other_language(
        path: str, swedish: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    """From a generated page, an initiative, a hand-written page and the home, both ways;
    the head's hreflang links name the same addresses as the switch."""
    visit = open_page(reference_url + "sv/" + path)
    page = visit.page
    for lang, target in (("en", path), ("sv", "sv/" + path)):
        hreflang = page.evaluate(
            f"document.querySelector('link[hreflang={lang}]').href")
        assert hreflang == reference_url + target
        page.locator(".md-header__option .md-select").hover()
        page.locator(f".md-select__link[hreflang={lang}]").click()
        page.wait_for_load_state("load")
        assert page.url == reference_url + target
        assert page.evaluate("document.documentElement.lang") == lang


def test_plotlys_own_tool_tips_are_swedish(
        swedish: BuiltSite, reference_url: str, open_page: Callable[..., Visit]) -> None:
    sv = package_catalogue("sv")
    visit = open_page(reference_url + "sv/portfolio/leverage/")
    assert visit.wait_for_charts() >= 2
    titles = set(visit.page.evaluate(
        "() => [...document.querySelectorAll('.modebar-btn')].map(b => b.dataset.title)"))
    assert sv["chart.plotly.download_png"] in titles and sv["chart.plotly.zoom"] in titles
    assert titles <= {sv[key] for key in PLOTLY_WORDS}, titles
