"""The overview page: key figures, balance, movement and links, against hand-computed values.

The fixture portfolio (`support.fixture`) is small enough to compute every figure by hand (see
the comment above it); `support.generated` makes big portfolios for the page-weight budget.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

import pytest

from portfolio_plugin.model import (
    Facet,
    Zone,
)
from portfolio_plugin.render import facetmap
from portfolio_plugin.render import make as make_item
from portfolio_plugin.render.overview import key_figures, moves_chart, overview_page, pages
from portfolio_plugin.render.overview import zones_chart as zones_chart_of

from support import HOSTILE, fixture, generated, make, portfolio_of, renderer, tables


def table_with(html: str, caption_word: str) -> list[list[str]]:
    """The table whose caption (or first header) contains a word."""
    for match in re.finditer(r"<table.*?</table>", html, re.S):
        if caption_word in match.group(0).split("</caption>")[0]:
            return tables(match.group(0))[0]
    raise AssertionError(f"no table with {caption_word!r}")


# -- tests ----------------------------------------------------------------------------------


def test_key_figures_are_the_hand_computed_ones() -> None:
    r = renderer(fixture())
    figures = {f.label: f.value for f in key_figures(r)}
    assert figures == {"initiatives": "5", "partner organisations": "2",
                       "gathered in cash, all years": r.t.money(2700, "SEK", compact=True),
                       "critical events in 2025": "1"}


def test_the_balance_table_holds_the_hand_computed_counts_money_and_totals() -> None:
    r = renderer(fixture())
    rows = table_with(overview_page(r), "cash funding (all years) by facet and zone")
    money = lambda x: " ".join(r.t.money(x, "SEK", compact=True).split())  # noqa: E731
    cells = {row[0]: row[1:] for row in rows[1:]}

    def cell(count: int, amount: float) -> str:
        return f"{count} initiatives, {money(amount)}"

    assert rows[0] == ["Facet", "○ Yellow zone", "◇ Green zone", "■ Blue zone", "Total"]
    assert cells["▲ Mission-oriented"] == [cell(1, 200), cell(0, 0), cell(1, 100), cell(2, 300)]
    assert cells["◀ Enhancement-oriented"] == [cell(1, 0), cell(0, 0), cell(0, 0), cell(1, 0)]
    assert cells["▶ Anticipatory"] == [cell(0, 0), cell(1, 400), cell(0, 0), cell(1, 400)]
    assert cells["▼ Adaptive"] == [cell(0, 0), cell(1, 1000), cell(0, 0), cell(1, 1000)]
    assert cells["Total"] == [cell(2, 200), cell(2, 1400), cell(1, 100), cell(5, 1700)]


def test_every_gap_of_the_balance_is_named_in_words() -> None:
    page = overview_page(renderer(fixture()))
    gaps = re.search(r'<div class="pf-gaps">(.*?)</div>', page, re.S)
    assert gaps is not None
    found = re.findall(r"<li>(.*?)</li>", gaps.group(1))
    assert found == [
        "No mission-oriented work is in the green zone.",
        "No enhancement-oriented work is in the green zone.",
        "No enhancement-oriented work has reached the blue zone.",
        "No anticipatory work is being explored in the yellow zone.",
        "No anticipatory work has reached the blue zone.",
        "No adaptive work is being explored in the yellow zone.",
        "No adaptive work has reached the blue zone.",
    ]


def test_the_moves_chart_and_its_table_hold_the_hand_computed_moves_per_year() -> None:
    r = renderer(fixture())
    chart = moves_chart(r)
    forward, backward = chart.figure["data"]
    years = ["2021", "2022", "2023", "2024", "2025"]
    assert forward["x"] == years and list(forward["y"]) == [0, 2, 0, 2, 1]
    assert backward["x"] == years and list(backward["y"]) == [0, 0, 1, 0, 0]
    assert chart.table.headers == ("Year", "Yellow → Green", "Green → Blue", "Green → Yellow",
                                   "Moves towards blue", "Moves back towards yellow")
    assert chart.table.rows == (("2021", "0", "0", "0", "0", "0"),
                                ("2022", "2", "0", "0", "2", "0"),
                                ("2023", "0", "0", "1", "0", "1"),
                                ("2024", "1", "1", "0", "2", "0"),
                                ("2025", "1", "0", "0", "1", "0"))


def test_the_zones_chart_counts_initiatives_in_each_zone_at_each_year_end() -> None:
    chart = zones_chart_of(renderer(fixture()))
    by_zone = {trace["name"]: list(trace["y"]) for trace in chart.figure["data"]}
    assert by_zone == {"○ Yellow zone": [2, 0, 2, 3, 2], "◇ Green zone": [0, 2, 1, 1, 2],
                       "■ Blue zone": [0, 0, 0, 1, 1]}
    assert chart.table.rows[-1] == ("2025", "2", "2", "1", "5")


def test_the_overview_lists_the_moves_of_the_last_twelve_months_newest_first() -> None:
    page = overview_page(renderer(fixture()))
    moves = re.search(r'<ol class="pf-moves[^"]*">(.*?)</ol>', page, re.S)
    assert moves is not None
    items = re.findall(r'<time datetime="([\d-]+)">.*?<a href="[^"]*">([^<]*)</a>',
                       moves.group(1))
    assert items == [("2025-02-01", "Eps"), ("2024-09-01", "Gamma")]
    assert "2 moves between zones by 2 initiatives: 2 towards the blue zone and 0 back" in page


def test_the_overview_links_every_other_generated_page() -> None:
    r = renderer(fixture())
    page = overview_page(r)
    links = set(re.findall(r'href="([^"]+)"', page))
    expected = {"facet-map/", "initiatives/", "ecosystem/", "leverage/", "timeline/",
                "objectives/", "mandates/", "data/", "facets/mission-oriented/",
                "facets/enhancement-oriented/", "facets/anticipatory/", "facets/adaptive/",
                "zones/yellow/", "zones/green/", "zones/blue/", "themes/energy/",
                "themes/care/"}
    assert expected <= links
    assert "Facets and zones, in plain words" in page


def test_the_overview_and_the_facet_map_page_are_made_at_their_addresses() -> None:
    made = {uri: make_item(value) for uri, value in pages(renderer(fixture()))}
    assert set(made) == {"portfolio/index.md", "portfolio/facet-map.md"}
    assert 'id="overview-facet-map-data"' in made["portfolio/index.md"]
    assert 'id="facet-map-data"' in made["portfolio/facet-map.md"]


def test_at_scale_the_facet_maps_figure_is_a_file_the_page_fetches_the_same_as_it_carried(
        monkeypatch: pytest.MonkeyPatch) -> None:
    carried = {uri: make_item(value) for uri, value in pages(renderer(generated(60)))}
    monkeypatch.setattr(facetmap, "FIGURE_APART", 50)
    apart = {uri: make_item(value) for uri, value in pages(renderer(generated(60)))}
    files = {"portfolio/charts/overview-facet-map.json", "portfolio/charts/facet-map.json"}
    assert set(apart) == set(carried) | files
    for page, chart in (("portfolio/index.md", "overview-facet-map"),
                        ("portfolio/facet-map.md", "facet-map")):
        text, before = str(apart[page]), str(carried[page])
        assert f'id="{chart}-data"' not in text
        src = re.search(rf'<div class="pf-plot" data-pf-chart="{chart}-data" '
                        r'data-pf-chart-src="([^"]+)"', text)
        assert src is not None, page
        # The address, from the page's own (a folder, with directory URLs), is the file's.
        folder = "portfolio/" if page.endswith("index.md") else "portfolio/facet-map/"
        assert posixpath.normpath(folder + src.group(1)) == f"portfolio/charts/{chart}.json"
        figure = re.search(rf'id="{chart}-data">(.*?)</script>', before, re.S)
        assert figure is not None
        assert apart[f"portfolio/charts/{chart}.json"] == figure.group(1).encode("utf-8")
        # The rest of the page is as it was.
        assert text.replace(f' data-pf-chart-src="{src.group(1)}"', "") == before.replace(
            f'<script type="application/json" id="{chart}-data">{figure.group(1)}</script>\n',
            "")


def test_a_figure_published_apart_is_addressed_from_the_pages_url_for_any_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The script reads the address against the page's URL, which an engine that rewrites
    the page's own links (`source_links`: Zensical) does not change."""
    monkeypatch.setattr(facetmap, "FIGURE_APART", 50)
    for source_links in (False, True):
        r = renderer(generated(60))
        r.options = replace(r.options, source_links=source_links)
        page = str(make_item(dict(pages(r))["portfolio/facet-map.md"]))
        assert 'data-pf-chart-src="../charts/facet-map.json"' in page, source_links


def test_overview_and_facet_map_stay_under_300_kb_at_1000_initiatives() -> None:
    r = renderer(generated(1000))
    for uri, value in pages(r):
        if not uri.endswith(".md"):  # (the facet map's figure, fetched only on exploring)
            continue
        page = make_item(value)
        size = len(page.encode("utf-8"))
        # The theme adds its header, navigation and search (about 30 KB) around the page.
        assert size + 40_000 < 300_000, (uri, size)


def test_hostile_titles_are_escaped_in_the_overview() -> None:
    initiatives = list(fixture().initiatives)
    initiatives[0] = make("alpha", Facet.MISSION, Zone.BLUE, title=HOSTILE,
                          history=(("2024-09", Zone.YELLOW), ("2025-01", Zone.BLUE)))
    page = overview_page(renderer(portfolio_of(initiatives)))
    assert "<img" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_overview_speaks_swedish_on_a_swedish_site() -> None:
    page = overview_page(renderer(fixture(), language="sv"))
    assert "Facetter och zoner, med enkla ord" in page
    assert "Inget föregripande arbete har nått den blå zonen." in page
    assert "No anticipatory" not in page
