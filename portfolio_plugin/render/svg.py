"""Charts as static SVG, drawn at build time from the same plotly figure data.

A page shows this picture first: no script is needed to see a chart, and plotly.js (4.8 MB)
is loaded only when the reader asks to explore it (see `portfolio.js`). What is drawn:
bars (grouped or stacked, with their fill patterns), lines and markers (with their symbols),
a second y axis on the right, the layout's shapes and annotations, and a legend below as
HTML (it wraps on a phone). Axes that plotly hides (the facet map, the network) keep one
scale for x and y, so a diamond stays a diamond.

Marks whose trace names a page of the site in its `customdata` (the facet map's initiatives,
the network's partners) become links with an accessible name (their hover text), and a hit
area of at least 24 x 24 px around them. Text comes escaped from the figure (`charts.label`);
the only tags in it are the plugin's own `<b>`, `<i>` and `<br>`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

# The picture's width in SVG units: about a phone's width in CSS pixels, so that text drawn
# at 11 or 12 units reads at about that size on a phone; the page caps its width on wide
# screens. A map (no axes) is drawn at the scale plotly draws it on a phone.
WIDTH = 360.0
MAP_WIDTH = 340.0
FONT = 12.0
SMALL = 11.0
INK = "#212529"
MUTED = "#495057"
GRID = "#dee2e6"
# Radius of a link's invisible hit area: 24 CSS px across at a 320 px screen's scale.
HIT = 13.0
HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
# The most marks of one picture that are links.
LINKS_MAX = 200
# A map of more marks than this is drawn as their density: squares of `BIN` units, each
# in the colour most of its marks have, darker where more sit (`DENSITY_LEVELS` steps).
# Beyond it a mark is smaller than the space between them on a phone, so the marks drew
# a solid field that weighed about 32 bytes each (639 KB at 20,000 initiatives).
DENSITY_FROM = 2000
BIN = 4.0
DENSITY_LEVELS = 4
_TAG = re.compile(r"<(/?)(b|i|br|extra)\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Picture:
    """A chart's static picture: the SVG and its legend, as HTML."""

    svg: Markup
    legend: Markup
    links: bool


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def lines_of(text: str) -> list[str]:
    """A label's lines without their tags, still escaped."""
    parts = re.split(r"<br\s*/?>", re.sub(r"<extra>.*?</extra>", "", text, flags=re.S))
    return [p for p in (re.sub(r"<[^>]*>", "", part).strip() for part in parts) if p]


def plain(text: str) -> str:
    """A label's text without its tags (lines joined by ", "), still escaped."""
    return ", ".join(lines_of(text))


# -- numbers on axes ----------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (about `count` of them)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_text(value: float, step: float, separators: str) -> str:
    """A tick label as plotly writes it: SI suffixes above ten thousand, the site's signs."""
    signs = (separators + ".,") if separators else ".,"
    decimal, thousands = signs[0], signs[1]
    suffix = ""
    for size, letter in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size and step >= size / 100 and abs(value) >= 1e4:
            value, step, suffix = value / size, step / size, letter
            break
    digits = next((d for d in range(7) if abs(round(step, d) - step) < 1e-9 * max(1, step)), 6)
    text = f"{value:,.{digits}f}"
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    if suffix and decimal in text:  # "10k" beside "12.5k", as plotly writes them
        text = text.rstrip("0").rstrip(decimal)
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    return text + suffix


# -- marks ----------------------------------------------------------------------------------


