"""The year's report: one page per year, in plain words, made to be printed on A4 and taken
to a council meeting, and a small index of the years.

Every number comes from `compute` (`year_figures`, the layer model, `progress`); the tables
are the other pages' (the balance, the layer model's rows). Its charts are simple bars drawn
as inline SVG, each beside its data table, so the page needs no script and prints as it
shows. Printed, each page carries the site's name, the year and the date the site was made
(a stylesheet of the page's own, `print_css`, since CSS cannot read them from the page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from ..compute import (
    Balance,
    Progress,
    ProgressState,
    YearFigures,
    key_result_indicators,
    progress,
    year_figures,
    years_with_records,
)
from ..model import FACETS, Indicator, Initiative, KeyResult, Objective, Partner, StoryKind
from . import FACET_SYMBOLS, Later, Renderer
from .charts import Table
from .facetmap import FACET_COLOURS, balance_view
from .leverage import LAYER_COLOURS, layer_row, ratio

# Stories listed in full per year (critical events), and other stories listed by title;
# the rest are counted, with a link to the year's timeline page that holds them all.
EVENTS_SHOWN = 40
OTHER_STORIES_SHOWN = 40
# Names of new partners and funders listed; the rest are counted.
NAMES_SHOWN = 40


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its length (0-100, of the longest) and its value."""

    label: str
    length: float
    value: str
    colour: str
    symbol: str = ""


@dataclass(frozen=True)
class BarChart:
    """A static bar chart (inline SVG bars) with its caption and its data table."""

    id: str
    caption: str
    bars: tuple[Bar, ...]
    table: Table


@dataclass(frozen=True)
class Measured:
    """One indicator that measures a key result, with its progress at the year's end."""

    initiative: Initiative
    indicator: Indicator
    progress: Progress


@dataclass(frozen=True)
class KeyResultProgress:
    """A key result and the progress of the indicators that name it."""

    key_result: KeyResult
    measured: tuple[Measured, ...]


@dataclass(frozen=True)
class ObjectiveProgress:
    """An objective, its key results' progress, and how many initiatives worked on it."""

    objective: Objective
    key_results: tuple[KeyResultProgress, ...]
    initiatives: int


@dataclass(frozen=True)
class Newcomer:
    """A partner or funder that first appears in the year."""

    id: str
    name: str
    sector: str


def report_uri(r: Renderer, year: int | None = None) -> str:
    """The docs path of a year's report, or of the index of the years (year None)."""
    name = "index" if year is None else str(year)
    return f"{r.options.output}/report/{name}.md"


def print_css_uri(r: Renderer, year: int) -> str:
    """The docs path of the stylesheet that prints a year's report."""
    return f"{r.options.output}/report/print-{year}.css"


def report_years(r: Renderer) -> tuple[int, ...]:
    """The years a report is made of (stories, money or measured values), oldest first."""
    return r.once("report.years", lambda: years_with_records(r.portfolio))


def figures_of(r: Renderer, year: int) -> YearFigures:
    """The figures of a year, made once per run (its page and the index show them)."""
    return r.once(f"report.figures.{year}", lambda: year_figures(r.portfolio, r.figures, year))


def year_end(year: int) -> dt.date:
    """The last day of a year: a report reads the values measured by then."""
    return dt.date(year, 12, 31)


# -- progress ---------------------------------------------------------------------------------


def progress_words(r: Renderer, p: Progress) -> str:
    """A progress in words: "on track", "behind", ..."""
    return r.t(f"progress.{p.state.value}")


def progress_detail(r: Renderer, p: Progress, unit: str = "") -> str:
    """What the words rest on: how much of the way, against how much of the time."""
    t = r.t
    if p.latest is None:
        return t("progress.detail.no_data")
    latest = _value(r, p.latest.value, unit)
    when = t.date(p.latest.date)
    if p.share is None:
        return t("progress.detail.no_target", latest=latest, date=when)
    share = t.percent(min(max(p.share, -9.99), 9.99))  # a share beyond ±999 % says no more
    if p.expected is None:
        return t("progress.detail.share", share=share, latest=latest, date=when)
    return t("progress.detail.expected", share=share, expected=t.percent(p.expected),
             latest=latest, date=when)


