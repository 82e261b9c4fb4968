"""Charts: a plotly figure, its caption, and the same data as a table.

Figures are plain plotly JSON (dicts and lists: plotly's Python objects are slow to import and
to build), published as JSON data blocks; one site script draws them, so pages carry no inline
executable script. Text in figures is HTML-escaped, because plotly reads a few tags in labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

from ..i18n import Translator

CONFIG = {"displaylogo": False, "showSendToCloud": False, "showLink": False,
          "responsive": True, "showEditInChartStudio": False,
          "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"]}


@dataclass(frozen=True)
class Link:
    """A table cell that links somewhere (a docs path; the template makes it relative)."""

    text: str
    target: str


Cell = str | Link


@dataclass(frozen=True)
class Table:
    """A data table: the text alternative of a chart, or a table of its own."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()  # columns to right-align
    footer: tuple[Cell, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart with its caption and its data table."""

    id: str
    caption: str
    figure: dict[str, Any]
    table: Table
    height: int = 420
    summary: str = ""
    open_table: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # Where its figure is published apart (a file fetched when the reader explores the
    # chart), where it is too large to carry in the page; else None: carried in the page.
    data_uri: str | None = None


def label(text: str) -> str:
    """Text for a plotly label: escaped, since plotly interprets some HTML tags."""
    return str(escape(str(text)))  # str(): no mark of its language (`Foreign`) in a label


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """A trace of the given kind ("bar", "scatter"): its properties by name, then its type.

    That is the order plotly's Python objects gave, so pages stay the same byte for byte.
    """
    return {**_in_order(props), "type": kind}


def plain_figure(traces: Sequence[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A figure as plain JSON data: its traces (from `trace`), its layout (properties by
    name, as for traces, and in the page's font) and the config."""
    layout = _in_order(layout)
    layout.setdefault("font", {"family": "inherit"})
    return {"data": list(traces), "layout": layout, "config": CONFIG}


def _in_order(props: dict[str, Any]) -> dict[str, Any]:
    """The properties by name, and so those of every object within them."""
    return {key: _value_in_order(props[key]) for key in sorted(props)}


def _value_in_order(value: Any) -> Any:
    """A value, with the properties of an object in it by name (a list of objects is one
    of shapes or annotations; other lists are data, left as they are)."""
    if isinstance(value, dict):
        return _in_order(value)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_in_order(v) for v in value]
    return value


def base_layout(height: int = 420, **extra: Any) -> dict[str, Any]:
    """A plain layout every chart starts from."""
    layout: dict[str, Any] = {
        "height": height, "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        # namelength -1: plotly would cut escaped names inside an entity ("&l...").
        "hoverlabel": {"align": "left", "namelength": -1},
        "legend": {"orientation": "h", "y": -0.15},
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def bar_chart(chart_id: str, caption: str, categories: Sequence[str],
              series: Sequence[tuple[str, Sequence[float], str]], table: Table,
              stacked: bool = False, height: int = 380, y_title: str = "") -> Chart:
    """A simple (stacked) bar chart: series of (name, values, colour)."""
    layout = base_layout(height, barmode="stack" if stacked else "group",
                         yaxis={"title": {"text": label(y_title)}, "rangemode": "tozero"},
                         xaxis={"type": "category"})
    x = [label(c) for c in categories]
    traces = [trace("bar", x=x, y=list(values), name=label(name), marker={"color": colour})
              for name, values, colour in series]
    return Chart(chart_id, caption, plain_figure(traces, layout), table, height)


# plotly.js's own words a reader can meet on these charts (tool tips of the mode bar, notes
# after a click), by catalogue key. plotly shows them in English unless given a locale.
PLOTLY_WORDS = {
    "chart.plotly.download_png": "Download plot as a PNG",
    "chart.plotly.download": "Download plot",
    "chart.plotly.zoom": "Zoom",
    "chart.plotly.pan": "Pan",
    "chart.plotly.zoom_in": "Zoom in",
    "chart.plotly.zoom_out": "Zoom out",
    "chart.plotly.autoscale": "Autoscale",
    "chart.plotly.reset_axes": "Reset axes",
    "chart.plotly.reset_view": "Reset view",
    "chart.plotly.spikes": "Toggle Spike Lines",
    "chart.plotly.hover_closest": "Show closest data on hover",
    "chart.plotly.hover_compare": "Compare data on hover",
    "chart.plotly.hover_toggle": "Toggle show closest data on hover",
    "chart.plotly.zoom_back": "Double-click to zoom back out",
    "chart.plotly.isolate": "Double-click on legend to isolate one trace",
    "chart.plotly.preparing": "Preparing image - this may take a few seconds",
    "chart.plotly.downloaded": "Image download succeeded",
    "chart.plotly.download_failed": "Sorry, there was a problem downloading your image!",
}


def plotly_locale(t: Translator) -> dict[str, Any]:
    """plotly.js's words, month and day names and number signs in the site's language."""
    locale = t.locale
    symbols = locale.number_symbols.get("latn", locale.number_symbols)
    # d3 counts days from Sunday, Babel from Monday.
    days = [locale.days["format"][kind][(n + 6) % 7] for kind in ("wide", "abbreviated")
            for n in range(7)]
    months = [locale.months["format"][kind][n] for kind in ("wide", "abbreviated")
              for n in range(1, 13)]
    return {
        "dictionary": {english: t(key) for key, english in PLOTLY_WORDS.items()},
        "format": {"days": days[:7], "shortDays": days[7:], "months": months[:12],
                   "shortMonths": months[12:], "decimal": symbols["decimal"],
                   "thousands": symbols["group"]},
    }


def localised_figure(figure: dict[str, Any], t: Translator,
                     locale: dict[str, Any] | None = None) -> dict[str, Any]:
    """A figure that plotly.js draws in the site's language (English is plotly's own).

    `locale`, from `plotly_locale`, may be given so that a page's charts share one.
    """
    if t.language == "en":
        return figure
    locale = locale or plotly_locale(t)
    name = t.language.lower()
    fmt = locale["format"]
    layout = {**figure.get("layout", {}), "separators": fmt["decimal"] + fmt["thousands"]}
    config = {**figure.get("config", {}), "locale": name, "locales": {name: locale}}
    return {**figure, "layout": layout, "config": config}
