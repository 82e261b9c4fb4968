"""The overview page: key figures, balance, movement and links, against hand-computed values.

The fixture portfolio is small enough to compute every figure by hand (see `FIXTURE`);
the helpers here also make big generated portfolios for the page-weight budget and are
shared with the facet map and browsing tests.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from html.parser import HTMLParser
from pathlib import Path

from portfolio_plugin.compute import compute
from portfolio_plugin.i18n import Translator
from portfolio_plugin.model import (
    BaseInvestment,
    Facet,
    Funding,
    FundingKind,
    Initiative,
    Money,
    PartialDate,
    Partner,
    PartnerRole,
    Portfolio,
    PortfolioInfo,
    Position,
    Sector,
    Story,
    StoryKind,
    Text,
    Theme,
    Zone,
    ZoneChange,
)
from portfolio_plugin.options import Options
from portfolio_plugin.render import Renderer
from portfolio_plugin.render import make as make_item
from portfolio_plugin.render.overview import key_figures, moves_chart, overview_page, pages
from portfolio_plugin.render.overview import zones_chart as zones_chart_of

AS_OF = dt.date(2025, 6, 30)
HOSTILE = '<img src=x onerror=alert(1)>"</script><script>alert(2)</script>'


# -- building portfolios ------------------------------------------------------------------


def date(text: str) -> PartialDate:
    parts = [int(p) for p in text.split("-")]
    return PartialDate(*parts)  # type: ignore[arg-type]


def cash(funder: str, amount: float, year: int,
         kind: FundingKind = FundingKind.CASH) -> Funding:
    return Funding(funder, Money(amount, "SEK", amount), year, kind)


def make(slug: str, facet: Facet, zone: Zone, *, title: str | None = None,
         history: tuple[tuple[str, Zone], ...] = (), funding: tuple[Funding, ...] = (),
         stories: tuple[Story, ...] = (), position: Position | None = None,
         start: str | None = None, steward: str | None = "city",
         partners: tuple[str, ...] = (), themes: tuple[str, ...] = ()) -> Initiative:
    return Initiative(
        slug=slug, path=f"content/initiatives/{slug}.md",
        title=Text.plain(title or slug.replace("-", " ").capitalize()),
        summary=Text.plain(f"About {slug}."), facet=facet, zone=zone,
        start=date(start) if start else None, steward=steward,
        partners=tuple(PartnerRole(p) for p in partners), funding=funding,
        themes=themes, zone_history=tuple(ZoneChange(date(d), z) for d, z in history),
        stories=stories, position=position)


PARTNERS = (Partner("city", "The City", Sector.PUBLIC),
            Partner("uni", "The University", Sector.ACADEMIA))
THEMES = (Theme("energy", "Energy"), Theme("care", "Care"))


def portfolio_of(initiatives: list[Initiative] | tuple[Initiative, ...],
                 partners: tuple[Partner, ...] = PARTNERS,
                 base: tuple[BaseInvestment, ...] = ()) -> Portfolio:
    info = PortfolioInfo("Test portfolio", "SEK", "city", base_investment=base, themes=THEMES)
    return Portfolio(info, partners, (), tuple(initiatives))


def renderer(portfolio: Portfolio, tmp_path: Path | None = None, page_size: int = 200,
             language: str = "en", as_of: dt.date = AS_OF) -> Renderer:
    root = tmp_path or Path("site")
    options = Options(root=root, docs_dir=root / "content", page_size=page_size,
                      language=language)
    built = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.timezone.utc)
    return Renderer(portfolio, compute(portfolio, as_of), options,
                    Translator.for_language(language), built)


def story(slug: str, day: str, kind: StoryKind = StoryKind.CRITICAL_EVENT) -> Story:
    return Story(slug, date(day), f"Story of {slug} on {day}", kind)


# The hand-computed fixture (as of 2025-06-30):
# balance   mission: yellow 1 (200), green 0, blue 1 (100)   enhancement: yellow 1 (0)
#           anticipatory: green 1 (400)                      adaptive: green 1 (300 + 700)
#           totals: yellow 2 (200), green 2 (1,400), blue 1 (100); 5 initiatives (1,700)
# moves     alpha 2022-05 Y>G, 2024-03 G>B; gamma 2022-02 Y>G, 2023-03 G>Y, 2024-09 Y>G;
#           eps 2025-02 Y>G
#           per year: 2022 forward 2 (Y>G 2); 2023 back 1 (G>Y); 2024 forward 2 (Y>G, G>B);
#           2025 forward 1 (Y>G)
# at end    2021 Y2; 2022 G2; 2023 Y2 G1; 2024 Y3 G1 B1; 2025 Y2 G2 B1
# recent    (2024-06-30, 2025-06-30]: eps 2025-02 Y>G, gamma 2024-09 Y>G
# figures   5 initiatives, 2 partners, money 1,000 (base) + 1,700 = 2,700, 1 critical event
#           in 2025
Y, G, B = Zone.YELLOW, Zone.GREEN, Zone.BLUE


def fixture() -> Portfolio:
    return portfolio_of([
        make("alpha", Facet.MISSION, B, history=(("2021", Y), ("2022-05", G), ("2024-03", B)),
             funding=(cash("city", 100, 2023), cash("uni", 50, 2023, FundingKind.IN_KIND)),
             themes=("energy",)),
        make("beta", Facet.MISSION, Y, history=(("2023", Y),), funding=(cash("uni", 200, 2024),),
             stories=(story("beta", "2025-03-01"), story("beta", "2024-05-01"),
                      story("beta", "2025-04-01", StoryKind.MILESTONE)),
             partners=("uni",), themes=("energy", "care")),
        make("gamma", Facet.ADAPTIVE, G,
             history=(("2021-01", Y), ("2022-02", G), ("2023-03", Y), ("2024-09", G)),
             funding=(cash("city", 300, 2022), cash("uni", 700, 2024))),
        make("delta", Facet.ENHANCEMENT, Y, start="2024", steward=None),
        make("eps", Facet.ANTICIPATORY, G, history=(("2024-12", Y), ("2025-02", G)),
             funding=(cash("uni", 400, 2025),), position=Position(0.6, 0.1)),
    ], base=(BaseInvestment(2024, Money(1000, "SEK", 1000), "city"),))


WORDS = ("Shared", "electric", "cargo", "bikes", "for", "the", "harbour", "district",
         "water", "leak", "detection", "school", "routes", "citizen", "panels", "on",
         "climate", "energy", "cooperatives", "in", "Norrvik", "and", "Södra", "Hamnen")


def generated(count: int, seed: int = 3) -> Portfolio:
    """A big, realistic portfolio: long titles, several partners, funding, histories."""
    rng = random.Random(seed)
    partners = tuple(Partner(f"partner-{n}", f"Partner organisation number {n} AB",
                             Sector.BUSINESS) for n in range(150))
    facets = list(Facet)
    zones = [Zone.YELLOW] * 5 + [Zone.GREEN] * 3 + [Zone.BLUE] * 2
    initiatives = []
    for n in range(count):
        zone = rng.choice(zones)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))).capitalize()
        year = rng.randint(2018, 2024)
        history = [(str(year), Zone.YELLOW)]
        if zone is not Zone.YELLOW:
            history.append((f"{year + 1}-{rng.randint(1, 12):02d}", Zone.GREEN))
        if zone is Zone.BLUE:
            history.append((f"{year + 2}-{rng.randint(1, 12):02d}", Zone.BLUE))
        chosen = tuple(rng.sample([p.id for p in partners], rng.randint(2, 6)))
        initiatives.append(make(
            f"initiative-{n:04d}", rng.choice(facets), zone, title=f"{title} {n}",
            history=tuple(history), steward=chosen[0], partners=chosen[1:],
            funding=tuple(cash(rng.choice(chosen), rng.randint(1, 90) * 50_000,
                               rng.randint(2019, 2025)) for _ in range(rng.randint(0, 3))),
            themes=(rng.choice(THEMES).id,)))
    return portfolio_of(initiatives, partners)


# -- reading pages ------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Text of every table cell, table by table, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


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
    money = lambda x: r.t.money(x, "SEK", compact=True)  # noqa: E731
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


def test_overview_and_facet_map_stay_under_300_kb_at_1000_initiatives() -> None:
    r = renderer(generated(1000))
    for uri, value in pages(r):
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
