"""The portfolio overview and the facet map page: what a politician or a citizen sees first.

The overview gives the key figures, the facet map, the balance of facets and zones with
its gaps in words, how initiatives moved between zones, and links to every other page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from ..compute import Move, MovementYear
from ..model import FACETS, ZONES, Zone
from . import ZONE_SYMBOLS, Later, Renderer
from .browse import theme_ids
from .charts import Chart, Table, base_layout, label, plain_figure, trace
from .facetmap import ZONE_COLOURS, balance_view, figure_file, figure_uri, map_chart

# How many recent moves the overview lists; the rest are counted.
RECENT_LIMIT = 30
ZONE_PATTERNS = {Zone.YELLOW: ".", Zone.GREEN: "/", Zone.BLUE: ""}


@dataclass(frozen=True)
class KeyFigure:
    """One of the overview's headline numbers, with where to read more."""

    value: str
    label: str
    target: str


@dataclass(frozen=True)
class PageLink:
    """A link to another page of the portfolio, with a line about it."""

    target: str
    title: str
    about: str


def key_figures(r: Renderer) -> tuple[KeyFigure, ...]:
    """Initiatives, partners, money gathered and critical events this year."""
    t = r.t
    year = r.figures.as_of.year
    events = sum(y.layer4 for y in r.figures.leverage.years if y.year == year)
    return (
        KeyFigure(t.number(len(r.portfolio.initiatives)), t("overview.figure.initiatives"),
                  r.uri("initiatives")),
        KeyFigure(t.number(len(r.portfolio.partners)), t("overview.figure.partners"),
                  r.uri("ecosystem")),
        KeyFigure(t.money(r.figures.money_gathered, r.portfolio.info.currency, compact=True),
                  t("overview.figure.money"), r.uri("leverage")),
        KeyFigure(t.number(events), t("overview.figure.events", year=year), r.uri("timeline")),
    )


def page_links(r: Renderer) -> tuple[PageLink, ...]:
    """Every other generated page, in the order a newcomer would read them."""
    t = r.t
    names = ["facet_map", "initiatives", "ecosystem", "leverage", "timeline", "objectives",
             "mandates", "report", "data"]
    if r.portfolio.info.federation:
        names.append("federation")
    names.append("propose")
    return tuple(PageLink(r.uri(n), t(f"overview.page.{n}"), t(f"overview.page.{n}.about"))
                 for n in names)


def _pairs(movement: tuple[MovementYear, ...]) -> list[tuple[Zone, Zone]]:
    seen = {(a, b) for y in movement for a, b, _ in y.moves}
    order = [(a, b) for a in ZONES for b in ZONES if a is not b]
    forward = [p for p in order if p in seen and p[1].rank > p[0].rank]
    backward = [p for p in order if p in seen and p[1].rank < p[0].rank]
    return forward + backward


def moves_chart(r: Renderer) -> Chart:
    """Moves between zones each year: towards blue and back, with each kind in the table."""
    t = r.t
    movement = r.figures.movement
    years = [str(y.year) for y in movement]
    pairs = _pairs(movement)
    yaxis: dict[str, object] = {"title": {"text": label(t("overview.moves_axis"))},
                                "rangemode": "tozero"}
    if max((max(y.forward, y.backward) for y in movement), default=0) < 10:
        yaxis["dtick"] = 1  # whole moves only
    layout = base_layout(320, barmode="group", xaxis={"type": "category"}, yaxis=yaxis)
    traces = [
        trace("bar", x=years, y=[y.forward for y in movement],
              name=label(t("overview.forward")),
              marker={"color": ZONE_COLOURS[Zone.BLUE][0],
                      "line": {"color": ZONE_COLOURS[Zone.BLUE][1], "width": 1}}),
        trace("bar", x=years, y=[y.backward for y in movement],
              name=label(t("overview.backward")),
              marker={"color": "#ffffff", "pattern": {"shape": "x", "fgcolor": "#a61e4d"},
                      "line": {"color": "#a61e4d", "width": 1}})]
    headers = (t("overview.year"),
               *(t("overview.pair", source=t(f"zone.{a.value}.short"),
                   target=t(f"zone.{b.value}.short")) for a, b in pairs),
               t("overview.forward"), t("overview.backward"))
    rows = []
    for y in movement:
        counted = {(a, b): n for a, b, n in y.moves}
        rows.append((str(y.year), *(t.number(counted.get(p, 0)) for p in pairs),
                     t.number(y.forward), t.number(y.backward)))
    table = Table(headers, tuple(rows), numeric=tuple(range(1, len(headers))))
    return Chart("movement-moves", t("overview.moves_caption"), plain_figure(traces, layout),
                 table, 320)


