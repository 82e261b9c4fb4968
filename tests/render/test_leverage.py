"""The leverage page: every number compared with values worked out by hand from DESIGN.md.

The layered portfolio and the HTML readers the page tests of this area share are in
support.py.
"""

from __future__ import annotations

import re

from support import LAYERED_ALPHA, Site, chart_data, layered_site, render, table, text


def leverage_page(site: Site) -> str:
    return render(layered_site(site), ("leverage",))["portfolio/leverage.md"]


def test_layer_table_gives_every_year_and_the_total_computed_by_hand(site: Site) -> None:
    found = table(leverage_page(site), "pf-layer-table")
    assert found.head[0] == ["Year", "Layer 1", "Layer 2", "Layer 3", "Layers 2 + 3",
                             "In kind", "Layer 4", "Leverage"]
    assert found.body == [
        # 2022: base 1,000; alpha 500 (layer 2); beta's 100 in kind; one critical event.
        ["2022", "1,000", "500", "0", "500", "100", "1", "0.50×"],
        # 2023: 100 EUR x 10 + 500; alpha 60 EUR x 10; beta 30 EUR x 10; 200 in kind.
        ["2023", "1,500", "600", "300", "900", "200", "1", "0.60×"],
        # 2024: no base investment, so no ratio; beta's 400 NOK x 0.5.
        ["2024", "0", "300", "200", "500", "0", "1", "–"],
    ]
    assert found.foot == [["Total", "2,500", "1,400", "500", "1,900", "300", "3", "0.76×"]]
    assert "SEK" in found.caption


def test_a_year_without_base_investment_shows_a_dash_and_says_why(site: Site) -> None:
    page = leverage_page(site)
    assert "no base investment that year (2024)" in text(page)


def test_in_kind_never_enters_the_ratio(site: Site) -> None:
    alpha = dict(LAYERED_ALPHA)
    alpha["funding"] = [*LAYERED_ALPHA["funding"],
                        {"funder": "acme", "amount": 5000, "year": 2022, "kind": "in-kind"}]
    page = render(layered_site(site, alpha=alpha), ("leverage",))["portfolio/leverage.md"]
    found = table(page, "pf-layer-table")
    assert found.body[0] == ["2022", "1,000", "500", "0", "500", "5,100", "1", "0.50×"]
    assert found.foot[0][-1] == "0.76×"


def test_headline_figures_are_the_totals(site: Site) -> None:
    page = leverage_page(site)
    items = [text(li) for li in re.findall(r"<li>.*?</li>", page.split("pf-figures", 1)[1]
                                           .split("</ul>", 1)[0], re.S)]
    assert items[0].startswith("0.76×")
    assert items[1].startswith("SEK 2,500")
    assert items[2].startswith("SEK 1,900")
    assert items[3].startswith("SEK 300")
    assert items[4].startswith("3 ")


def test_the_four_layers_are_explained_in_plain_words(site: Site) -> None:
    words = text(leverage_page(site))
    for phrase in ("Layer 1: base investment", "Layer 2: platform projects",
                   "Layer 3: partners' own projects", "Layer 4: critical events",
                   "(layer 2 + layer 3) ÷ layer 1"):
        assert phrase.lower() in words.lower()


def test_layer_chart_carries_the_same_numbers(site: Site) -> None:
    figure = chart_data(leverage_page(site), "pf-layers")
    traces = figure["data"]
    assert all(t["x"] == ["2022", "2023", "2024"] for t in traces)
    assert traces[0]["y"] == [1000, 1500, 0]
    assert traces[1]["y"] == [500, 600, 300]
    assert traces[2]["y"] == [0, 300, 200]
    assert traces[3]["y"] == [0.5, 0.6, None] and traces[3]["yaxis"] == "y2"
    assert figure["config"]["displaylogo"] is False


def test_split_by_facet_and_theme(site: Site) -> None:
    page = leverage_page(site)
    facets = table(page, "pf-by-facet")
    assert facets.body == [
        ["▲ Mission-oriented", "1", "1,400", "0", "1,400", "200", "2"],
        ["◀ Enhancement-oriented", "0", "0", "0", "0", "0", "0"],
        ["▶ Anticipatory", "0", "0", "0", "0", "0", "0"],
        ["▼ Adaptive", "1", "0", "500", "500", "100", "1"],
    ]
    assert facets.foot == [["Total", "2", "1,400", "500", "1,900", "300", "3"]]
    themes = table(page, "pf-by-theme")
    assert themes.body == [["Energy", "2", "1,400", "500", "1,900", "300", "3"],
                           ["Mobility", "1", "0", "500", "500", "100", "1"]]


def test_new_partners_and_new_funders_per_year(site: Site) -> None:
    page = leverage_page(site)
    found = table(page, "pf-newcomers")
    assert found.body == [
        ["2022", "3", "Acme AB, Lund University, The City", "2", "Lund University, The City"],
        ["2023", "1", "Innovation Agency", "2", "Acme AB, Innovation Agency"],
    ]
    bars = chart_data(page, "pf-newcomers")["data"]
    assert bars[0]["y"] == [3, 1] and bars[1]["y"] == [2, 2]


def test_the_page_speaks_swedish(site: Site) -> None:
    page = render(layered_site(site), ("leverage",), language="sv")["portfolio/leverage.md"]
    found = table(page, "pf-layer-table")
    assert found.head[0][:2] == ["År", "Lager 1"]
    assert found.body[1] == ["2023", "1 500", "600", "300", "900", "200", "1", "0,60×"]
    assert "Hävstång" in page


def test_the_leverage_formula_speaks_of_the_portfolio_s_own_currency() -> None:
    from portfolio_plugin.i18n import Translator

    for language in ("en", "sv"):
        text = Translator.for_language(language)("leverage.formula", currency="EUR")
        assert "EUR" in text and "krona" not in text and "kronor" not in text
