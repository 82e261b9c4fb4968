"""The ecosystem page (partners, shared assets, money by funder, the partner network) and
one page per partner."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..compute import PartnerFigures, partner_links
from ..model import FACETS, Asset, FundingKind, Initiative, Partner, Sector
from . import FACET_SYMBOLS, ZONE_SYMBOLS, Later, Renderer
from .charts import Cell, Chart, Link, Table, base_layout, label, plain_figure, trace
from .linked import partner_organisation

# Above this many initiatives the network shows partners and their shared work only:
# one marker per initiative would be unreadable and heavy.
FULL_NETWORK_MAX_INITIATIVES = 80
# In the partners-only network: how many partners and connections are drawn.
NETWORK_MAX_PARTNERS = 40
NETWORK_MAX_LINKS = 80
# How many initiatives an asset's entry names before it says "and N more".
ASSET_USERS_SHOWN = 10
# Rows of a partner's initiatives table; the full list of initiatives holds the rest.
PARTNER_INITIATIVES_SHOWN = 200
# The newest stories on a partner page; every story is on its year's timeline page.
PARTNER_STORIES_SHOWN = 12

SECTOR_COLOURS = {
    Sector.PUBLIC: "#1864ab", Sector.BUSINESS: "#c2410c", Sector.ACADEMIA: "#5f3dc4",
    Sector.CIVIL_SOCIETY: "#2b8a3e", Sector.FUNDER: "#a61e4d", Sector.OTHER: "#495057",
}
SECTOR_SYMBOLS = {
    Sector.PUBLIC: "square", Sector.BUSINESS: "diamond", Sector.ACADEMIA: "triangle-up",
    Sector.CIVIL_SOCIETY: "circle", Sector.FUNDER: "star", Sector.OTHER: "hexagon",
}
FACET_COLOURS = {"mission-oriented": "#5f3dc4", "enhancement-oriented": "#0b7285",
                 "anticipatory": "#c2410c", "adaptive": "#a61e4d"}
FACET_MARKERS = {"mission-oriented": "triangle-up", "enhancement-oriented": "triangle-left",
                 "anticipatory": "triangle-right", "adaptive": "triangle-down"}


@dataclass(frozen=True)
class SectorGroup:
    """The partners of one sector, by name, with how many initiatives each takes part in."""

    sector: Sector
    partners: tuple[tuple[Partner, int], ...]


@dataclass(frozen=True)
class AssetEntry:
    """A shared asset, its owner and the initiatives that use it (the first few)."""

    asset: Asset
    owner: Partner | None
    users: tuple[Initiative, ...]
    more: int


@dataclass(frozen=True)
class Involvement:
    """One row of a partner's initiatives: the initiative, the role, the money put in
    (as text: many rows are made, and Python formats them faster than a template)."""

    initiative: Initiative
    href: str
    title: str
    role: str
    facet: str
    zone: str
    cash: str
    in_kind: str


def _involved(r: Renderer) -> dict[str, int]:
    return {p.id: len(p.initiatives) for p in r.figures.partners}


def sector_groups(r: Renderer) -> tuple[SectorGroup, ...]:
    """Partners grouped by sector (in the model's order), each group by name."""
    counts = _involved(r)
    groups = []
    for sector in Sector:
        members = sorted((p for p in r.portfolio.partners if p.sector is sector),
                         key=lambda p: (r.t.collate(p.name), p.id))
        if members:
            groups.append(SectorGroup(sector, tuple((p, counts.get(p.id, 0)) for p in members)))
    return tuple(groups)


def asset_entries(r: Renderer) -> tuple[AssetEntry, ...]:
    """Every shared asset with its owner and users (figures.asset_users)."""
    users = dict(r.figures.asset_users)
    entries = []
    for asset in r.portfolio.assets:
        slugs = users.get(asset.id, ())
        found = [i for i in (r.initiative(s) for s in slugs) if i is not None]
        found.sort(key=lambda i: (r.t.collate(r.text(i.title)), i.slug))
        entries.append(AssetEntry(asset, r.partner(asset.owner) if asset.owner else None,
                                  tuple(found[:ASSET_USERS_SHOWN]),
                                  max(0, len(found) - ASSET_USERS_SHOWN)))
    return tuple(entries)


def funders_table(r: Renderer, here: str) -> Table:
    """Money gathered by funder (figures.funders), with the whole portfolio as the footer."""
    t = r.t
    cur = r.portfolio.info.currency
    rows: list[tuple[Cell, ...]] = []
    for f in r.figures.funders:
        partner = r.partner(f.id)
        name: Cell = Link(partner.name, r.partner_uri(f.id)) if partner else f.id
        # Whole numbers: the caption names the currency.
        rows.append((name, t.number(f.base_investment), t.number(f.cash),
                     t.number(f.total_cash), t.number(f.in_kind)))
    total = r.figures.leverage.total
    footer = (t("ecosystem.funders_total"), t.number(total.layer1),
              t.number(total.layer2 + total.layer3), t.number(r.figures.money_gathered),
              t.number(total.in_kind))
    return Table((t("ecosystem.funder"), t("ecosystem.base_investment"),
                  t("ecosystem.project_cash"), t("ecosystem.total_cash"),
                  t("ecosystem.in_kind")),
                 tuple(rows), t("ecosystem.funders_caption", currency=cur),
                 numeric=(1, 2, 3, 4), footer=footer)


def _circle(n: int, radius: float, start: float = math.pi / 2) -> list[tuple[float, float]]:
    """n points evenly on a circle, clockwise from the top."""
    return [(radius * math.cos(start - 2 * math.pi * k / max(n, 1)),
             radius * math.sin(start - 2 * math.pi * k / max(n, 1))) for k in range(n)]


def _ordered_partners(r: Renderer, ids: Sequence[str]) -> list[Partner]:
    order = {s: n for n, s in enumerate(Sector)}
    found = [p for p in (r.partner(x) for x in ids) if p is not None]
    found.sort(key=lambda p: (order[p.sector], r.t.collate(p.name), p.id))
    return found


def _partner_trace(r: Renderer, here: str, partners: Sequence[Partner],
                   places: dict[str, tuple[float, float]], counts: dict[str, int],
                   sizes: dict[str, float]) -> list[dict[str, Any]]:
    url = r.url_linker(here)  # for the chart's script
    traces = []
    for sector in Sector:
        members = [p for p in partners if p.sector is sector]
        if not members:
            continue
        traces.append(trace(
            "scatter",
            x=[round(places[p.id][0], 4) for p in members],
            y=[round(places[p.id][1], 4) for p in members],
            mode="markers", name=label(r.t(f"sector.{sector.value}")),
            marker={"symbol": SECTOR_SYMBOLS[sector], "color": SECTOR_COLOURS[sector],
                    "size": [sizes[p.id] for p in members],
                    "line": {"width": 1, "color": "#ffffff"}},
            text=[label(p.name) + "<br>" + label(r.t("ecosystem.network_partner_hover",
                                                      sector=r.t(f"sector.{sector.value}"),
                                                      count=counts.get(p.id, 0)))
                  for p in members],
            customdata=[[url(r.partner_uri(p.id))] for p in members],
            hovertemplate="%{text}<extra></extra>"))
    return traces


def _edge_trace(segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
                width: float, colour: str) -> dict[str, Any]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for (x0, y0), (x1, y1) in segments:
        xs += [round(x0, 4), round(x1, 4), None]
        ys += [round(y0, 4), round(y1, 4), None]
    return trace("scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                 line={"width": width, "color": colour})


def _network_layout(height: int) -> dict[str, Any]:
    hidden = {"visible": False, "range": [-1.25, 1.25], "fixedrange": True}
    return base_layout(height, xaxis=hidden,
                       yaxis={**hidden, "scaleanchor": "x", "scaleratio": 1},
                       margin={"l": 8, "r": 8, "t": 8, "b": 8}, hovermode="closest",
                       dragmode=False, legend={"orientation": "h", "y": -0.02})


def _top_links(r: Renderer, partner_id: str, links: Sequence[tuple[str, str, int]],
               n: int = 3) -> str:
    found = []
    for a, b, count in links:
        if partner_id in (a, b):
            other = r.partner(b if a == partner_id else a)
            found.append(r.t("ecosystem.network_shared", name=other.name if other else b,
                             count=count))
            if len(found) == n:
                break
    return "; ".join(found)


def network_chart(r: Renderer, here: str) -> Chart:
    """Who works with whom: partners on a circle, initiatives inside (or, for large
    portfolios, the partners with the most initiatives and their strongest connections)."""
    t = r.t
    counts = _involved(r)
    # Every pair of partners, found for this page alone: no other page needs them, and
    # there are tens of thousands of them in a large portfolio.
    pairs = partner_links(r.figures.partners)
    active = [p for p in r.figures.partners if p.initiatives]
    full = len(r.portfolio.initiatives) <= FULL_NETWORK_MAX_INITIATIVES
    if full:
        shown = _ordered_partners(r, [p.id for p in active])
    else:
        top = sorted(active, key=lambda p: (-len(p.initiatives), p.id))[:NETWORK_MAX_PARTNERS]
        shown = _ordered_partners(r, [p.id for p in top])
    places = dict(zip([p.id for p in shown], _circle(len(shown), 1.0)))
    most = max([counts.get(p.id, 0) for p in shown] or [1]) or 1
    sizes = {p.id: round(8 + 18 * math.sqrt(counts.get(p.id, 0) / most), 1) for p in shown}
    traces: list[dict[str, Any]] = []
    headers: tuple[str, ...] = (t("ecosystem.partner"), t("ecosystem.sector"),
                                t("ecosystem.initiative_count"), t("ecosystem.works_most_with"))
    rows: list[tuple[Cell, ...]] = []
    if full:
        traces, rows = _bipartite(r, here, shown, places, pairs)
        headers = headers + (t("ecosystem.initiatives"),)
        summary = t("ecosystem.network_summary_full", partners=len(shown),
                    initiatives=len(r.portfolio.initiatives))
    else:
        shown_ids = set(places)
        links = [link for link in pairs
                 if link[0] in shown_ids and link[1] in shown_ids][:NETWORK_MAX_LINKS]
        strongest = links[0][2] if links else 1
        buckets: dict[int, list[tuple[tuple[float, float], tuple[float, float]]]] = \
            defaultdict(list)
        for a, b, n in links:
            buckets[min(2, int(3 * n / (strongest + 1)))].append((places[a], places[b]))
        for bucket, segments in sorted(buckets.items()):
            traces.append(_edge_trace(segments, 0.8 + 1.6 * bucket,
                                      "rgba(73,80,87,%.2f)" % (0.25 + 0.2 * bucket)))
        for p in shown:
            rows.append((Link(p.name, r.partner_uri(p.id)), t(f"sector.{p.sector.value}"),
                         t.number(counts.get(p.id, 0)), _top_links(r, p.id, pairs)))
        summary = t("ecosystem.network_summary_top", partners=len(shown), all=len(active),
                    links=len(links))
    traces += _partner_trace(r, here, shown, places, counts, sizes)
    height = 620
    figure = plain_figure(traces, _network_layout(height))
    table = Table(headers, tuple(rows), t("ecosystem.network_table_caption"), numeric=(2,))
    return Chart("pf-network", t("ecosystem.network_caption"), figure, table, height,
                 summary=summary)


def _bipartite(r: Renderer, here: str, shown: Sequence[Partner],
               places: dict[str, tuple[float, float]], pairs: Sequence[tuple[str, str, int]]
               ) -> tuple[list[dict[str, Any]], list[tuple[Cell, ...]]]:
    """Initiatives on a ring inside the partners' circle, each towards its partners."""
    t = r.t
    address = r.url_linker(here)  # for the chart's script
    members: dict[str, list[str]] = defaultdict(list)
    for pf in r.figures.partners:
        for slug, _role in pf.initiatives:
            if pf.id in places:
                members[slug].append(pf.id)
    # Each initiative sits on an inner ring, in the direction of the partners it works with
    # (the mean of their places), evenly spaced so that none hides another.
    directions = []
    for n, i in enumerate(r.portfolio.initiatives):
        ids = members.get(i.slug, [])
        x = sum(places[p][0] for p in ids) / len(ids) if ids else 0.0
        y = sum(places[p][1] for p in ids) / len(ids) if ids else 0.0
        angle = math.atan2(y, x) if abs(x) + abs(y) > 1e-9 else 2 * math.pi * n / 7
        directions.append(((math.pi / 2 - angle) % (2 * math.pi), i.slug))
    directions.sort()
    ring = _circle(len(directions), 0.6, math.pi / 2 - (directions[0][0] if directions else 0))
    initiative_places = {slug: ring[k] for k, (_a, slug) in enumerate(directions)}
    segments = [(places[p], initiative_places[slug]) for slug, ids in members.items()
                for p in ids if slug in initiative_places]
    traces = [_edge_trace(segments, 0.7, "rgba(73,80,87,0.35)")]
    for facet in FACETS:
        chosen = [i for i in r.portfolio.initiatives if i.facet is facet]
        if not chosen:
            continue
        traces.append(trace(
            "scatter",
            x=[round(initiative_places[i.slug][0], 4) for i in chosen],
            y=[round(initiative_places[i.slug][1], 4) for i in chosen],
            mode="markers", name=label(FACET_SYMBOLS[facet] + " " + t(f"facet.{facet.value}")),
            marker={"symbol": FACET_MARKERS[facet.value], "size": 11,
                    "color": FACET_COLOURS[facet.value], "line": {"width": 1,
                                                                  "color": "#ffffff"}},
            text=[label(r.text(i.title)) + "<br>" + label(t(
                "ecosystem.network_initiative_hover", facet=t(f"facet.{i.facet.value}"),
                count=len(members.get(i.slug, [])))) for i in chosen],
            customdata=[[address(r.options.initiative_uri(i.slug))] for i in chosen],
            hovertemplate="%{text}<extra></extra>"))
    rows: list[tuple[Cell, ...]] = []
    counts = _involved(r)
    for p in shown:
        mine = r.figures.partner(p.id)
        names = sorted(r.text(i.title) for i in (r.initiative(s) for s, _ in
                                                 (mine.initiatives if mine else ())) if i)
        rows.append((Link(p.name, r.partner_uri(p.id)), t(f"sector.{p.sector.value}"),
                     t.number(counts.get(p.id, 0)), _top_links(r, p.id, pairs),
                     "; ".join(names)))
    return traces, rows


def ecosystem_page(r: Renderer) -> str:
    """The Markdown of the ecosystem page."""
    here = r.uri("ecosystem")
    t = r.t
    active = sum(1 for p in r.figures.partners if p.initiatives)
    return r.page(
        here, "ecosystem.md", t("ecosystem.title"), t("ecosystem.description"),
        sectors=sector_groups(r), assets=asset_entries(r), funders=funders_table(r, here),
        network=network_chart(r, here), active_partners=active,
    )


def involvements(r: Renderer, pf: PartnerFigures) -> tuple[Involvement, ...]:
    """A partner's initiatives with the role and the money it put into each."""
    t = r.t
    cur = r.portfolio.info.currency
    url = r.linker(r.partner_uri(pf.id))

    def money(amount: float) -> str:
        return r.t.money(amount, cur) if amount else "–"

    rows = []
    for slug, role in pf.initiatives:
        i = r.initiative(slug)
        if i is None:
            continue
        mine = [f for f in i.funding if f.funder == pf.id]
        rows.append(Involvement(
            i, url(r.options.initiative_uri(i.slug)), r.text(i.title), role_text(r, role),
            f"{FACET_SYMBOLS[i.facet]} {t('facet.' + i.facet.value)}",
            f"{ZONE_SYMBOLS[i.zone]} {t('zone.' + i.zone.value)}",
            money(sum(f.amount for f in mine if f.kind is FundingKind.CASH)),
            money(sum(f.amount for f in mine if f.kind is FundingKind.IN_KIND))))
    rows.sort(key=lambda x: (r.t.collate(x.title), x.initiative.slug))
    return tuple(rows)


def role_text(r: Renderer, role: str) -> str:
    """Roles computed as words (steward, partner, funder) in the site's language."""
    known = {"steward": "ecosystem.role_steward", "partner": "ecosystem.role_partner",
             "funder": "ecosystem.role_funder"}
    return ", ".join(r.t(known[part]) if part in known else part
                     for part in role.split(", "))


def partner_page(r: Renderer, partner: Partner) -> str:
    """The Markdown of one partner's page."""
    here = r.partner_uri(partner.id)
    pf = r.figures.partner(partner.id) or PartnerFigures(
        partner.id, (), (), 0.0, 0.0, 0.0, (), (), None)
    rows = involvements(r, pf)
    users = dict(r.figures.asset_users)
    owned = [(a, len(users.get(a.id, ()))) for a in
             (r.portfolio.asset(x) for x in pf.assets) if a is not None]
    stories = pf.stories[:PARTNER_STORIES_SHOWN]
    years = sorted({b.year for b in r.portfolio.info.base_investment if b.funder == partner.id})
    # Consecutive years as a span (2019–2026), others listed.
    base_years = (f"{years[0]}–{years[-1]}" if len(years) > 2 and years[-1] - years[0] ==
                  len(years) - 1 else ", ".join(str(y) for y in years))
    feed = r.feed_uri("partners", partner.id) if r.partner_stories(partner.id) else None
    # The page template announces the partner's own feeds (see `Renderer.feed_meta`).
    meta = ({"feeds": r.feed_meta(feed, r.t("opendata.feed_title", name=partner.name))}
            if feed else None)
    return r.page(
        here, "partner.md", partner.name,
        partner.description or r.t("ecosystem.partner_description", name=partner.name),
        meta=meta, feed=feed, partner=partner, pf=pf, rows=rows[:PARTNER_INITIATIVES_SHOWN],
        more_rows=max(0, len(rows) - PARTNER_INITIATIVES_SHOWN), owned=owned,
        stories=stories, more_stories=max(0, len(pf.stories) - len(stories)),
        base_years=base_years, jsonld=partner_organisation(r, partner),
    )


def _partner_key(r: Renderer, partner: Partner) -> object:
    """Everything a partner's page shows, so that `mkdocs serve` redoes only changed ones."""
    pf = r.figures.partner(partner.id)
    slugs = ({slug for slug, _ in pf.initiatives} | {s.initiative for s in pf.stories}
             if pf else set())
    users = dict(r.figures.asset_users)
    return ("partner", partner, pf, tuple(r.initiative(s) for s in sorted(slugs)),
            tuple((a, users.get(a)) for a in (pf.assets if pf else ())), r.shared())


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The ecosystem page and every partner's page."""
    yield r.uri("ecosystem"), partial(ecosystem_page, r)
    for partner in r.portfolio.partners:
        yield r.partner_uri(partner.id), partial(_partner_page, r, partner)


def _partner_page(r: Renderer, partner: Partner) -> str:
    key = _partner_key(r, partner) if r.cache is not None else None
    return r.cached(key, partial(partner_page, r, partner))
