"""The facet map: OPSI's diamond, zones as rings, one marker per initiative, placed for good."""

from __future__ import annotations

import itertools
import json
import math

from portfolio_plugin.model import FACETS, ZONES, Facet, Position, Zone
from portfolio_plugin.render.facetmap import (
    PX_PER_UNIT,
    RINGS,
    Marker,
    balance_view,
    cell_of,
    cell_points,
    map_chart,
    map_figure,
    markers,
    place,
)
from portfolio_plugin.render.text import json_in_html

from support import HOSTILE, cash, fixture, generated, make, portfolio_of, renderer

HERE = "portfolio/facet-map.md"


def marker_traces(figure: dict[str, object]) -> list[dict[str, object]]:
    data = figure["data"]
    assert isinstance(data, list)
    return [t for t in data if t.get("mode") == "markers"]


def test_an_initiative_with_a_position_sits_exactly_there() -> None:
    portfolio = portfolio_of([make("here", Facet.ADAPTIVE, Zone.BLUE,
                                   position=Position(-0.35, 0.8))])
    assert place(portfolio.initiatives) == {"here": (-0.35, 0.8)}
    (trace,) = [t for t in marker_traces(map_figure(renderer(portfolio), HERE)) if t["x"]]
    assert (trace["x"], trace["y"]) == ([-0.35], [0.8])


def test_the_facets_sit_at_the_four_ends_of_the_diamond() -> None:
    # One initiative per facet in the blue zone: each lies on the axis towards its end.
    portfolio = portfolio_of([make(f.value, f, Zone.BLUE) for f in FACETS])
    points = place(portfolio.initiatives)
    assert points["mission-oriented"][0] == 0 and points["mission-oriented"][1] > 0
    assert points["adaptive"][0] == 0 and points["adaptive"][1] < 0
    assert points["enhancement-oriented"][1] == 0 and points["enhancement-oriented"][0] < 0
    assert points["anticipatory"][1] == 0 and points["anticipatory"][0] > 0


def test_spread_markers_stay_in_the_ring_of_their_zone_and_the_end_of_their_facet() -> None:
    for facet, zone in itertools.product(FACETS, ZONES):
        for count in (1, 2, 7, 40, 41, 300):
            for x, y in cell_points(count, facet, zone):
                inner, outer = RINGS[zone]
                assert inner < abs(x) + abs(y) < outer
                assert cell_of(x, y) == (facet, zone)


def test_markers_are_the_same_whatever_the_order_of_the_pages() -> None:
    portfolio = generated(120)
    backwards = portfolio_of(tuple(reversed(portfolio.initiatives)), portfolio.partners)
    assert place(portfolio.initiatives) == place(backwards.initiatives)
    def by_slug(made: tuple[Marker, ...]) -> list[Marker]:
        return sorted(made, key=lambda m: m.slug)

    assert by_slug(markers(portfolio.initiatives)) == by_slug(markers(backwards.initiatives))


def overlaps(made: tuple[Marker, ...]) -> list[tuple[str, str]]:
    """Pairs of spread markers that would touch on a desktop screen."""
    found = []
    spread = [m for m in made if not m.placed]
    for a, b in itertools.combinations(spread, 2):
        gap = math.hypot(a.x - b.x, a.y - b.y) * PX_PER_UNIT
        if gap < (a.size + b.size) / 2:
            found.append((a.slug, b.slug))
    return found


def test_thirty_markers_in_one_cell_do_not_overlap() -> None:
    portfolio = portfolio_of([make(f"i-{n:02d}", Facet.MISSION, Zone.BLUE,
                                   funding=(cash("city", 1000 * n, 2024),)) for n in range(30)])
    made = markers(portfolio.initiatives)
    assert len({(m.x, m.y) for m in made}) == 30
    assert overlaps(made) == []


def test_a_thousand_markers_do_not_overlap() -> None:
    made = markers(generated(1000).initiatives)
    assert len({(m.x, m.y) for m in made}) == 1000
    assert overlaps(made) == []


def test_a_spread_marker_keeps_clear_of_one_placed_by_position() -> None:
    free = [make(f"i-{n}", Facet.MISSION, Zone.GREEN) for n in range(6)]
    usual = place(portfolio_of(free).initiatives)
    # Put an initiative exactly where one of the six would go: that place is left free.
    x, y = usual["i-3"]
    pinned = make("pinned", Facet.ADAPTIVE, Zone.YELLOW, position=Position(x, y))
    points = place(portfolio_of([*free, pinned]).initiatives)
    nearest = min(math.hypot(px - x, py - y) for slug, (px, py) in points.items()
                  if slug != "pinned")
    assert nearest > 0.05


def test_marker_size_grows_with_funding_within_bounds() -> None:
    portfolio = portfolio_of([
        make("none", Facet.MISSION, Zone.YELLOW),
        make("some", Facet.MISSION, Zone.YELLOW, funding=(cash("city", 25, 2024),)),
        make("most", Facet.MISSION, Zone.YELLOW, funding=(cash("city", 100, 2024),)),
    ])
    size = {m.slug: m.size for m in markers(portfolio.initiatives)}
    assert 4 <= size["none"] < size["some"] < size["most"] <= 22
    # Square-root scale: a quarter of the money is half-way up from the smallest size.
    assert math.isclose(size["some"] - size["none"], (size["most"] - size["none"]) / 2,
                        abs_tol=0.1)


