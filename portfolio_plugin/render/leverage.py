"""The leverage page: the layer model explained, per year and in total, by facet and theme,
and the partners and funders who joined each year. Every number comes from `compute`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from markupsafe import Markup, escape

from ..compute import LayerFigures, SplitFigures
from ..model import Facet
from . import FACET_SYMBOLS, Later, Renderer
from .charts import Cell, Chart, Table, base_layout, label, plain_figure, trace

LAYER_COLOURS = ("#1864ab", "#2b8a3e", "#e67700")
LAYER_PATTERNS = ("", "/", ".")
# Names listed per year among the new partners and funders; the rest are counted.
NAMES_SHOWN = 12


def ratio(r: Renderer, value: float | None) -> str:
    """A leverage ratio with two decimals, as the tables give it (a dash where there is none)."""
    return "–" if value is None else r.t.number(value, 2) + "×"


def layer_row(r: Renderer, first: str, f: LayerFigures) -> tuple[str, ...]:
    """One row of the layer model's table: a year (or the total) with its four layers,
    in-kind money and the leverage ratio."""
    # Amounts as whole numbers: the caption names the currency, and the table stays narrow.
    t = r.t
    return (first, t.number(f.layer1), t.number(f.layer2), t.number(f.layer3),
            t.number(f.layer2 + f.layer3), t.number(f.in_kind), t.number(f.layer4),
            ratio(r, f.leverage))


def layer_table(r: Renderer) -> Table:
    """The four layers and the leverage ratio per year, and in total as the footer."""
    t = r.t
    lev = r.figures.leverage
    return Table(
        (t("leverage.year"), t("leverage.col_layer1"), t("leverage.col_layer2"),
         t("leverage.col_layer3"), t("leverage.col_layers23"), t("leverage.col_in_kind"),
         t("leverage.col_layer4"), t("leverage.ratio")),
        tuple(layer_row(r, str(y.year), y) for y in lev.years),
        t("leverage.table_caption", currency=r.portfolio.info.currency),
        numeric=(1, 2, 3, 4, 5, 6, 7),
        footer=layer_row(r, t("leverage.total"), lev.total))


def layer_chart(r: Renderer, table: Table) -> Chart:
    """Cash of layers 1-3 as stacked bars per year, the leverage ratio as a line."""
    t = r.t
    years = r.figures.leverage.years
    x = [str(y.year) for y in years]
    cur = r.portfolio.info.currency
    layout = base_layout(
        420, barmode="stack", xaxis={"type": "category"},
        yaxis={"title": {"text": label(t("leverage.chart_money", currency=cur))},
               "rangemode": "tozero"},
        yaxis2={"title": {"text": label(t("leverage.ratio"))}, "overlaying": "y",
                "side": "right", "rangemode": "tozero", "showgrid": False,
                "tickmode": "auto", "ticksuffix": "×"},
        margin={"l": 64, "r": 56, "t": 16, "b": 48})
    traces = [
        trace("bar", x=x, y=values, name=label(t(key)),
              marker={"color": LAYER_COLOURS[n], "pattern": {"shape": LAYER_PATTERNS[n]}},
              text=[label(t.money(v, cur)) for v in values], textposition="none",
              hovertemplate="%{x}: %{text}<extra>" + label(t(key)) + "</extra>")
        for n, (key, values) in enumerate((
            ("leverage.layer1", [y.layer1 for y in years]),
            ("leverage.layer2", [y.layer2 for y in years]),
            ("leverage.layer3", [y.layer3 for y in years])))]
    traces.append(trace(
        "scatter",
        x=x, y=[None if y.leverage is None else round(y.leverage, 3) for y in years],
        name=label(t("leverage.ratio")), yaxis="y2", mode="lines+markers",
        line={"color": "#212529", "dash": "dot"}, marker={"symbol": "diamond", "size": 9},
        text=[label(ratio(r, y.leverage)) for y in years],
        hovertemplate="%{x}: %{text}<extra>" + label(t("leverage.ratio")) + "</extra>"))
    return Chart("pf-layers", t("leverage.chart_caption"), plain_figure(traces, layout), table,
                 420, summary=t("leverage.chart_summary",
                                ratio=ratio(r, r.figures.leverage.total.leverage)))


def split_table(r: Renderer, rows: Sequence[SplitFigures], names: Sequence[str],
                caption: str, first: str, total: LayerFigures | None) -> Table:
    """Layers 2-4 and in-kind for each part of the portfolio (figures.by_facet / by_theme)."""
    t = r.t
    body = tuple((name, t.number(s.count), t.number(s.layer2), t.number(s.layer3),
                  t.number(s.layer2 + s.layer3), t.number(s.in_kind), t.number(s.layer4))
                 for name, s in zip(names, rows))
    footer: tuple[Cell, ...] = ()
    if total is not None:
        footer = (t("leverage.total"), t.number(len(r.portfolio.initiatives)),
                  t.number(total.layer2), t.number(total.layer3),
                  t.number(total.layer2 + total.layer3), t.number(total.in_kind),
                  t.number(total.layer4))
    return Table((first, t("leverage.initiatives"), t("leverage.col_layer2"),
                  t("leverage.col_layer3"), t("leverage.col_layers23"),
                  t("leverage.col_in_kind"), t("leverage.col_layer4")),
                 body, caption, numeric=(1, 2, 3, 4, 5, 6), footer=footer)


def _names(r: Renderer, ids: Sequence[str]) -> Markup:
    names = [(p.name if p else x) for x, p in ((x, r.partner(x)) for x in ids)]
    names.sort(key=str.casefold)
    # Escaped one by one: a name in another language is marked with it (model.Foreign).
    shown = Markup(", ").join(escape(name) for name in names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += " " + r.t("leverage.and_more", count=len(names) - NAMES_SHOWN)
    return shown


def newcomers_chart(r: Renderer) -> Chart:
    """New partners and new funders per year (figures.new_partners / new_funders)."""
    t = r.t
    partners = dict(r.figures.new_partners)
    funders = dict(r.figures.new_funders)
    years = sorted(set(partners) | set(funders))
    rows = tuple((str(y), t.number(len(partners.get(y, ()))), _names(r, partners.get(y, ())),
                  t.number(len(funders.get(y, ()))), _names(r, funders.get(y, ())))
                 for y in years)
    table = Table((t("leverage.year"), t("leverage.new_partners"), t("leverage.who"),
                   t("leverage.new_funders"), t("leverage.who")), rows,
                  t("leverage.newcomers_caption"), numeric=(1, 3))
    layout = base_layout(
        340, barmode="group", xaxis={"type": "category"},
        yaxis={"title": {"text": label(t("leverage.newcomers_axis"))}, "rangemode": "tozero"})
    traces = [
        trace("bar", x=[str(y) for y in years], y=[len(data.get(y, ())) for y in years],
              name=label(t(key)),
              marker={"color": ("#5f3dc4", "#0b7285")[n], "pattern": {"shape": ("", "x")[n]}})
        for n, (key, data) in enumerate((("leverage.new_partners", partners),
                                         ("leverage.new_funders", funders)))]
    return Chart("pf-newcomers", t("leverage.newcomers_caption"), plain_figure(traces, layout),
                 table, 340, open_table=True)


def leverage_page(r: Renderer) -> str:
    """The Markdown of the leverage page."""
    t = r.t
    here = r.uri("leverage")
    lev = r.figures.leverage
    cur = r.portfolio.info.currency
    table = layer_table(r)
    facet_names = [f"{FACET_SYMBOLS[Facet(s.key)]} {t('facet.' + s.key)}"
                   for s in r.figures.by_facet]
    themes = {th.id: th.title for th in r.portfolio.info.themes}
    theme_names = [themes.get(s.key, s.key) for s in r.figures.by_theme]
    return r.page(
        here, "leverage.md", t("leverage.title"), t("leverage.description"),
        lev=lev, table=table, total_ratio=ratio(r, lev.total.leverage),
        layers_chart=layer_chart(r, table),
        no_ratio=[y.year for y in lev.years if y.leverage is None],
        by_facet=split_table(r, r.figures.by_facet, facet_names,
                             t("leverage.by_facet_caption", currency=cur), t("leverage.facet"),
                             lev.total),
        by_theme=split_table(r, r.figures.by_theme, theme_names,
                             t("leverage.by_theme_caption", currency=cur), t("leverage.theme"),
                             None)
        if r.figures.by_theme else None,
        newcomers=newcomers_chart(r),
    )


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The leverage page."""
    yield r.uri("leverage"), partial(leverage_page, r)