def progress_length(p: Progress) -> float:
    """The bar's length: the share of the way, from 0 to 100."""
    return 0.0 if p.share is None else round(min(1.0, max(0.0, p.share)) * 100, 1)


def _value(r: Renderer, value: float, unit: str) -> str:
    text = r.t.number(value, 2 if value % 1 else 0)
    return f"{text} {unit}".strip()


def objective_progress(r: Renderer, year: int | None,
                       running: Collection[str] | None = None) -> tuple[ObjectiveProgress, ...]:
    """Each objective's key results with the progress of the indicators that name them, as
    measured by the end of `year` (all values without one), and how many initiatives work
    towards it (of `running`, the slugs of a year's initiatives, where given)."""
    until = year_end(year) if year is not None else None
    result = []
    for o in r.portfolio.info.objectives:
        krs = tuple(KeyResultProgress(kr, tuple(
            Measured(i, ind, progress(ind, until))
            for i, ind in key_result_indicators(r.portfolio, kr))) for kr in o.key_results)
        count = sum(1 for i in r.portfolio.initiatives if o.id in i.objectives
                    and (running is None or i.slug in running))
        result.append(ObjectiveProgress(o, krs, count))
    return tuple(result)


def progress_counts(objectives: Sequence[ObjectiveProgress]) -> dict[ProgressState, int]:
    """How many key results stand where: each by its indicators' least good state."""
    order = (ProgressState.BEHIND, ProgressState.UNDER_WAY, ProgressState.NO_TARGET,
             ProgressState.ON_TRACK, ProgressState.REACHED)
    counts = dict.fromkeys(ProgressState, 0)
    for o in objectives:
        for kr in o.key_results:
            states = {m.progress.state for m in kr.measured} - {ProgressState.NO_DATA}
            state = next((s for s in order if s in states), ProgressState.NO_DATA)
            counts[state] += 1
    return counts


# -- the year's figures in words and charts -------------------------------------------------


def summary_sentences(r: Renderer, y: YearFigures, objectives: Sequence[ObjectiveProgress]
                      ) -> list[str]:
    """The year in a few plain sentences."""
    t = r.t
    cur = r.portfolio.info.currency
    n = len(y.initiatives)
    sentences = [t("report.says.ran_one" if n == 1 else "report.says.ran", year=y.year,
                   name=r.portfolio.info.name, count=t.number(n),
                   partners=t("report.says.partners_one") if len(y.partners) == 1
                   else t("report.says.partners", count=t.number(len(y.partners))))]
    lay = y.layers
    project = lay.layer2 + lay.layer3
    if lay.layer1 or project:
        sentences.append(t("report.says.money", total=t.money(lay.layer1 + project, cur,
                                                              compact=True),
                           base=t.money(lay.layer1, cur, compact=True),
                           project=t.money(project, cur, compact=True)))
        if lay.leverage is not None:
            sentences.append(t("report.says.leverage", ratio=ratio(r, lay.leverage)))
        else:
            sentences.append(t("report.says.no_leverage"))
    else:
        sentences.append(t("report.says.no_money"))
    money = [(f, y.balance.facet_total(f).funding) for f in FACETS]
    spent = sum(m for _, m in money)
    if spent > 0:
        facet, most = max(money, key=lambda p: p[1])
        sentences.append(t("report.says.facet_share", share=t.percent(most / spent),
                           work=t(f"facetmap.work.{facet.value}")))
    events = len(y.critical_events)
    sentences.append(t("report.says.stories", events=t.number(events),
                       others=t.number(len(y.stories) - events)))
    if y.new_partners or y.new_funders:
        sentences.append(t("report.says.newcomers", year=y.year,
                           partners=t.number(len(y.new_partners)),
                           funders=t.number(len(y.new_funders))))
    counts = progress_counts(objectives)
    total = sum(counts.values())
    if total:
        sentences.append(t("report.says.progress", total=t.number(total),
                           reached=t.number(counts[ProgressState.REACHED]),
                           on_track=t.number(counts[ProgressState.ON_TRACK]),
                           behind=t.number(counts[ProgressState.BEHIND]),
                           other=t.number(total - counts[ProgressState.REACHED]
                                          - counts[ProgressState.ON_TRACK]
                                          - counts[ProgressState.BEHIND])))
    return sentences