def symbol_path(symbol: str, x: float, y: float, size: float) -> str:
    """The outline of a plotly marker symbol of diameter `size` at (x, y), as SVG path data."""
    r = size / 2
    if symbol == "square":
        d = r * 0.9
        points = [(-d, -d), (d, -d), (d, d), (-d, d)]
    elif symbol == "diamond":
        d = r * 1.2
        points = [(0, -d), (d, 0), (0, d), (-d, 0)]
    elif symbol.startswith("triangle"):
        d = r * 1.2
        up = [(0, -d), (d * 0.87, d * 0.5), (-d * 0.87, d * 0.5)]
        turn = {"triangle-up": 0, "triangle-right": 1, "triangle-down": 2,
                "triangle-left": 3}.get(symbol, 0)
        points = up
        for _ in range(turn):
            points = [(-py, px) for px, py in points]
    elif symbol == "star":
        points = []
        for k in range(10):
            radius = r * 1.25 if k % 2 == 0 else r * 0.5
            angle = math.pi * k / 5 - math.pi / 2
            points.append((radius * math.cos(angle), radius * math.sin(angle)))
    elif symbol == "hexagon":
        points = [(r * math.cos(math.pi * k / 3 + math.pi / 6),
                   r * math.sin(math.pi * k / 3 + math.pi / 6)) for k in range(6)]
    else:  # a circle: one arc nearly all the way round from its top, closed
        return f"M{_n(x)},{_n(y - r)}a{_n(r)},{_n(r)} 0 1,0 .1,0Z"
    # The first corner, then each next one relative to the last (shorter to write).
    steps = [f"M{_n(x + points[0][0])},{_n(y + points[0][1])}l"]
    for (ax, ay), (bx, by) in pairwise(points):
        steps.append(f"{_n(bx - ax)},{_n(by - ay)} ")
    return "".join(steps).rstrip() + "Z"


def _pattern(chart_id: str, n: int, shape: str, colour: str, ink: str) -> tuple[str, str]:
    """A fill pattern (plotly's `marker.pattern.shape`) as an SVG <pattern>: (id, element)."""
    ident = f"{chart_id}-p{n}"
    if shape == ".":
        mark = f'<circle cx="3" cy="3" r="1.3" fill="{ink}"/>'
    elif shape == "x":
        mark = (f'<path d="M0,0L6,6M6,0L0,6" stroke="{ink}" stroke-width="1.2"/>')
    elif shape == "\\":
        mark = f'<path d="M0,0L6,6M-1,5L1,7M5,-1L7,1" stroke="{ink}" stroke-width="1.2"/>'
    else:  # "/"
        mark = f'<path d="M0,6L6,0M-1,1L1,-1M5,7L7,5" stroke="{ink}" stroke-width="1.2"/>'
    return ident, (f'<pattern id="{ident}" width="6" height="6" patternUnits="userSpaceOnUse">'
                   f'<rect width="6" height="6" fill="{colour}"/>{mark}</pattern>')


# -- text -------------------------------------------------------------------------------------


def _tspans(text: str, x: float, line_height: float) -> tuple[str, int]:
    """A label's lines as <tspan>s (bold and italic kept); how many lines there are."""
    lines: list[str] = []
    current: list[str] = []
    bold = italic = False
    pos = 0
    for match in _TAG.finditer(text):
        chunk = text[pos:match.start()]
        if chunk:
            current.append(_run(chunk, bold, italic))
        pos = match.end()
        closing, tag = match.group(1), match.group(2).lower()
        if tag == "br":
            lines.append("".join(current))
            current = []
        elif tag == "b":
            bold = not closing
        elif tag == "i":
            italic = not closing
    if text[pos:]:
        current.append(_run(text[pos:], bold, italic))
    lines.append("".join(current))
    if len(lines) == 1:
        return lines[0], 1
    step = f' dy="{_n(line_height)}"'
    spans = [f'<tspan x="{_n(x)}"{step if k else ""}>{line}</tspan>'
             for k, line in enumerate(lines)]
    return "".join(spans), len(lines)


def _run(chunk: str, bold: bool, italic: bool) -> str:
    if not bold and not italic:
        return chunk
    attrs = (' font-weight="700"' if bold else "") + (' font-style="italic"' if italic else "")
    return f"<tspan{attrs}>{chunk}</tspan>"


