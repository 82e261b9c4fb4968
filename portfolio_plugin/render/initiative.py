"""Initiative pages: the facts above the author's text, the journey and stories below it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from ..compute import progress
from ..model import FundingKind, Initiative, language_of
from . import MARKER, Later, PageText, Renderer, split_html_blocks
from .body import mark_body
from .charts import CONFIG, Chart, Table, base_layout, label
from .linked import project
from .report import progress_detail, progress_words
from .text import foreign_heading, markdown_text, theme_text, yaml_front_matter


def indicator_charts(r: Renderer, i: Initiative) -> list[Chart]:
    """One line chart per indicator, against its baseline and target, with its table."""
    charts = []
    for n, ind in enumerate(i.indicators):
        dates = [v.date.iso() for v in ind.values]
        values = [v.value for v in ind.values]
        # Plain plotly JSON: building graph objects costs more than the whole page.
        traces: list[dict[str, Any]] = [{
            "type": "scatter", "x": dates, "y": values, "mode": "lines+markers",
            "name": label(ind.name), "line": {"color": "#1864ab"}}]
        for value, name, dash, colour in ((ind.baseline, r.t("initiative.baseline"), "dot",
                                           "#868e96"),
                                          (ind.target, r.t("initiative.target"), "dash",
                                           "#2b8a3e")):
            if value is not None and dates:
                traces.append({"type": "scatter", "x": [dates[0], dates[-1]],
                               "y": [value, value], "mode": "lines", "name": label(name),
                               "line": {"dash": dash, "color": colour}})
        figure = {"data": traces, "config": CONFIG, "layout": base_layout(
            300, xaxis={"type": "category"},
            yaxis={"title": {"text": label(ind.unit)}, "rangemode": "tozero"})}
        rows = tuple((r.t.date(v.date), r.t.number(v.value, 2 if v.value % 1 else 0))
                     for v in ind.values)
        footer: tuple[str, ...] = ()
        extra_rows = []
        if ind.baseline is not None:
            extra_rows.append((r.t("initiative.baseline"), r.t.number(ind.baseline, 2
                                                                      if ind.baseline % 1
                                                                      else 0)))
        if ind.target is not None:
            extra_rows.append((r.t("initiative.target"), r.t.number(ind.target, 2
                                                                    if ind.target % 1 else 0)))
        table = Table((r.t("initiative.date"), f"{ind.name} ({ind.unit})" if ind.unit
                       else ind.name), rows + tuple(extra_rows), numeric=(1,), footer=footer)
        caption = f"{ind.name}" + (f" ({ind.unit})" if ind.unit else "")
        # Its progress in words (DESIGN): how far, and whether on track.
        now = progress(ind)
        summary = r.t("progress.summary", words=progress_words(r, now),
                      detail=progress_detail(r, now, ind.unit))
        charts.append(Chart(f"indicator-{i.slug}-{n}", caption, figure, table, 300,
                            summary=summary))
    return charts


def initiative_page(r: Renderer, i: Initiative) -> PageText:
    """The Markdown of one initiative page."""
    here = r.options.initiative_uri(i.slug)
    info = r.portfolio.info
    link = r.linker(here)
    money = r.t.money
    currency = info.currency
    # Links from this page and formatted values come made, for the tables' many rows.
    head = r.render_macro(
        here, "initiative_head.html", "head", i=i,
        themes=[(link(r.uri(f"theme:{t.id}")), t.title) for t in info.themes
                if t.id in i.themes],
        mandates=[m for m in info.mandates if m.id in i.mandates],
        objectives=[o for o in info.objectives if o.id in i.objectives],
        funders=sorted({f.funder for f in i.funding if f.kind is FundingKind.CASH}),
        steward=r.partner_link(i.steward, link) if i.steward else None,
        partners=[(r.partner_link(p.id, link), p.role or "") for p in i.partners],
        jsonld=project(r, i))
    foot = r.render_macro(
        here, "initiative_foot.html", "foot", i=i,
        funding=[(f, r.partner_link(f.funder, link), money(f.amount, currency),
                  "" if f.money.currency == currency
                  else money(f.money.original_amount, f.money.currency))
                 for f in sorted(i.funding, key=lambda f: f.year)],
        journey=[(step, step.date.iso(), r.t.date(step.date)) for step in i.zone_history],
        assets=[a for a in (r.portfolio.asset(x) for x in i.assets) if a is not None],
        indicator_charts=indicator_charts(r, i),
        feed=r.feed_uri("initiatives", i.slug) if i.stories else None)
    title = r.text(i.title)
    fields: dict[str, Any] = {
        "title": theme_text(title),
        "description": theme_text(r.text(i.summary)),
        "template": "portfolio.html",
    }
    if i.stories:  # the page template announces the initiative's own feeds
        fields["feeds"] = r.feed_meta(r.feed_uri("initiatives", i.slug),
                                      r.t("opendata.feed_title", name=title))
    front = yaml_front_matter(fields)
    body = i.body.strip("\n")
    # A body MkDocs does not read from the author's file (a translation, `<slug>.<lang>.md`,
    # or one shown in another language than the page's) comes whole, between its marks.
    given = i.body_path is not None or i.body_language is not None
    if given:
        body = mark_body(body, i.body_language)
    head_marked, head_parts = split_html_blocks(str(head))
    foot_marked, foot_parts = split_html_blocks(str(foot))
    # Renumber the foot's markers after the head's; the author's body is never split.
    for index in reversed(range(len(foot_parts))):
        foot_marked = foot_marked.replace(MARKER.format(index),
                                          MARKER.format(index + len(head_parts)))
    # The summary stays Markdown (escaped), so that the search index holds it.
    summary = r.text(i.summary)
    lead = markdown_text(summary)
    lang = language_of(summary)
    if lang is not None:
        lead = f'<span lang="{lang}">{lead}</span>'
    before = f"{front}\n{foreign_heading(title)}{lead}\n\n{head_marked}\n\n"
    return PageText(marked=f"{before}{body}\n\n{foot_marked}",
                    parts=tuple(head_parts + foot_parts),
                    own=None if given else (len(before), len(before) + len(body)))


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """Every valid initiative's page, in place of its source file."""
    # A page depends on its initiative and on the site's shared data (partner names, theme
    # titles, ...); with a cache, unchanged pages are not rendered again.
    shared = r.shared()
    for i in r.portfolio.initiatives:
        yield r.options.initiative_uri(i.slug), partial(
            r.cached, ("initiative", i, shared), partial(initiative_page, r, i))
