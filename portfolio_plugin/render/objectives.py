"""The legitimacy pages: portfolio objectives with their key results, contributing
initiatives and indicators, and the higher-level mandates the initiatives serve."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from ..compute import balance
from ..model import Indicator, Initiative, Mandate, MandateLevel, Objective
from . import Later, Renderer
from .browse import listing, listing_page, numbered, page_uri
from .charts import Chart
from .facetmap import count_table
from .initiative import indicator_charts
from .text import joined

# A mandate or objective served by at most this many initiatives lists them all on the
# mandates or objectives page (the reference site's largest has 16). One with more shows the
# few that matter most, its largest cash commitments, and links to a page of its own that
# lists every one (the pages stay a few screens long at thousands of initiatives).
LISTED_IN_FULL = 20
# Of a mandate listed in full, the first few are told with their summaries, largest first.
FEATURED = 8
# Of a mandate or objective with more: the largest commitments named on the page.
MANDATE_FIRST = 3
OBJECTIVE_FIRST = 5
# Indicators per objective in the summary table, and charts drawn of them; every indicator
# is on its initiative's page too. An objective with its own page draws no chart here (its
# table of indicators opens on demand).
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
    initiatives: tuple[Initiative, ...]  # all of them, or the first (`page` lists all)
    count: int
    indicators: tuple[IndicatorRow, ...]
    more_indicators: int
    charts: tuple[Chart, ...]
    page: str = ""  # the docs path of the objective's own page, if it has one


@dataclass(frozen=True)
class MandateEntry:
    """One mandate and the initiatives that serve it."""

    mandate: Mandate
    featured: tuple[Initiative, ...]  # told with their summaries, or the first (`page`)
    initiatives: tuple[Initiative, ...]  # the others, by name
    count: int
    page: str = ""  # the docs path of the mandate's own page, if it has one


def _sorted(r: Renderer, initiatives: Sequence[Initiative]) -> list[Initiative]:
    return sorted(initiatives, key=lambda i: (r.t.collate(r.text(i.title)), i.slug))


def largest_first(r: Renderer, initiatives: Sequence[Initiative]) -> list[Initiative]:
    """The initiatives that matter most first: the largest cash commitments, then by name."""
    return sorted(_sorted(r, initiatives), key=lambda i: -i.cash)


def objective_members(r: Renderer, objective_id: str) -> list[Initiative]:
    """The initiatives contributing to an objective, by name (found once per run)."""
    return r.once(f"objectives.members:{objective_id}", lambda: _sorted(
        r, [i for i in r.portfolio.initiatives if objective_id in i.objectives]))


def mandate_members(r: Renderer, mandate_id: str) -> list[Initiative]:
    """The initiatives serving a mandate, by name (found once per run)."""
    return r.once(f"mandates.members:{mandate_id}", lambda: _sorted(
        r, [i for i in r.portfolio.initiatives if mandate_id in i.mandates]))


def objective_entries(r: Renderer) -> tuple[ObjectiveEntry, ...]:
    """Every objective of the portfolio with its initiatives, indicators and charts."""
    entries = []
    for o in r.portfolio.info.objectives:
        members = objective_members(r, o.id)
        own = len(members) > LISTED_IN_FULL
        charts_shown = 0 if own else CHARTS_SHOWN
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
            made = indicator_charts(r, i) if len(charts) < charts_shown else []
            for n, ind in enumerate(i.indicators):
                chart_id = ""
                if n < len(made) and len(charts) < charts_shown:
                    chart_id = f"objective-{o.id}-{made[n].id}"
                    charts.append(dataclasses.replace(
                        made[n], id=chart_id,
                        caption=joined(made[n].caption, " · ", r.text(i.title))))
                rows.append(IndicatorRow(i, ind, chart_id))
        rows = rows[:INDICATORS_SHOWN]
        shown = largest_first(r, members)[:OBJECTIVE_FIRST] if own else members
        entries.append(ObjectiveEntry(o, tuple(shown), len(members), tuple(rows),
                                      total - len(rows), tuple(charts),
                                      r.uri(f"objective:{o.id}") if own else ""))
    return tuple(entries)


def mandate_levels(r: Renderer) -> tuple[tuple[MandateLevel, tuple[MandateEntry, ...]], ...]:
    """Mandates grouped by level, from the EU down to the local level."""
    result = []
    for level in MandateLevel:
        entries = []
        for m in r.portfolio.info.mandates:
            if m.level is not level:
                continue
            members = mandate_members(r, m.id)
            largest = largest_first(r, members)
            if len(members) > LISTED_IN_FULL:
                # The largest commitments, and a link to the mandate's own page.
                entries.append(MandateEntry(m, tuple(largest[:MANDATE_FIRST]), (),
                                            len(members), r.uri(f"mandate:{m.id}")))
                continue
            # Featured: the largest commitments (cash), told with their summaries; the
            # others follow by name.
            featured = largest[:FEATURED]
            rest = [i for i in members if i not in featured]
            entries.append(MandateEntry(m, tuple(_sorted(r, featured)), tuple(rest),
                                        len(members)))
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


def _listing_pages(r: Renderer, kind: str, key: str, title: str,
                   members: Sequence[Initiative]) -> Iterator[tuple[str, Later]]:
    """The pages listing every initiative of one mandate or objective (`kind`), in the
    listings' table, with their counts by facet and zone and a way back."""
    t = r.t
    first = r.uri(f"{kind}:{key}")
    counts = dataclasses.replace(count_table(r, balance(members)),
                                 caption=t(f"{kind}s.page_counts"))
    back = (r.uri(f"{kind}s"), f"#{kind}-{key}", t(f"{kind}s.back"))
    for page in listing(r, "pf-list", first, members, fixed=((f"{kind}s", key),)):
        uri = page_uri(first, page.number)
        yield uri, partial(
            listing_page, r, uri, "browse_group.md",
            numbered(r, t(f"{kind}s.page_title", title=title), page),
            t(f"{kind}s.page_description", title=title), page,
            intro=t(f"{kind}s.page_intro", title=title, count=t.number(len(members))),
            summary=(), summary_head="", gaps=(), count_table=counts, back=back)


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The objectives page and the mandates page, and a page of its own for each objective
    and mandate with more initiatives than those pages list."""
    yield r.uri("objectives"), partial(objectives_page, r)
    yield r.uri("mandates"), partial(mandates_page, r)
    for o in r.portfolio.info.objectives:
        members = objective_members(r, o.id)
        if len(members) > LISTED_IN_FULL:
            yield from _listing_pages(r, "objective", o.id, o.title, members)
    for m in r.portfolio.info.mandates:
        members = mandate_members(r, m.id)
        if len(members) > LISTED_IN_FULL:
            yield from _listing_pages(r, "mandate", m.id, m.title, members)
