"""Charts as static SVG pictures: drawn at build time from the same figure data plotly gets,
so a page shows every chart without loading plotly.js (see render/svg.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from portfolio_plugin.model import Facet, Position, Zone
from portfolio_plugin.render.charts import Table, bar_chart
from portfolio_plugin.render.facetmap import map_chart
from portfolio_plugin.render.svg import (
    DENSITY_FROM,
    LINKS_MAX,
    nice_ticks,
    picture,
    symbol_path,
    tick_text,
)

from support import HOSTILE, fixture, generated, make, portfolio_of, renderer

HERE = "portfolio/facet-map.md"
SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: object) -> ET.Element:
    """The picture as XML (it must be well formed: it is inline SVG in an HTML page)."""
    return ET.fromstring(str(svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_a_stacked_bar_chart_draws_one_bar_per_value_with_its_legend() -> None:
    chart = bar_chart("c", "Money", ["2024", "2025"],
                      [("Cash", [10, 20], "#1864ab"), ("In kind", [5, 0], "#2b8a3e")],
                      Table(("Year",), ()), stacked=True, y_title="SEK")
    pic = picture(chart.figure, chart.id, chart.caption)
    root = parsed(pic.svg)
    bars = root.findall(f".//{SVG}rect")
    assert len(bars) == 3  # a value of 0 draws nothing
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "2024" in texts and "2025" in texts and "SEK" in texts
    assert root.get("aria-hidden") == "true"
    assert "Cash" in pic.legend and "In kind" in pic.legend
    # The second bar of 2024 stands on the first.
    first, second = sorted(bars[:1] + bars[2:], key=lambda r: float(r.get("y", 0)))
    assert abs(float(second.get("y", 0)) - float(first.get("y", 0)) - float(
        first.get("height", 0))) < 0.2


def test_patterns_and_symbols_tell_series_apart_without_colour() -> None:
    chart = map_chart(renderer(fixture()), HERE)
    pic = picture(chart.figure, chart.id, chart.caption)
    legend = pic.legend
    # Each zone's legend swatch has its own shape, as its marks on the map.
    shapes = re.findall(r'<path d="([^"]+)"', legend)
    assert len(set(shapes)) == 3
    assert symbol_path("square", 0, 0, 10) != symbol_path("diamond", 0, 0, 10)
    assert symbol_path("circle", 0, 0, 10) == "M0,-5a5,5 0 1,0 .1,0Z"
    assert symbol_path("square", 0, 0, 10) == "M-4.5,-4.5l9,0 0,9 -9,0Z"


def test_every_initiative_on_the_map_is_a_named_link_with_a_hit_area() -> None:
    portfolio = generated(40)
    r = renderer(portfolio)
    chart = map_chart(r, HERE)
    pic = picture(chart.figure, chart.id, chart.caption)
    root = parsed(pic.svg)
    links = root.findall(f".//{SVG}a")
    assert sorted(a.get("href", "") for a in links) == sorted(
        f"../../initiatives/{i.slug}/" for i in portfolio.initiatives)
    assert pic.links and root.get("role") == "group" and root.get("aria-label")
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "pf-marks"]
    assert groups and all(g.get("fill") == "transparent" for g in groups)
    for a in links:
        # Named by title, facet and zone; a hit area of at least 24 px across on a phone.
        name = "".join(a.findtext(f"{SVG}title") or "")
        assert name.count(",") >= 1 and " zone" in name, name
        hit = a.find(f"{SVG}circle")
        assert hit is not None and float(hit.get("r", 0)) * 2 * 320 / 340 >= 24


def test_a_map_of_many_initiatives_is_drawn_without_a_link_for_each() -> None:
    chart = map_chart(renderer(generated(LINKS_MAX + 1)), HERE)
    pic = picture(chart.figure, chart.id, chart.caption)
    assert not pic.links and "<a " not in pic.svg
    assert pic.svg.count("Z") > LINKS_MAX  # a mark for each


def _density_squares(svg: object) -> tuple[dict[tuple[float, float], tuple[str, float]], float]:
    """The squares of a density picture: {(left, top): (colour, opacity)}, and their side."""
    squares: dict[tuple[float, float], tuple[str, float]] = {}
    side = 0.0
    for path in parsed(svg).iter(f"{SVG}path"):
        if path.get("fill-opacity") is None:
            continue
        for x, y, h in re.findall(r"M(-?[\d.]+),(-?[\d.]+)h([\d.]+)v[\d.]+h-[\d.]+z",
                                  path.get("d", "")):
            squares[float(x), float(y)] = (path.get("fill", ""), float(path.get("fill-opacity", 0)))
            side = float(h)
    return squares, side


def test_a_map_of_thousands_is_drawn_as_the_density_of_its_initiatives() -> None:
    """Every initiative falls in a square drawn in the colour of most of the marks in it, no
    square is drawn where none is, and a darker square holds at least as many: read against
    the figure's points, placed by the picture's own outline of the diamond."""
    portfolio = generated(DENSITY_FROM + 1000)
    # A crowd of yellow initiatives placed at one spot of the blue zone, a few green at another.
    crowd = [make(f"crowd-{n}", Facet.MISSION, Zone.YELLOW, position=Position(0.02, 0.2))
             for n in range(30)]
    few = [make(f"few-{n}", Facet.MISSION, Zone.GREEN, position=Position(0.1, -0.25))
           for n in range(2)]
    portfolio = replace(portfolio, initiatives=(*portfolio.initiatives, *crowd, *few))
    count = len(portfolio.initiatives)
    chart = map_chart(renderer(portfolio), HERE)
    pic = picture(chart.figure, chart.id, chart.caption)
    root = parsed(pic.svg)
    outline = [p.get("d", "") for p in root.iter(f"{SVG}path") if p.get("stroke") == "#495057"]
    _, top_y, right_x, _, _, bottom_y, left_x, _ = (
        float(n) for n in re.findall(r"-?[\d.]+", outline[0]))
    centre_x, centre_y = (left_x + right_x) / 2, (top_y + bottom_y) / 2
    half_x, half_y = (right_x - left_x) / 2, (bottom_y - top_y) / 2
    squares, side = _density_squares(pic.svg)
    assert squares and side > 0
    inside: dict[tuple[float, float], list[str]] = {at: [] for at in squares}
    unsure: set[tuple[float, float]] = set()
    marks = 0
    for trace in chart.figure["data"]:
        for x, y in zip(trace["x"], trace["y"]):
            marks += 1
            px, py = centre_x + x * half_x, centre_y - y * half_y
            near = [at for at in squares if at[0] - 0.2 <= px <= at[0] + side + 0.2
                    and at[1] - 0.2 <= py <= at[1] + side + 0.2]
            assert near, (x, y)  # every initiative is in a square drawn
            if len(near) == 1:
                inside[near[0]].append(trace["marker"]["color"])
            else:
                unsure.update(near)
    assert marks == count
    for at, colours in inside.items():
        if at in unsure:
            continue
        assert colours, at  # no square where no initiative is
        colour = squares[at][0]
        assert colours.count(colour) == max(colours.count(c) for c in colours), at
    sure = [(len(inside[at]), squares[at][1]) for at in squares if at not in unsure]
    for many, dark in sure:
        assert all(opacity <= dark for few, opacity in sure if few < many)
    assert len({opacity for _, opacity in sure}) > 1  # the counts are shown
    assert len(str(pic.svg)) < 40_000
    assert "too many to draw one by one" in chart.summary and "Larger marks" not in chart.summary
    # The legend shows what the picture draws: a square of each zone's colour.
    swatches = re.findall(r'<rect x="2" y="2" width="12" height="12" fill="([^"]+)"/>', pic.legend)
    assert sorted(swatches) == sorted({t["marker"]["color"] for t in chart.figure["data"]})


def test_a_map_of_national_scale_stays_light_and_its_marks_below_the_density_scale_stay() -> None:
    chart = map_chart(renderer(generated(20_000)), HERE)
    assert len(str(picture(chart.figure, chart.id, chart.caption).svg)) < 40_000  # was 639 KB
    chart = map_chart(renderer(generated(DENSITY_FROM)), HERE)
    pic = picture(chart.figure, chart.id, chart.caption)
    assert not _density_squares(pic.svg)[0] and pic.svg.count("Z") >= DENSITY_FROM
    assert "Larger marks have more cash funding" in chart.summary


def test_hostile_titles_stay_text_in_the_picture() -> None:
    portfolio = portfolio_of([make("bad", Facet.MISSION, Zone.GREEN, title=HOSTILE)])
    chart = map_chart(renderer(portfolio), HERE)
    pic = picture(chart.figure, chart.id, chart.caption)
    assert "<img" not in pic.svg and "<script" not in pic.svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in pic.svg
    parsed(pic.svg)


def test_the_map_keeps_one_scale_for_both_directions() -> None:
    chart = map_chart(renderer(fixture()), HERE)
    root = parsed(picture(chart.figure, chart.id, chart.caption).svg)
    # The outer diamond (|x| + |y| = 1) is as wide as it is high.
    outline = [p.get("d", "") for p in root.iter(f"{SVG}path") if p.get("stroke") == "#495057"]
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", outline[0])]
    xs, ys = numbers[0::2], numbers[1::2]
    assert abs((max(xs) - min(xs)) - (max(ys) - min(ys))) < 0.5


def test_axis_numbers_are_round_and_written_in_the_sites_language() -> None:
    assert nice_ticks(0, 9) == [0, 2, 4, 6, 8, 10]
    assert tick_text(2_500_000, 500_000, ".,") == "2.5M"
    assert tick_text(1500, 500, ", ") == "1 500"
    assert tick_text(0.5, 0.25, ",") == "0,50"


def test_a_swedish_chart_is_drawn_with_swedish_number_signs() -> None:
    chart = bar_chart("c", "x", ["a"], [("s", [12000.5], "#000")], Table(("a",), ()))
    r = renderer(fixture(), language="sv")
    svg = r.chart_picture(chart).svg
    assert ">2\u00a0500<" in svg and ">10k<" in svg  # ticks every 2 500, as plotly would