def zones_chart(r: Renderer) -> Chart:
    """How many initiatives stood in each zone at the end of each year (stacked bars)."""
    t = r.t
    movement = r.figures.movement
    years = [str(y.year) for y in movement]
    layout = base_layout(
        340, barmode="stack", xaxis={"type": "category"},
        yaxis={"title": {"text": label(t("overview.initiatives_axis"))},
               "rangemode": "tozero"})
    traces = []
    for zone in ZONES:
        fill, outline, _ring = ZONE_COLOURS[zone]
        counts = [dict(y.at_end)[zone] for y in movement]
        marker: dict[str, object] = {"color": fill, "line": {"color": outline, "width": 1}}
        if ZONE_PATTERNS[zone]:
            marker["pattern"] = {"shape": ZONE_PATTERNS[zone], "fgcolor": outline,
                                 "fgopacity": 0.6}
        traces.append(trace("bar", x=years, y=counts, marker=marker,
                            name=label(f"{ZONE_SYMBOLS[zone]} {t('zone.' + zone.value)}")))
    rows = tuple((str(y.year), *(t.number(dict(y.at_end)[z]) for z in ZONES),
                  t.number(sum(n for _, n in y.at_end))) for y in movement)
    table = Table((t("overview.year"), *(f"{ZONE_SYMBOLS[z]} {t('zone.' + z.value)}"
                                        for z in ZONES), t("facetmap.total")),
                  rows, numeric=(1, 2, 3, 4))
    return Chart("movement-zones", t("overview.zones_caption"), plain_figure(traces, layout),
                 table, 340)


def recent_summary(r: Renderer, moves: tuple[Move, ...]) -> str:
    """The moves of the last twelve months in one sentence."""
    t = r.t
    if not moves:
        return t("overview.recent_none")
    forward = sum(1 for m in moves if m.forward)
    return t("overview.recent_summary", count=t.number(len(moves)),
             initiatives=t.number(len({m.initiative for m in moves})),
             forward=t.number(forward), backward=t.number(len(moves) - forward))


def overview_page(r: Renderer) -> str:
    """The Markdown of the overview."""
    here = r.uri("overview")
    recent = r.figures.recent_moves
    has_movement = bool(r.figures.movement)
    return r.page(
        here, "overview.md", r.t("overview.title"), r.t("overview.description",
                                                         name=r.portfolio.info.name),
        figures=key_figures(r), map=map_chart(r, here, "overview-facet-map"),
        balance=balance_view(r), moves=moves_chart(r) if has_movement else None,
        zones=zones_chart(r) if has_movement else None,
        recent=recent[:RECENT_LIMIT], recent_more=max(0, len(recent) - RECENT_LIMIT),
        recent_summary=recent_summary(r, recent), links=page_links(r),
        facets=FACETS, zones_list=ZONES, themes=theme_ids(r))


def facet_map_page(r: Renderer) -> str:
    """The Markdown of the facet map page."""
    here = r.uri("facet_map")
    return r.page(here, "facet_map.md", r.t("facetmap.title"), r.t("facetmap.description"),
                  map=map_chart(r, here), balance=balance_view(r), facets=FACETS, zones_list=ZONES,
                  big=len(r.portfolio.initiatives) > r.options.page_size)


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The overview and the facet map page (and their facet map's figure, where it is
    published apart)."""
    yield r.uri("overview"), partial(overview_page, r)
    yield r.uri("facet_map"), partial(facet_map_page, r)
    for here, chart_id in ((r.uri("overview"), "overview-facet-map"),
                           (r.uri("facet_map"), "facet-map")):
        apart = figure_uri(r, chart_id)
        if apart is not None:
            yield apart, partial(figure_file, r, here)