def facet_chart(r: Renderer, y: YearFigures) -> BarChart:
    """The year's project money and initiatives by facet, as bars and as a table."""
    t = r.t
    cur = r.portfolio.info.currency
    cells = [(f, y.balance.facet_total(f)) for f in FACETS]
    spent = sum(c.funding for _, c in cells)
    longest = max((c.funding for _, c in cells), default=0.0)
    bars = tuple(Bar(t(f"facet.{f.value}"), _length(c.funding, longest),
                     t.money(c.funding, cur, compact=True), FACET_COLOURS[f], FACET_SYMBOLS[f])
                 for f, c in cells)
    rows = tuple((f"{FACET_SYMBOLS[f]} {t('facet.' + f.value)}", t.number(c.count),
                  t.number(c.funding), t.percent(c.funding / spent) if spent else "–")
                 for f, c in cells)
    table = Table((t("initiative.facet"), t("report.col.initiatives"),
                   t("report.col.money", currency=cur), t("report.col.share")), rows,
                  t("report.facet_table", year=y.year, currency=cur), numeric=(1, 2, 3),
                  footer=(t("facetmap.total"), t.number(sum(c.count for _, c in cells)),
                          t.number(spent), t.percent(1) if spent else "–"))
    return BarChart(f"pf-report-{y.year}-facets", t("report.facet_caption", year=y.year),
                    bars, table)


def layers_chart(r: Renderer, y: YearFigures) -> BarChart:
    """The year's layers 1-3 as bars, and the layer model's row of the year and its total."""
    t = r.t
    cur = r.portfolio.info.currency
    lay = y.layers
    values = ((t("leverage.layer1"), lay.layer1), (t("leverage.layer2"), lay.layer2),
              (t("leverage.layer3"), lay.layer3))
    longest = max(v for _, v in values)
    bars = tuple(Bar(name, _length(v, longest), t.money(v, cur, compact=True), LAYER_COLOURS[n])
                 for n, (name, v) in enumerate(values))
    total = r.figures.leverage.total
    table = Table(
        (t("leverage.year"), t("leverage.col_layer1"), t("leverage.col_layer2"),
         t("leverage.col_layer3"), t("leverage.col_layers23"), t("leverage.col_in_kind"),
         t("leverage.col_layer4"), t("leverage.ratio")),
        (layer_row(r, str(y.year), lay),),
        t("leverage.table_caption", currency=cur), numeric=(1, 2, 3, 4, 5, 6, 7),
        footer=layer_row(r, t("report.all_years"), total))
    return BarChart(f"pf-report-{y.year}-layers", t("report.layers_caption", year=y.year),
                    bars, table)


def _length(value: float, longest: float) -> float:
    return round(value / longest * 100, 1) if longest > 0 else 0.0


def newcomers(r: Renderer, ids: Sequence[str]) -> tuple[Newcomer, ...]:
    """Partners or funders by name, with their sector."""
    found: list[Newcomer] = []
    for pid in ids:
        p: Partner | None = r.partner(pid)
        found.append(Newcomer(pid, p.name if p else pid,
                              r.t(f"sector.{p.sector.value}") if p else ""))
    found.sort(key=lambda n: (r.t.collate(n.name), n.id))
    return tuple(found)


# -- pages ----------------------------------------------------------------------------------


def print_css(r: Renderer, year: int) -> bytes:
    """The stylesheet that prints a year's report on A4: on every page the site's name, the
    report's title with its year, the date the site was made, and the page number."""
    t = r.t
    made = t("report.made", date=t.date(r.built.date()))
    boxes = {
        "top-left": _css_string(r.portfolio.info.name),
        "top-right": _css_string(t("report.title", year=year)),
        "bottom-left": _css_string(made),
        "bottom-right": (_css_string(t("report.page") + " ") + " counter(page) "
                         + _css_string(" / ") + " counter(pages)"),
    }
    rules = "".join(
        f"  @{box} {{ content: {content}; font-family: system-ui, sans-serif; "
        f"font-size: 8.5pt; color: #333; }}\n" for box, content in boxes.items())
    text = ("/* Prints the year's report on A4 (made by the portfolio plugin). */\n"
            "@page {\n  size: A4;\n  margin: 18mm 16mm 18mm 16mm;\n" + rules + "}\n")
    return text.encode("utf-8")