def _text(x: float, y: float, text: str, size: float = FONT, colour: str = INK,
          anchor: str = "middle", baseline: str = "middle", angle: float = 0,
          extra: str = "") -> str:
    """A label at (x, y); `baseline` places its block of lines (top, middle, bottom)."""
    body, lines = _tspans(text, x, size * 1.2)
    shift = {"top": size * 0.8, "middle": size * 0.35 - (lines - 1) * size * 0.6,
             "bottom": -(lines - 1) * size * 1.2 - size * 0.25}[baseline]
    attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
    if size != FONT:
        attrs += f' font-size="{_n(size)}"'
    if colour != INK:
        attrs += f' fill="{colour}"'
    if angle:
        attrs += f' transform="rotate({_n(angle)} {_n(x)} {_n(y)})"'
    return f'<text x="{_n(x)}" y="{_n(y + shift)}"{attrs}{extra}>{body}</text>'


def _width(text: str, size: float = FONT) -> float:
    """About how wide a label is drawn (a character is about 0.55 of the font size)."""
    longest = max((len(plain(line)) for line in re.split(r"<br\s*/?>", text)), default=0)
    return longest * size * 0.55


# -- the picture ------------------------------------------------------------------------------


class _Scale:
    """A linear map from data values to picture coordinates."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low, self.high, self.start, self.end = low, high, start, end
        span = (high - low) or 1.0
        self.k = (end - start) / span

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) * self.k


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _list(value: Any, count: int, default: Any) -> list[Any]:
    """A per-point property: the list given, or the one value for every point."""
    if isinstance(value, list):
        return [value[k] if k < len(value) else default for k in range(count)]
    return [default if value is None else value] * count


def _hover(template: str, point: dict[str, Any]) -> str:
    """A hover template filled for one point (`%{text}`, `%{x}`, `%{customdata[1]}`)."""

    def fill(match: re.Match[str]) -> str:
        key, index = match.group(1), match.group(2)
        value = point.get(key)
        if index is not None:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) \
                else None
        return "" if value is None else str(value if key != "x" and key != "y"
                                            else escape(str(value)))

    return re.sub(r"%\{(\w+)(?:\[(\d+)\])?[^}]*\}", fill, template)


def _link(data: Any) -> str | None:
    """The page a point links to: the first item of its `customdata`, when that is a path."""
    url = data[0] if isinstance(data, list) and data else data
    if isinstance(url, str) and url and not url.startswith(("javascript:", "data:")) \
            and ("/" in url or url.endswith(".html")):
        return url
    return None


def picture(figure: dict[str, Any], chart_id: str, caption: str,
            href: Callable[[str], str | None] | None = None) -> Picture:
    """The static picture of a plotly figure (as `charts.plain_figure` makes them).

    `href` gives the link a mark's URL (from its `customdata`) is written as in the page,
    or None to leave the mark without a link; by default the URL as it is.
    """
    layout = figure.get("layout", {})
    if figure.get("narrow"):  # the layout for phones suits the one picture best
        layout = {**layout, **figure["narrow"]}
    traces = [t for t in figure.get("data", []) if t.get("visible", True) is not False]
    hidden = layout.get("xaxis", {}).get("visible") is False
    drawer = _Map(layout, chart_id) if hidden else _Cartesian(layout, traces, chart_id)
    # Marks open their pages while they are few enough to Tab through and to keep the page
    # light; beyond that, the listings (and the interactive chart) lead to them.
    drawer.linking = sum(len(t.get("customdata") or ()) for t in traces) <= LINKS_MAX
    if href is not None:
        drawer.href = href
    body: list[str] = []
    body += drawer.shapes(layout.get("shapes", []))
    links = False
    if isinstance(drawer, _Map) and _marks(traces) > DENSITY_FROM:
        body += drawer.density(traces)
    else:
        for n, t in enumerate(traces):
            marks, linked = drawer.trace(t, n)
            body += marks
            links = links or linked
    body += drawer.annotations(layout.get("annotations", []))
    defs = "".join(drawer.defs)
    height = drawer.height
    label = escape(str(caption))
    role = (f'role="group" aria-label="{label}"' if links
            else 'aria-hidden="true" focusable="false"')
    svg = Markup(  # noqa: S704 - every text in it comes escaped (see the module's note)
        f'<svg class="pf-svg" viewBox="0 0 {_n(drawer.width)} {_n(height)}" '
        f'width="{_n(drawer.width)}" height="{_n(height)}" {role} '
        f'font-size="{_n(FONT)}" fill="{INK}">'
        + (f"<defs>{defs}</defs>" if defs else "") + "".join(body) + "</svg>")
    return Picture(svg, legend(traces, drawer), links)


def _mark_colour(t: dict[str, Any]) -> str:
    """The colour of a trace's marks: its marker's, else its line's."""
    colour = t.get("marker", {}).get("color")
    return colour if isinstance(colour, str) else str(t.get("line", {}).get("color", "#1864ab"))