def test_every_initiative_is_one_marker_linking_to_its_page() -> None:
    portfolio = generated(60)
    figure = map_figure(renderer(portfolio), HERE)
    urls = [c[0] for t in marker_traces(figure) for c in t["customdata"]]
    assert sorted(urls) == sorted(f"../../initiatives/{i.slug}/"
                                  for i in portfolio.initiatives)


def test_markers_have_a_zone_shape_as_well_as_a_zone_colour() -> None:
    figure = map_figure(renderer(fixture()), HERE)
    shapes = {(t["legendgroup"], t["marker"]["symbol"], t["marker"]["color"])
              for t in marker_traces(figure)}
    assert {(z, s) for z, s, _ in shapes} == {("yellow", "circle"), ("green", "diamond"),
                                              ("blue", "square")}
    assert len({c for _, _, c in shapes}) == 3


def test_the_hover_shows_title_zone_and_partners() -> None:
    portfolio = portfolio_of([make("beta", Facet.MISSION, Zone.GREEN, title="Bike lanes",
                                   partners=("uni",))])
    (trace,) = [t for t in marker_traces(map_figure(renderer(portfolio), HERE)) if t["x"]]
    assert trace["text"] == ["Bike lanes"]
    assert trace["customdata"][0][1] == "The City, The University"
    assert "Green zone" in trace["hovertemplate"] and "Partners" in trace["hovertemplate"]


def test_hostile_titles_and_names_are_escaped_in_hover_labels() -> None:
    portfolio = portfolio_of([make("bad", Facet.MISSION, Zone.GREEN, title=HOSTILE)])
    figure = map_figure(renderer(portfolio), HERE)
    text = json.dumps(figure)
    assert "<img" not in text and "<script" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "</script" not in str(json_in_html(figure))


def test_plotly_logo_and_send_to_cloud_are_off() -> None:
    config = map_figure(renderer(fixture()), HERE)["config"]
    assert config["displaylogo"] is False and config["showSendToCloud"] is False


def test_the_map_names_the_axes_the_facets_and_the_four_types_of_change() -> None:
    figure = map_figure(renderer(fixture()), HERE)
    words = " ".join(a["text"] for a in figure["layout"]["annotations"])
    for expected in ("Mission-oriented", "Enhancement-oriented", "Anticipatory", "Adaptive",
                     "Sustaining change", "Transformative change", "Disruptive change",
                     "Optimising change", "Certainty", "Uncertainty", "Directed",
                     "Undirected"):
        assert expected in words
    narrow = " ".join(a["text"] for a in figure["narrow"]["annotations"])
    assert "Transformative change" in narrow and "Anticipatory" in narrow


def test_the_zones_are_rings_blue_inside_yellow_outside() -> None:
    shapes = map_figure(renderer(fixture()), HERE)["layout"]["shapes"]
    rings = [s for s in shapes if s.get("fillcolor")]
    assert [s["path"] for s in rings] == ["M0,1.0L1.0,0L0,-1.0L-1.0,0Z",
                                          "M0,0.75L0.75,0L0,-0.75L-0.75,0Z",
                                          "M0,0.45L0.45,0L0,-0.45L-0.45,0Z"]
    assert RINGS[Zone.BLUE][1] < RINGS[Zone.GREEN][1] < RINGS[Zone.YELLOW][1]


def test_a_small_portfolio_has_a_table_linking_every_initiative() -> None:
    r = renderer(fixture())
    table = map_chart(r, HERE).table
    assert [row[0].text for row in table.rows] == ["Alpha", "Beta", "Delta", "Eps", "Gamma"]
    assert table.rows[0][0].target == "initiatives/alpha.md"
    assert table.rows[0][1:] == ("▲ Mission-oriented", "■ Blue zone",
                                 r.t.money(100, "SEK"))


def test_a_big_portfolio_has_the_facet_by_zone_counts_as_its_table() -> None:
    portfolio = generated(300)
    r = renderer(portfolio, page_size=100)
    table = map_chart(r, HERE).table
    counted = sum(int(row[-1]) for row in table.rows)
    assert counted == 300 and table.footer[-1] == "300"
    assert table.rows[0][0].target == "portfolio/facets/mission-oriented.md"


def test_gaps_name_an_empty_zone_and_an_empty_facet_once() -> None:
    portfolio = portfolio_of([make("a", Facet.MISSION, Zone.YELLOW),
                              make("b", Facet.ADAPTIVE, Zone.GREEN)])
    gaps = balance_view(renderer(portfolio)).gaps
    assert gaps == (
        "No initiative has reached the blue zone yet.",
        "There is no enhancement-oriented work in the portfolio.",
        "There is no anticipatory work in the portfolio.",
        "No mission-oriented work is in the green zone.",
        "No adaptive work is being explored in the yellow zone.",
    )


def test_a_portfolio_without_gaps_says_so() -> None:
    portfolio = portfolio_of([make(f"{f.value}-{z.value}", f, z) for f in FACETS for z in ZONES])
    r = renderer(portfolio)
    assert balance_view(r).gaps == ()
    assert "Every facet has work in every zone." in r.page(
        HERE, "facet_map.md", "Facet map", map=map_chart(r, HERE), balance=balance_view(r),
        facets=FACETS, zones_list=ZONES, big=False)