def _css_string(text: str) -> str:
    """Text as a CSS string: quotes and backslashes escaped, every line break and control
    character written as its code, and nothing that could end the rule."""
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F or ch in "<>":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _stories_link(r: Renderer, year: int) -> str:
    from .timeline import year_uri  # the timeline's own page of the year

    return year_uri(r, year)


def year_page(r: Renderer, year: int, newer: int | None, older: int | None) -> str:
    """The Markdown of one year's report."""
    t = r.t
    here = report_uri(r, year)
    y = figures_of(r, year)
    objectives = objective_progress(r, year, frozenset(y.initiatives))
    balance: Balance = y.balance
    events = y.critical_events
    others = tuple(s for s in y.stories if s.kind is not StoryKind.CRITICAL_EVENT)
    stories_years = {s.date.year for s in r.figures.stories}
    cur = r.portfolio.info.currency
    return r.page(
        here, "report.md", t("report.title", year=year),
        t("report.description", year=year, name=r.portfolio.info.name),
        meta={"print_style": r.site_url(print_css_uri(r, year))},
        year=year, y=y, index=report_uri(r), made=t("report.made", date=t.date(r.built.date())),
        says=summary_sentences(r, y, objectives),
        figures=(
            (t.number(len(y.initiatives)), t("report.figure.initiatives")),
            (t.number(len(y.partners)), t("report.figure.partners")),
            (t.money(y.layers.layer1 + y.layers.layer2 + y.layers.layer3, cur, compact=True),
             t("report.figure.money")),
            (ratio(r, y.layers.leverage), t("report.figure.leverage")),
            (t.number(len(events)), t("report.figure.events")),
            (t.number(len(y.new_partners)), t("report.figure.new_partners")),
        ),
        balance=balance_view(r, balance), facets=facet_chart(r, y), layers=layers_chart(r, y),
        year_ratio=ratio(r, y.layers.leverage),
        total_ratio=ratio(r, r.figures.leverage.total.leverage),
        total_has_ratio=r.figures.leverage.total.leverage is not None,
        objectives=objectives,
        words=lambda p: progress_words(r, p),
        detail=lambda p, unit="": progress_detail(r, p, unit),
        length=progress_length,
        events=events[:EVENTS_SHOWN], events_more=max(0, len(events) - EVENTS_SHOWN),
        others=others[:OTHER_STORIES_SHOWN],
        others_more=max(0, len(others) - OTHER_STORIES_SHOWN),
        stories_page=_stories_link(r, year) if year in stories_years else "",
        new_partners=newcomers(r, y.new_partners)[:NAMES_SHOWN],
        new_partners_more=max(0, len(y.new_partners) - NAMES_SHOWN),
        new_funders=newcomers(r, y.new_funders)[:NAMES_SHOWN],
        new_funders_more=max(0, len(y.new_funders) - NAMES_SHOWN),
        newer=(newer, report_uri(r, newer)) if newer is not None else None,
        older=(older, report_uri(r, older)) if older is not None else None,
    )


@dataclass(frozen=True)
class YearEntry:
    """A year in the index of reports, with its headline figures."""

    year: int
    page: str
    initiatives: str
    money: str
    events: str


def index_page(r: Renderer) -> str:
    """The Markdown of the index of the years' reports."""
    t = r.t
    here = report_uri(r)
    cur = r.portfolio.info.currency
    entries = []
    for year in reversed(report_years(r)):
        y = figures_of(r, year)
        lay = y.layers
        entries.append(YearEntry(year, report_uri(r, year), t.number(len(y.initiatives)),
                                 t.money(lay.layer1 + lay.layer2 + lay.layer3, cur,
                                         compact=True),
                                 t.number(len(y.critical_events))))
    return r.page(here, "report_index.md", t("report.index_title"),
                  t("report.index_description", name=r.portfolio.info.name),
                  entries=entries)


def pages(r: Renderer) -> Iterator[tuple[str, Later | bytes]]:
    """The index of the reports, and per year its report and the stylesheet that prints it."""
    years = report_years(r)
    yield report_uri(r), partial(index_page, r)
    for n, year in enumerate(years):
        newer = years[n + 1] if n + 1 < len(years) else None
        older = years[n - 1] if n > 0 else None
        yield report_uri(r, year), partial(year_page, r, year, newer, older)
        yield print_css_uri(r, year), partial(print_css, r, year)