def _marks(traces: Sequence[dict[str, Any]]) -> int:
    return sum(len(t.get("x") or ()) for t in traces if "markers" in t.get("mode", "markers"))


def legend(traces: Sequence[dict[str, Any]], drawer: _Drawer) -> Markup:
    """The legend as an HTML list: a swatch (symbol, colour, pattern) and the name."""
    items = []
    for n, t in enumerate(traces):
        if t.get("showlegend") is False or not t.get("name"):
            continue
        if t.get("showlegend") is None and len(traces) == 1:
            continue
        items.append(f'<li><svg viewBox="0 0 16 16" width="16" height="16" '
                     f'aria-hidden="true" focusable="false">{drawer.swatch(t, n)}</svg>'
                     f'{t["name"]}</li>')
    if not items:
        return Markup("")
    return Markup('<ul class="pf-legend" aria-hidden="true">'  # noqa: S704 - escaped names
                  + "".join(items) + "</ul>")


class _Drawer:
    """What both kinds of picture share: patterns, markers, swatches."""

    height: float
    chart_id: str
    width = WIDTH
    linking = True
    dense = False  # marks drawn as their density (`DENSITY_FROM`)

    def __init__(self, chart_id: str) -> None:
        self.chart_id = chart_id
        # How a mark's link is written in the page (by default, as the figure gives it).
        self.href: Callable[[str], str | None] = str
        self.defs: list[str] = []
        self.fills: dict[int, str] = {}

    def fill(self, t: dict[str, Any], n: int) -> str:
        """A bar trace's fill: its colour, or its pattern over it."""
        if n in self.fills:
            return self.fills[n]
        marker = t.get("marker", {})
        colour = marker.get("color") if isinstance(marker.get("color"), str) else "#1864ab"
        pattern = marker.get("pattern", {})
        fill = colour
        if pattern.get("shape"):
            ink = pattern.get("fgcolor") or marker.get("line", {}).get("color") or (
                "#ffffff" if colour not in ("#ffffff", "#fff", "white") else INK)
            ident, element = _pattern(self.chart_id, n, pattern["shape"], colour, ink)
            self.defs.append(element)
            fill = f"url(#{ident})"
        self.fills[n] = fill
        return fill

    def swatch(self, t: dict[str, Any], n: int) -> str:
        marker = t.get("marker", {})
        line = t.get("line", {})
        if self.dense and isinstance(marker.get("color"), str):  # drawn as squares
            return f'<rect x="2" y="2" width="12" height="12" fill="{marker["color"]}"/>'
        if t.get("type") == "bar":
            outline = marker.get("line", {}).get("color")
            stroke = f' stroke="{outline}"' if outline else ""
            return f'<rect x="1" y="1" width="14" height="14" fill="{self.fill(t, n)}"{stroke}/>'
        mode = t.get("mode", "markers")
        parts = []
        if "lines" in mode:
            parts.append(f'<path d="M0,8H16" stroke="{line.get("color", INK)}" '
                         f'stroke-width="2"{_dash(line.get("dash"))}/>')
        if "markers" in mode:
            symbol = marker.get("symbol", "circle")
            colour = marker.get("color") if isinstance(marker.get("color"), str) \
                else line.get("color", INK)
            outline = marker.get("line", {}).get("color")
            stroke = f' stroke="{outline}"' if outline and outline != "#ffffff" else ""
            parts.append(f'<path d="{symbol_path(symbol, 8, 8, 10)}" fill="{colour}"{stroke}/>')
        return "".join(parts)

    def markers(self, t: dict[str, Any], xs: Sequence[float | None],
                ys: Sequence[float | None]) -> tuple[list[str], bool]:
        """A trace's markers; after them, for marks that open a page, links with a name and
        a hit area (an invisible circle) over them."""
        marker = t.get("marker", {})
        count = len(xs)
        sizes = _list(marker.get("size"), count, 6)
        symbols = _list(marker.get("symbol"), count, "circle")
        colour = _mark_colour(t)
        outline = marker.get("line", {})
        stroke = (f' stroke="{outline["color"]}" stroke-width="{_n(outline.get("width", 1))}"'
                  if outline.get("color") else "")
        opacity = marker.get("opacity")
        out = [f'<g fill="{colour}"{stroke}' + (
            f' fill-opacity="{opacity}"' if opacity is not None else "") + ">"]
        customdata = t.get("customdata")
        texts = _list(t.get("text"), count, "")
        template = t.get("hovertemplate") or "%{text}"
        links = []
        shapes = []
        for k in range(count):
            x, y = xs[k], ys[k]
            if x is None or y is None:
                continue
            size = _number(sizes[k]) or 6.0
            shapes.append(symbol_path(str(symbols[k]), x, y, size))
            data = customdata[k] if isinstance(customdata, list) and k < len(customdata) \
                else None
            url = _link(data) if self.linking else None
            url = self.href(url) if url is not None else None
            if url is not None:
                # Named by the first lines of its hover text (title; facet and zone).
                lines = lines_of(_hover(template, {"text": texts[k], "customdata": data}))
                name = ", ".join(lines[:2])
                links.append(f'<a href="{escape(url)}"><title>{name}</title>'
                             f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(HIT)}"/></a>')
        # One path for all the marks of a trace: a map of a thousand stays light.
        out.append(f'<path d="{"".join(shapes)}"/></g>')
        if links:
            out.append('<g class="pf-marks" fill="transparent">' + "".join(links) + "</g>")
        return out, bool(links)

    def drawn(self, t: dict[str, Any], xs: Sequence[float | None],
              ys: Sequence[float | None], mode: str) -> tuple[list[str], bool]:
        """A trace's line and markers, as its `mode` asks; whether a marker links."""
        out: list[str] = []
        linked = False
        if "lines" in mode:
            out.append(self.line(t, xs, ys))
        if "markers" in mode:
            marks, linked = self.markers(t, xs, ys)
            out += marks
        return out, linked

    def line(self, t: dict[str, Any], xs: Sequence[float | None],
             ys: Sequence[float | None]) -> str:
        """A trace's line, broken where a point is missing."""
        parts = []
        pen = "M"
        for x, y in zip(xs, ys):
            if x is None or y is None:
                pen = "M"
                continue
            parts.append(f"{pen}{_n(x)},{_n(y)}")
            pen = "L"
        if not parts:
            return ""
        line = t.get("line", {})
        width = line.get("width", 2)
        return (f'<path d="{"".join(parts)}" fill="none" stroke="{line.get("color", "#1864ab")}" '
                f'stroke-width="{_n(width)}"{_dash(line.get("dash"))}/>')


