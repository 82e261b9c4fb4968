"""The facet map: OPSI's diamond with Future by Lund's zones as rings, one marker per initiative.

Coordinates: `x` runs from certainty (-1, exploiting) to uncertainty (1, exploring), `y`
from undirected (-1, bottom-up) to directed (1, top-down), as an initiative's `position`
gives them. The diamond is |x| + |y| <= 1; the facets sit at its four ends and each zone
is a diamond-shaped ring (blue inside, green, yellow outside). An initiative without a
`position` is placed in the cell of its facet and zone, on rows spread evenly across the
cell, in slug order, so the same portfolio always gives the same map and markers do not
sit on top of each other. Also here: the balance (facets x zones) shared by the overview
and the facet map page, with its gaps in words.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..compute import Balance, Cell
from ..model import FACETS, ZONES, Facet, Initiative, Zone
from . import FACET_SYMBOLS, ZONE_SHAPES, ZONE_SYMBOLS, Renderer
from .charts import Cell as TableCell
from .charts import Chart, Link, Table, base_layout, label, plain_figure, trace
from .svg import DENSITY_FROM
from .text import json_in_html

# Inner and outer L1-radius of each zone's ring: blue inside, yellow outside.
RINGS: dict[Zone, tuple[float, float]] = {
    Zone.BLUE: (0.0, 0.45), Zone.GREEN: (0.45, 0.75), Zone.YELLOW: (0.75, 1.0)}
# Quarter turns (clockwise) from the top end of the diamond to each facet's end.
TURNS: dict[Facet, int] = {Facet.MISSION: 0, Facet.ANTICIPATORY: 1, Facet.ADAPTIVE: 2,
                           Facet.ENHANCEMENT: 3}
# The types of change in the wedges between neighbouring facets: (x sign, y sign).
WEDGES: tuple[tuple[str, int, int], ...] = (
    ("sustaining", -1, 1), ("transformative", 1, 1), ("disruptive", 1, -1),
    ("optimising", -1, -1))
ZONE_COLOURS: dict[Zone, tuple[str, str, str]] = {  # marker, outline, ring
    Zone.YELLOW: ("#f5c400", "#5c4a00", "#fff3bf"),
    Zone.GREEN: ("#2b8a3e", "#0b4619", "#d3f9d8"),
    Zone.BLUE: ("#1864ab", "#0b2e54", "#d0ebff"),
}
FACET_COLOURS: dict[Facet, str] = {
    Facet.MISSION: "#5f3dc4", Facet.ENHANCEMENT: "#0b7285", Facet.ANTICIPATORY: "#c2410c",
    Facet.ADAPTIVE: "#a61e4d"}
# Pixels per map unit on a desktop screen; marker sizes are chosen to fit at this scale.
PX_PER_UNIT = 170.0
MAX_SIZE = 22.0
MIN_SIZE = 3.5
_PAD = 0.035      # distance kept from a ring's edges (L1 units)
_SPREAD = 0.8     # share of a facet's part of a ring that markers use (keeps wedges clear)
_CENTRE = 0.12    # the blue cells start here: the centre belongs to no facet
_SEARCH_LIMIT = 40  # up to this many markers in a cell, try several arrangements


@dataclass(frozen=True)
class Marker:
    """One initiative on the map."""

    slug: str
    facet: Facet
    zone: Zone
    x: float
    y: float
    size: float
    placed: bool  # True when the initiative gave its own `position`


def _turn(x: float, y: float, turns: int) -> tuple[float, float]:
    for _ in range(turns % 4):
        x, y = y, -x
    return x, y


def cell_points(count: int, facet: Facet, zone: Zone) -> list[tuple[float, float]]:
    """`count` points spread evenly over one facet's part of one zone's ring.

    The cell is cut into rows parallel to the diamond's edges; each row gets points in
    proportion to its length, evenly spaced along it. For a few points, the number of rows
    and the share of the outer rows are chosen to keep the closest two points furthest
    apart; for many, a near-square spacing is used directly.
    """
    if count <= 0:
        return []
    inner, outer = RINGS[zone]
    low = inner + _PAD if inner else _CENTRE
    high = outer - _PAD
    if count <= _SEARCH_LIMIT:
        options = [_rows(count, low, high, rows, power, facet)
                   for rows in range(1, min(count, 8) + 1) for power in (1.0, 1.5, 2.0)]
        return max(options, key=lambda points: round(_closest(points), 6))
    depth = (high - low) / math.sqrt(2)
    mean_length = math.sqrt(2) * _SPREAD * (low + high) / 2
    rows = max(1, min(count, round(math.sqrt(count * depth / mean_length * 1.15))))
    return _rows(count, low, high, rows, 1.0, facet)


def _rows(count: int, low: float, high: float, rows: int, power: float,
          facet: Facet) -> list[tuple[float, float]]:
    radii = [low + (j + 0.5) * (high - low) / rows for j in range(rows)]
    weights = [s ** power for s in radii]
    total = sum(weights)
    shares = [count * w / total for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(rows), key=lambda j: (counts[j] - shares[j], -j))
    for j in by_remainder[:count - sum(counts)]:
        counts[j] += 1
    points = []
    for radius, n in zip(radii, counts):
        for along in _along(n, _SPREAD * radius / math.sqrt(2)):
            x = along / math.sqrt(2)
            points.append(_turn(x, radius - abs(x), TURNS[facet]))
    return points


def _along(count: int, half: float) -> list[float]:
    """Places along a row bent at a right angle in its middle (the diamond's end), as
    distances from the bend, each neighbour `d` apart in a straight line: the two points
    either side of the bend stand `d / sqrt(2)` from it."""
    if count <= 0:
        return []
    if count % 2:
        step = half / (count / 2)
        side = [step * k for k in range(1, count // 2 + 1)]
        return [-p for p in reversed(side)] + [0.0] + side
    step = half / (count / 2 - 0.5 + 1 / math.sqrt(2))
    first = step / math.sqrt(2)
    side = [first + step * k for k in range(count // 2)]
    return [-p for p in reversed(side)] + side


def _closest(points: Sequence[tuple[float, float]]) -> float:
    best = math.inf
    for n, (x, y) in enumerate(points):
        for ox, oy in points[n + 1:]:
            best = min(best, math.hypot(x - ox, y - oy))
    return best


def cell_of(x: float, y: float) -> tuple[Facet, Zone]:
    """The facet and zone cell a point of the map lies in."""
    radius = abs(x) + abs(y)
    zone = Zone.BLUE if radius < RINGS[Zone.BLUE][1] else (
        Zone.GREEN if radius < RINGS[Zone.GREEN][1] else Zone.YELLOW)
    if abs(y) >= abs(x):
        return (Facet.MISSION if y >= 0 else Facet.ADAPTIVE), zone
    return (Facet.ANTICIPATORY if x > 0 else Facet.ENHANCEMENT), zone


def place(initiatives: Iterable[Initiative]) -> dict[str, tuple[float, float]]:
    """Where each initiative sits: its `position` exactly, else spread in its cell.

    A cell that also holds initiatives placed by `position` gets one spare place for each,
    and the places nearest to them are left free, so no marker is hidden under another.
    """
    placed: dict[str, tuple[float, float]] = {}
    cells: dict[tuple[Facet, Zone], list[str]] = defaultdict(list)
    fixed: dict[tuple[Facet, Zone], list[tuple[float, float]]] = defaultdict(list)
    for i in initiatives:
        if i.position is not None:
            point = (i.position.certainty, i.position.direction)
            placed[i.slug] = point
            fixed[cell_of(*point)].append(point)
        else:
            cells[i.facet, i.zone].append(i.slug)
    for (facet, zone), slugs in cells.items():
        slugs.sort()
        taken = fixed.get((facet, zone), [])
        points = cell_points(len(slugs) + len(taken), facet, zone)
        for fx, fy in taken:
            points.remove(min(points, key=lambda p: (p[0] - fx) ** 2 + (p[1] - fy) ** 2))
        for slug, point in zip(slugs, points):
            placed[slug] = point
    return placed


def min_distance(points: Sequence[tuple[float, float]]) -> float:
    """The smallest distance between two points (infinite for fewer than two), via a grid."""
    if len(points) < 2:
        return math.inf
    size = max(2.0 / math.sqrt(len(points)), 1e-6)
    grid: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    best = math.inf
    for x, y in points:
        gx, gy = math.floor(x / size), math.floor(y / size)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for ox, oy in grid.get((gx + dx, gy + dy), ()):
                    best = min(best, math.hypot(x - ox, y - oy))
        grid[gx, gy].append((x, y))
    # Pairs further apart than one grid cell are not compared: the answer is exact below
    # `size` and `size` otherwise, which is all the marker sizing needs.
    return min(best, size)


def markers(initiatives: Sequence[Initiative]) -> tuple[Marker, ...]:
    """Every initiative's marker: place, and size by cash funding (square-root scale).

    The largest size fits the closest pair of spread markers at desktop scale, so they
    do not overlap; it shrinks as the portfolio grows, within bounds.
    """
    points = place(initiatives)
    spread = [points[i.slug] for i in initiatives if i.position is None]
    gap = min_distance(spread) * PX_PER_UNIT * 0.95
    largest = max(MIN_SIZE, min(MAX_SIZE, gap))
    smallest = max(3.0, largest * 0.45)
    top = max((i.cash for i in initiatives), default=0.0)
    result = []
    for i in initiatives:
        share = math.sqrt(i.cash / top) if top > 0 else 0.0
        size = smallest + (largest - smallest) * share
        x, y = points[i.slug]
        result.append(Marker(i.slug, i.facet, i.zone, x, y, round(size, 1),
                             i.position is not None))
    return tuple(result)


def _hover_partners(r: Renderer, i: Initiative, limit: int) -> str:
    names = []
    for pid in i.partner_ids:
        partner = r.partner(pid)
        names.append(partner.name if partner else pid)
    text = ", ".join(names[:limit])
    if len(names) > limit:
        text += " " + r.t("facetmap.more", count=len(names) - limit)
    return label(text) if text else "–"


def map_figure(r: Renderer, here: str) -> dict[str, Any]:
    """The facet map as plotly JSON, with a variant of its labels for narrow screens."""
    t = r.t
    initiatives = r.portfolio.initiatives
    many = len(initiatives) > 200
    # Hover labels name fewer partners as the portfolio grows, to keep the page light.
    named = 1 if len(initiatives) > 500 else 3 if many else 6
    link = r.url_linker(here)  # for the chart's script
    # One placement for the overview's map and the facet map's page.
    placed = r.once("facetmap.markers", lambda: {m.slug: m for m in markers(initiatives)})
    layout = base_layout(
        600, margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis={"range": [-1.95, 1.95], "visible": False, "fixedrange": True},
        yaxis={"range": [-1.34, 1.34], "visible": False, "fixedrange": True},
        showlegend=True, dragmode=False, hovermode="closest",
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top",
                "itemclick": "toggle", "itemdoubleclick": "toggleothers"},
        hoverlabel={"align": "left", "bgcolor": "#ffffff", "font": {"color": "#212529"}},
    )
    shapes: list[dict[str, Any]] = []
    for zone in (Zone.YELLOW, Zone.GREEN, Zone.BLUE):
        outer = RINGS[zone][1]
        shapes.append({"type": "path", "layer": "below",
                       "path": f"M0,{outer}L{outer},0L0,{-outer}L{-outer},0Z",
                       "fillcolor": ZONE_COLOURS[zone][2], "line": {"color": "#ffffff",
                                                                    "width": 2}})
    for x0, y0, x1, y1 in ((-1, 0, 1, 0), (0, -1, 0, 1)):
        shapes.append({"type": "line", "layer": "below", "x0": x0, "y0": y0, "x1": x1,
                       "y1": y1, "line": {"color": "#868e96", "width": 1, "dash": "dot"}})
    shapes.append({"type": "path", "path": "M0,1L1,0L0,-1L-1,0Z", "layer": "below",
                   "line": {"color": "#495057", "width": 1.5}})
    layout["shapes"] = shapes
    wide, narrow = _annotations(r)
    layout["annotations"] = wide
    traces = []
    for zone in ZONES:
        fill, outline, _ring = ZONE_COLOURS[zone]
        first = True
        for facet in FACETS:
            members = [i for i in initiatives if i.zone is zone and i.facet is facet]
            hover = (f"<b>%{{text}}</b><br>{FACET_SYMBOLS[facet]} "
                     f"{label(t('facet.' + facet.value))}"
                     f" · {ZONE_SYMBOLS[zone]} {label(t('zone.' + zone.value))}"
                     f"<br>{label(t('facetmap.hover_partners'))}: %{{customdata[1]}}"
                     f"<br>{label(t('facetmap.hover_funding'))}: %{{customdata[2]}}"
                     "<extra></extra>")
            traces.append(trace(
                "scatter",
                x=[round(placed[i.slug].x, 3) for i in members],
                y=[round(placed[i.slug].y, 3) for i in members],
                mode="markers", name=label(t("zone." + zone.value)),
                legendgroup=zone.value, showlegend=first,
                text=[label(r.text(i.title)) for i in members],
                customdata=[[link(r.options.initiative_uri(i.slug)),
                             _hover_partners(r, i, named),
                             t.money(i.cash, r.portfolio.info.currency, compact=True)
                             if i.cash else "–"] for i in members],
                hovertemplate=hover,
                marker={"symbol": ZONE_SHAPES[zone], "color": fill,
                        "size": [placed[i.slug].size for i in members],
                        "opacity": 0.85 if many else 0.92,
                        "line": {"color": outline, "width": 0.6 if many else 1.2}},
            ))
            first = False
    data = plain_figure(traces, layout)
    data["narrow"] = {"annotations": narrow, "height": 480,
                      "xaxis": {"range": [-1.3, 1.3], "visible": False, "fixedrange": True},
                      "yaxis": {"range": [-1.42, 1.42], "visible": False,
                                "fixedrange": True}}
    return data


def _annotations(r: Renderer) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Labels of the map: facets at the ends, types of change, zones, axes.

    Narrow screens get the side facets written upright beside the ends and shorter axis
    words, so nothing is cut off.
    """
    t = r.t
    ink = "#212529"
    muted = "#495057"

    def note(x: float, y: float, text: str, **extra: Any) -> dict[str, Any]:
        item: dict[str, Any] = {"x": x, "y": y, "text": text, "showarrow": False,
                                "xref": "x", "yref": "y", "font": {"color": ink, "size": 13}}
        item.update(extra)
        return item

    def facet(f: Facet, symbol: bool = True) -> str:
        shape = f"{FACET_SYMBOLS[f]} " if symbol else ""
        return f"<b>{shape}{label(t('facet.' + f.value))}</b>"

    def side(key: str, short: bool) -> str:
        text = t(f"facetmap.axis.{key}" + (".short" if short else ""))
        return "<br>".join(label(line) for line in text.splitlines())

    common: list[dict[str, Any]] = []
    for zone in ZONES:
        inner, outer = RINGS[zone]
        radius = (inner + outer) / 2 if inner else outer * 0.62
        common.append(note(-radius / 2, -radius / 2, label(t("zone." + zone.value + ".short")),
                           font={"color": ZONE_COLOURS[zone][1], "size": 11},
                           textangle=45, bgcolor="rgba(255,255,255,0.6)"))
    wide = [
        note(0, 1.03, facet(Facet.MISSION), yanchor="bottom"),
        note(0, -1.03, facet(Facet.ADAPTIVE), yanchor="top"),
        note(-1.04, 0, facet(Facet.ENHANCEMENT), xanchor="right"),
        note(1.04, 0, facet(Facet.ANTICIPATORY), xanchor="left"),
        note(0, 1.32, side("directed", False), yanchor="top",
             font={"color": muted, "size": 11}),
        note(0, -1.32, side("undirected", False), yanchor="bottom",
             font={"color": muted, "size": 11}),
        note(-1.93, -0.1, side("certain", False), xanchor="left", yanchor="top", align="left",
             font={"color": muted, "size": 11}),
        note(1.93, -0.1, side("uncertain", False), xanchor="right", yanchor="top",
             align="right", font={"color": muted, "size": 11}),
    ]
    narrow = [
        note(0, 1.03, facet(Facet.MISSION), yanchor="bottom", font={"color": ink, "size": 12}),
        note(0, -1.03, facet(Facet.ADAPTIVE), yanchor="top", font={"color": ink, "size": 12}),
        note(-1.05, 0, facet(Facet.ENHANCEMENT, False), xanchor="right", textangle=-90,
             font={"color": ink, "size": 12}),
        note(1.05, 0, facet(Facet.ANTICIPATORY, False), xanchor="left", textangle=90,
             font={"color": ink, "size": 12}),
        note(0, 1.4, side("directed", True), yanchor="top", font={"color": muted, "size": 10}),
        note(0, -1.4, side("undirected", True), yanchor="bottom",
             font={"color": muted, "size": 10}),
        note(-1.28, 1.4, side("certain", True), xanchor="left", yanchor="top", align="left",
             font={"color": muted, "size": 10}),
        note(1.28, 1.4, side("uncertain", True), xanchor="right", yanchor="top",
             align="right", font={"color": muted, "size": 10}),
    ]
    for key, sx, sy in WEDGES:
        text = f"<i>{label(t('facetmap.change.' + key))}</i>"
        wide.append(note(sx * 0.78, sy * 0.78, text, font={"color": muted, "size": 12}))
        # Beyond the diamond's top and bottom ends, clear of the upright side facets.
        narrow.append(note(sx * 0.75, sy * 1.2, text, font={"color": muted, "size": 10}))
    return wide + common, narrow + common


def map_table(r: Renderer) -> Table:
    """The map's data as a table: every initiative with a link, or counts for big portfolios."""
    t = r.t
    initiatives = r.portfolio.initiatives
    currency = r.portfolio.info.currency
    if len(initiatives) <= r.options.page_size:
        rows = tuple(
            (Link(r.text(i.title), r.options.initiative_uri(i.slug)),
             f"{FACET_SYMBOLS[i.facet]} {t('facet.' + i.facet.value)}",
             f"{ZONE_SYMBOLS[i.zone]} {t('zone.' + i.zone.value)}",
             t.money(i.cash, currency))
            for i in sorted(initiatives, key=lambda i: (r.t.collate(r.text(i.title)), i.slug)))
        return Table((t("facetmap.col_initiative"), t("initiative.facet"), t("initiative.zone"),
                      t("facetmap.col_funding")), rows, numeric=(3,))
    return count_table(r, r.figures.balance)


def count_table(r: Renderer, balance: Balance) -> Table:
    """Counts of initiatives by facet and zone, facets and zones linking to their pages."""
    t = r.t
    rows: list[tuple[TableCell, ...]] = []
    for f in FACETS:
        name = Link(f"{FACET_SYMBOLS[f]} {t('facet.' + f.value)}", r.uri(f"facet:{f.value}"))
        rows.append((name, *(t.number(balance.cell(f, z).count) for z in ZONES),
                     t.number(balance.facet_total(f).count)))
    footer = (t("facetmap.total"), *(t.number(balance.zone_total(z).count) for z in ZONES),
              t.number(sum(balance.zone_total(z).count for z in ZONES)))
    return Table((t("initiative.facet"),
                  *(f"{ZONE_SYMBOLS[z]} {t('zone.' + z.value)}" for z in ZONES),
                  t("facetmap.total")), tuple(rows), numeric=(1, 2, 3, 4), footer=footer)


# Initiatives from which the facet map's figure (a point for each, with its link, partners
# and money) is published apart from its page: read only by a reader who explores the chart,
# it would otherwise make the page heavy before it is touched (820 KB at 5,000 initiatives;
# 33 KB at 200).
FIGURE_APART = 200


def map_chart(r: Renderer, here: str, chart_id: str = "facet-map") -> Chart:
    """The facet map with its caption, a summary in words and its data table."""
    n = len(r.portfolio.initiatives)
    # Beyond `DENSITY_FROM`, the static picture shows how many sit where, not each mark.
    summary = "facetmap.summary_density" if n > DENSITY_FROM else "facetmap.summary"
    return Chart(chart_id, r.t("facetmap.caption"), _figure(r, here), map_table(r), 600,
                 summary=r.t(summary, count=r.t.number(n)),
                 data_uri=figure_uri(r, chart_id))


def _figure(r: Renderer, here: str) -> dict[str, Any]:
    """The facet map's figure for the page at `here`: made once for its page and its file."""
    return r.once(f"facetmap.figure:{here}", partial(map_figure, r, here))


def figure_uri(r: Renderer, chart_id: str) -> str | None:
    """Where the facet map `chart_id`'s figure is published apart, if it is (see
    `FIGURE_APART`)."""
    if len(r.portfolio.initiatives) <= FIGURE_APART:
        return None
    return f"{r.options.output}/charts/{chart_id}.json"


def figure_file(r: Renderer, here: str) -> bytes:
    """The facet map's figure as the page at `here` would carry it (its links relative to
    that page), for `figure_uri`."""
    return str(json_in_html(r.chart_figure(_figure(r, here)))).encode("utf-8")


# -- balance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    """One facet of the balance table: its cells by zone and its total."""

    facet: Facet
    cells: tuple[tuple[Zone, Cell], ...]
    total: Cell


@dataclass(frozen=True)
class BalanceView:
    """The balance as the table and the sentences show it."""

    rows: tuple[BalanceRow, ...]
    totals: tuple[tuple[Zone, Cell], ...]
    total: Cell
    gaps: tuple[str, ...]


def balance_view(r: Renderer, balance: Balance | None = None) -> BalanceView:
    """Facets x zones with counts and money, totals, and the gaps in words."""
    balance = balance or r.figures.balance
    rows = tuple(BalanceRow(f, tuple((z, balance.cell(f, z)) for z in ZONES),
                            balance.facet_total(f)) for f in FACETS)
    totals = tuple((z, balance.zone_total(z)) for z in ZONES)
    total = Cell(sum(c.count for _, c in totals), sum(c.funding for _, c in totals))
    return BalanceView(rows, totals, total, gaps_in_words(r, balance))


def gaps_in_words(r: Renderer, balance: Balance) -> tuple[str, ...]:
    """Sentences naming what is missing: a zone no work has reached, a facet without work,
    and each facet that has not reached a zone ("No anticipatory work has reached the blue
    zone.")."""
    t = r.t
    total = sum(balance.zone_total(z).count for z in ZONES)
    if total == 0:
        return (t("facetmap.gap.empty"),)
    sentences = []
    empty_zones = [z for z in ZONES if balance.zone_total(z).count == 0]
    empty_facets = [f for f in FACETS if balance.facet_total(f).count == 0]
    for z in empty_zones:
        sentences.append(t(f"facetmap.gap.zone.{z.value}"))
    for f in empty_facets:
        sentences.append(t("facetmap.gap.facet", work=t(f"facetmap.work.{f.value}")))
    for f in FACETS:
        if f in empty_facets:
            continue
        for z in ZONES:
            if z in empty_zones or balance.cell(f, z).count:
                continue
            sentences.append(t(f"facetmap.gap.{z.value}", work=t(f"facetmap.work.{f.value}")))
    return tuple(_capitalise(s) for s in sentences)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
