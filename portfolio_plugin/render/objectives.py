"""The legitimacy pages: portfolio objectives with their key results, contributing
initiatives and indicators, and the higher-level mandates the initiatives serve."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from ..model import Indicator, Initiative, Mandate, MandateLevel, Objective
from . import Later, Renderer
from .charts import Chart
from .initiative import indicator_charts
from .text import joined

# Initiatives listed per objective or mandate; the rest are counted (their own pages link
# back), so the pages stay readable and light at thousands of initiatives.
INITIATIVES_SHOWN = 40
# Of those, the mandates page tells what the first few do (their summary), largest first.
FEATURED = 8
# Indicators per objective in the summary table, and charts drawn of them; every indicator
# is on its initiative's page too.
INDICATORS_SHOWN = 30
CHARTS_SHOWN = 6


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator of a contributing initiative, with its latest measurement."""

    initiative: Initiative
    indicator: Indicator
    chart_id: str


@dataclass(frozen=True)
class ObjectiveEntry:
    """One objective, its contributing initiatives and their indicators."""

    objective: Objective
    initiatives: tuple[Initiative, ...]
    more: int
    indicators: tuple[IndicatorRow, ...]
    more_indicators: int
    charts: tuple[Chart, ...]


@dataclass(frozen=True)
class MandateEntry:
    """One mandate and the initiatives that serve it."""

    mandate: Mandate
    featured: tuple[Initiative, ...]
    initiatives: tuple[Initiative, ...]
    more: int
    count: int


def _sorted(r: Renderer, initiatives: Sequence[Initiative]) -> list[Initiative]:
    return sorted(initiatives, key=lambda i: (r.t.collate(r.text(i.title)), i.slug))


def objective_entries(r: Renderer) -> tuple[ObjectiveEntry, ...]:
    """Every objective of the portfolio with its initiatives, indicators and charts."""
    entries = []
    for o in r.portfolio.info.objectives:
        members = _sorted(r, [i for i in r.portfolio.initiatives if o.id in i.objectives])
        rows: list[IndicatorRow] = []
        charts: list[Chart] = []
        total = 0
        for i in members:
            if not i.indicators:
                continue
            total += len(i.indicators)
            if len(rows) >= INDICATORS_SHOWN:
                continue
            # The initiative pages' charts (made only while some are still to be drawn),
            # with ids made unique on this page: an initiative may serve several objectives.
            made = indicator_charts(r, i) if len(charts) < CHARTS_SHOWN else []
            for n, ind in enumerate(i.indicators):
                chart_id = ""
                if n < len(made) and len(charts) < CHARTS_SHOWN:
                    chart_id = f"objective-{o.id}-{made[n].id}"
                    charts.append(dataclasses.replace(
                        made[n], id=chart_id,
                        caption=joined(made[n].caption, " · ", r.text(i.title))))
                rows.append(IndicatorRow(i, ind, chart_id))
        rows = rows[:INDICATORS_SHOWN]
        entries.append(ObjectiveEntry(o, tuple(members[:INITIATIVES_SHOWN]),
                                      max(0, len(members) - INITIATIVES_SHOWN),
                                      tuple(rows), total - len(rows), tuple(charts)))
    return tuple(entries)


def mandate_levels(r: Renderer) -> tuple[tuple[MandateLevel, tuple[MandateEntry, ...]], ...]:
    """Mandates grouped by level, from the EU down to the local level."""
    result = []
    for level in MandateLevel:
        entries = []
        for m in r.portfolio.info.mandates:
            if m.level is not level:
                continue
            members = _sorted(r, [i for i in r.portfolio.initiatives if m.id in i.mandates])
            # Featured: the largest commitments (cash), told with their summaries; the
            # others follow by name.
            featured = sorted(members, key=lambda i: -i.cash)[:FEATURED]
            rest = [i for i in members if i not in featured]
            entries.append(MandateEntry(
                m, tuple(_sorted(r, featured)), tuple(rest[:INITIATIVES_SHOWN - FEATURED]),
                max(0, len(rest) - (INITIATIVES_SHOWN - FEATURED)), len(members)))
        if entries:
            result.append((level, tuple(entries)))
    return tuple(result)


def _value(r: Renderer, value: float | None) -> str:
    if value is None:
        return "–"
    return r.t.number(value, 2 if value % 1 else 0)


def objectives_page(r: Renderer) -> str:
    """The Markdown of the objectives page."""
    from .report import objective_progress, progress_detail, progress_length, progress_words

    t = r.t
    here = r.uri("objectives")
    entries = objective_entries(r)
    return r.page(here, "objectives.md", t("objectives.title"), t("objectives.description"),
                  entries=entries, value=lambda v: _value(r, v),
                  unlinked=sum(1 for i in r.portfolio.initiatives if not i.objectives),
                  # Each key result with the progress of the indicators that name it.
                  progress={o.objective.id: o.key_results for o in objective_progress(r, None)},
                  words=lambda p: progress_words(r, p),
                  detail=lambda p, unit="": progress_detail(r, p, unit),
                  length=progress_length)


def mandates_page(r: Renderer) -> str:
    """The Markdown of the mandates page."""
    t = r.t
    here = r.uri("mandates")
    levels = mandate_levels(r)
    return r.page(here, "mandates.md", t("mandates.title"), t("mandates.description"),
                  levels=levels,
                  serving=sum(1 for i in r.portfolio.initiatives if i.mandates),
                  unlinked=sum(1 for i in r.portfolio.initiatives if not i.mandates))


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The objectives page and the mandates page."""
    yield r.uri("objectives"), partial(objectives_page, r)
    yield r.uri("mandates"), partial(mandates_page, r)