def _dash(dash: str | None) -> str:
    return {"dot": ' stroke-dasharray="2,3"', "dash": ' stroke-dasharray="6,4"',
            "dashdot": ' stroke-dasharray="6,3,2,3"'}.get(dash or "", "")


class _Map(_Drawer):
    """A picture without axes (the facet map, the network): one scale for x and y."""

    def __init__(self, layout: dict[str, Any], chart_id: str) -> None:
        super().__init__(chart_id)
        x0, x1 = layout.get("xaxis", {}).get("range", [-1, 1])
        y0, y1 = layout.get("yaxis", {}).get("range", [-1, 1])
        pad = 6.0
        self.width = MAP_WIDTH
        unit = (MAP_WIDTH - 2 * pad) / (x1 - x0)
        self.height = round((y1 - y0) * unit + 2 * pad, 1)
        self.x = _Scale(x0, x1, pad, MAP_WIDTH - pad)
        self.y = _Scale(y0, y1, self.height - pad, pad)

    def shapes(self, shapes: Sequence[dict[str, Any]]) -> list[str]:
        out = []
        for s in shapes:
            line = s.get("line", {})
            stroke = (f' stroke="{line["color"]}" stroke-width="{_n(line.get("width", 1))}"'
                      f'{_dash(line.get("dash"))}' if line.get("color") else "")
            if s.get("type") == "path":
                d = re.sub(r"(-?[\d.]+),(-?[\d.]+)",
                           lambda m: f"{_n(self.x(float(m.group(1))))},"
                                     f"{_n(self.y(float(m.group(2))))}", s.get("path", ""))
                out.append(f'<path d="{d}" fill="{s.get("fillcolor", "none")}"{stroke}/>')
            elif s.get("type") == "line":
                out.append(f'<path d="M{_n(self.x(s["x0"]))},{_n(self.y(s["y0"]))}'
                           f'L{_n(self.x(s["x1"]))},{_n(self.y(s["y1"]))}" fill="none"'
                           f"{stroke}/>")
        return out

    def trace(self, t: dict[str, Any], n: int) -> tuple[list[str], bool]:
        xs = [None if (at := _number(v)) is None else self.x(at) for v in t.get("x", [])]
        ys = [None if (at := _number(v)) is None else self.y(at) for v in t.get("y", [])]
        return self.drawn(t, xs, ys, t.get("mode", "markers"))

    def density(self, traces: Sequence[dict[str, Any]]) -> list[str]:
        """The traces' marks as their density (see `DENSITY_FROM`); lines as they are."""
        self.dense = True  # (the legend shows squares)
        bins: dict[tuple[int, int], dict[str, int]] = {}
        out: list[str] = []
        for n, t in enumerate(traces):
            mode = t.get("mode", "markers")
            if "markers" not in mode:
                out += self.trace(t, n)[0]
                continue
            colour = _mark_colour(t)
            for vx, vy in zip(t.get("x", []), t.get("y", [])):
                x, y = _number(vx), _number(vy)
                if x is None or y is None:
                    continue
                at = (math.floor(self.x(x) / BIN), math.floor(self.y(y) / BIN))
                colours = bins.setdefault(at, {})
                colours[colour] = colours.get(colour, 0) + 1
        # The darkest step from the count of the 9th bin in 10 up, so that a few crowded
        # spots (initiatives placed at one `position`) do not pale all the others.
        counts = sorted(sum(c.values()) for c in bins.values())
        top = counts[(len(counts) - 1) * 9 // 10] if counts else 1
        squares: dict[tuple[str, int], list[str]] = {}
        for (bx, by), colours in sorted(bins.items(), key=lambda b: (b[0][1], b[0][0])):
            # The colour most of its marks have (the first drawn of equals).
            colour = max(colours, key=lambda c: colours[c])
            level = min(DENSITY_LEVELS, math.ceil(DENSITY_LEVELS * sum(colours.values()) / top))
            squares.setdefault((colour, level), []).append(
                f"M{_n(bx * BIN)},{_n(by * BIN)}h{_n(BIN)}v{_n(BIN)}h-{_n(BIN)}z")
        for (colour, level), parts in sorted(squares.items()):
            out.append(f'<path fill="{colour}" fill-opacity="{level / DENSITY_LEVELS:g}" '
                       f'd="{"".join(parts)}"/>')
        return out

    def annotations(self, notes: Sequence[dict[str, Any]]) -> list[str]:
        out = []
        for a in notes:
            font = a.get("font", {})
            x, y = self.x(a.get("x", 0)), self.y(a.get("y", 0))
            anchor = {"left": "start", "right": "end"}.get(a.get("xanchor", ""), "middle")
            baseline = {"top": "top", "bottom": "bottom"}.get(a.get("yanchor", ""), "middle")
            angle = float(a.get("textangle", 0) or 0)
            # Never below 11 units: about 10.5 px on a 360 px phone.
            size = max(SMALL, float(font.get("size", FONT)))
            # A white halo keeps a label legible where it crosses the map or another label.
            out.append(_text(x, y, a.get("text", ""), size, font.get("color", INK), anchor,
                             baseline, angle, HALO))
        return out


class _Cartesian(_Drawer):
    """A picture with axes: categories along x, numbers up y (and a second y on the right)."""

    def __init__(self, layout: dict[str, Any], traces: Sequence[dict[str, Any]],
                 chart_id: str) -> None:
        super().__init__(chart_id)
        self.layout = layout
        self.separators = str(layout.get("separators", ".,"))
        self.stacked = layout.get("barmode") == "stack"
        categories: list[str] = []
        for t in traces:
            for x in t.get("x", []):
                if x is not None and str(x) not in categories:
                    categories.append(str(x))
        self.categories = categories
        self.height = round(float(layout.get("height", 360)) * 0.78, 1)
        self.bars = [t for t in traces if t.get("type") == "bar"]
        self.axes = {"y": self._range(traces, "y"), "y2": self._range(traces, "y2")}
        titles = {name: str(layout.get(f"{'yaxis' if name == 'y' else 'yaxis2'}", {})
                            .get("title", {}).get("text", "")) for name in self.axes}
        self.titles = titles
        ticks = {name: nice_ticks(*self.axes[name]) for name in self.axes}
        self.ticks = ticks
        labels = {name: [self._tick(name, v) for v in ticks[name]] for name in ticks}
        self.labels = labels
        has_y2 = any(t.get("yaxis") == "y2" for t in traces)
        self.has_y2 = has_y2
        left = max(_width(s, SMALL) for s in labels["y"]) + 8 + (20 if titles["y"] else 0)
        right = (max(_width(s, SMALL) for s in labels["y2"]) + 8
                 + (20 if titles["y2"] else 0)) if has_y2 else 10.0
        band = (WIDTH - left - right) / max(1, len(categories))
        widest = max((_width(c, SMALL) for c in categories), default=0)
        self.slant = widest > band * 0.95
        bottom = (widest * 0.72 + 16) if self.slant else 22.0
        self.left, self.right, self.bottom, self.top = left, WIDTH - right, \
            self.height - bottom, 10.0
        self.band = band
        self.y = {name: _Scale(ticks[name][0], ticks[name][-1], self.bottom, self.top)
                  for name in ticks}

    def x(self, k: int) -> float:
        """The middle of the k-th category."""
        return self.left + self.band * (k + 0.5)

    def _range(self, traces: Sequence[dict[str, Any]], axis: str) -> tuple[float, float]:
        low, high = 0.0, 0.0
        stacks: dict[tuple[str, bool], float] = {}
        for t in traces:
            if (t.get("yaxis") or "y") != axis:
                continue
            for x, v in zip(t.get("x", []), t.get("y", [])):
                value = _number(v)
                if value is None:
                    continue
                if t.get("type") == "bar" and self.stacked:
                    key = (str(x), value >= 0)
                    stacks[key] = stacks.get(key, 0.0) + value
                    value = stacks[key]
                low, high = min(low, value), max(high, value)
        if high == low:
            high = low + 1
        if self.layout.get(f"{'yaxis' if axis == 'y' else 'yaxis2'}", {}).get("dtick") == 1:
            high = max(high, 4)
        return low, high

    def _tick(self, name: str, value: float) -> str:
        ticks = self.ticks[name]
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        suffix = self.layout.get("yaxis2" if name == "y2" else "yaxis", {}).get("ticksuffix", "")
        return tick_text(value, step, self.separators) + str(escape(str(suffix)))

    def shapes(self, shapes: Sequence[dict[str, Any]]) -> list[str]:
        out = []
        for value, text in zip(self.ticks["y"], self.labels["y"]):
            y = self.y["y"](value)
            out.append(f'<path d="M{_n(self.left)},{_n(y)}H{_n(self.right)}" '
                       f'stroke="{GRID if value else MUTED}" stroke-width="1"/>')
            out.append(_text(self.left - 5, y, text, SMALL, MUTED, "end"))
        if self.has_y2:
            for value, text in zip(self.ticks["y2"], self.labels["y2"]):
                out.append(_text(self.right + 5, self.y["y2"](value), text, SMALL, MUTED,
                                 "start"))
        for k, category in enumerate(self.categories):
            x = self.x(k)
            if self.slant:
                out.append(_text(x + 3, self.bottom + 8, category, SMALL, MUTED, "end",
                                 "top", -40))
            else:
                out.append(_text(x, self.bottom + 5, category, SMALL, MUTED, "middle", "top"))
        if self.titles["y"]:
            middle = (self.top + self.bottom) / 2
            out.append(_text(11, middle, self.titles["y"], FONT, INK, "middle", "middle", -90))
        if self.has_y2 and self.titles["y2"]:
            middle = (self.top + self.bottom) / 2
            out.append(_text(WIDTH - 9, middle, self.titles["y2"], FONT, INK, "middle",
                             "middle", 90))
        return out

    def trace(self, t: dict[str, Any], n: int) -> tuple[list[str], bool]:
        axis = t.get("yaxis") or "y"
        scale = self.y.get(axis, self.y["y"])
        index = {c: k for k, c in enumerate(self.categories)}
        if t.get("type") == "bar":
            return self._bars(t, n, index, scale), False
        xs = [None if x is None else self.x(index[str(x)]) for x in t.get("x", [])]
        ys = [None if (at := _number(v)) is None else scale(at) for v in t.get("y", [])]
        return self.drawn(t, xs, ys, t.get("mode", "lines+markers"))

    def _bars(self, t: dict[str, Any], n: int, index: dict[str, int],
              scale: _Scale) -> list[str]:
        fill = self.fill(t, n)
        outline = t.get("marker", {}).get("line", {})
        stroke = (f' stroke="{outline["color"]}" stroke-width="{_n(outline.get("width", 1))}"'
                  if outline.get("color") else "")
        own = self.bars.index(t)
        width = self.band * 0.8
        if not self.stacked:
            width /= max(1, len(self.bars))
        out = [f'<g fill="{fill}"{stroke}>']
        for x, v in zip(t.get("x", []), t.get("y", [])):
            value = _number(v)
            if value is None or x is None:
                continue
            k = index[str(x)]
            base = 0.0
            if self.stacked:
                for other in self.bars[:own]:
                    for ox, ov in zip(other.get("x", []), other.get("y", [])):
                        number = _number(ov)
                        if str(ox) == str(x) and number is not None \
                                and (number >= 0) == (value >= 0):
                            base += number
                left = self.x(k) - width / 2
            else:
                left = self.x(k) - self.band * 0.4 + width * own
            y0, y1 = scale(base), scale(base + value)
            top, height = min(y0, y1), abs(y1 - y0)
            if height <= 0:
                continue
            out.append(f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(width)}" '
                       f'height="{_n(height)}"/>')
        out.append("</g>")
        return out

    def annotations(self, notes: Sequence[dict[str, Any]]) -> list[str]:
        return []
