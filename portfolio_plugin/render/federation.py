"""The portfolio of portfolios: this portfolio beside the ones it federates, side by side.

Made only when `portfolio.yml` lists `federation` sources. This portfolio is summarised from
its own `portfolio.json` document, the others from theirs, so both sides are read alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from ..export import PAGE_NAMES
from ..export.document import Document
from ..export.federation import PortfolioSummary, shared_partners, summarise
from ..model import FACETS, ZONES
from . import Later, Renderer
from .charts import Table, bar_chart

# One colour per portfolio in the chart (the table and the legend carry the names).
COLOURS = ("#1864ab", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#495057", "#0b7285")


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def zone_chart(r: Renderer, portfolios: Sequence[PortfolioSummary]) -> Any:
    """Share of each portfolio's initiatives in each zone: does work move towards blue?"""
    t = r.t
    zones = [t(f"zone.{z.value}") for z in ZONES]
    series = []
    rows = []
    for n, p in enumerate(portfolios):
        shares = []
        for z in ZONES:
            count = sum(p.cell(f.value, z.value)[0] for f in FACETS)
            shares.append(round(100 * _share(count, p.initiatives), 1))
        series.append((p.name, shares, COLOURS[n % len(COLOURS)]))
        rows.append((p.name, *(t.percent(s / 100) for s in shares)))
    table = Table((t("federation.portfolio"), *zones), tuple(rows), numeric=(1, 2, 3))
    return bar_chart("federation-zones", t("federation.zone_chart"), zones, series, table,
                     y_title=t("federation.share_axis"))


def federation_page(r: Renderer, others: Sequence[PortfolioSummary]) -> str:
    """The Markdown of the federation page."""
    here = r.uri("federation")
    # This portfolio as the others see it: from the document its portfolio.json holds.
    document = Document(r.portfolio, r.figures, r.options, r.t, r.built).document_model()
    ours = summarise(document, local=True,
                     page_paths={name: r.uri(name) for name in PAGE_NAMES})
    portfolios = (ours, *others)
    years = sorted({row.year for p in portfolios for row in p.years if row.year is not None})
    values = {
        "portfolios": portfolios,
        "others": others,
        # Sources listed (each once) that neither they nor a copy could stand in for.
        "missing": len(dict.fromkeys(r.portfolio.info.federation))
        - sum(1 + len(p.also) for p in others),
        "cells": [(f.value, z.value) for f in FACETS for z in ZONES],
        "years": years,
        "shared": shared_partners(portfolios),
        "zone_chart": zone_chart(r, portfolios),
        "page_names": PAGE_NAMES,
    }
    return r.page(here, "federation.md", r.t("federation.title"), r.t("federation.description"),
                  **values)


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The federation page, when the portfolio federates others."""
    if not r.portfolio.info.federation:
        return
    others: tuple[PortfolioSummary, ...] = tuple(r.extra.get("federation", ()))
    yield r.uri("federation"), partial(federation_page, r, others)
