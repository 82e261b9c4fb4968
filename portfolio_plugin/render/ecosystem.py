"""The ecosystem page (partners, shared assets, money by funder, the partner network) and
one page per partner."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from ..compute import PartnerFigures, joint_initiatives, sector_links
from ..model import Asset, FundingKind, Initiative, Partner, Sector, language_of
from . import FACET_SYMBOLS, ZONE_SYMBOLS, Later, Renderer
from .browse import Paging, numbered, paginate
from .charts import Cell, Link, Table
from .linked import partner_organisation
from .timeline import timeline_view

# On the ecosystem page: how many of a partner's most frequent companions its row names.
WORKS_MOST_WITH_SHOWN = 3
# On a partner's page: how many partners it works with are listed (the most shared first),
# and how many of the initiatives each pair shares are named.
PARTNER_COLLABORATORS_SHOWN = 100
SHARED_INITIATIVES_SHOWN = 5
# How many initiatives an asset's entry names before it says "and N more".
ASSET_USERS_SHOWN = 10
# Rows of a partner's initiatives table, and initiatives its linked data names; the full list
# of initiatives holds the rest.
PARTNER_INITIATIVES_SHOWN = 200
# The newest stories on a partner page; a partner of more has all of them on pages of their
# own (`stories_uri`), cut as the listings are.
PARTNER_STORIES_SHOWN = 12
# The ecosystem page at thousands of initiatives: each part shows what matters most first
# and the rest on demand (a disclosure) or on the partners' own pages, so the page stays a
# few screens long. The reference site (11 partners in its largest sector, 14 assets, 25
# funders, 33 partners taking part) is below every threshold and shows everything.
# A sector with more partners than this names the few in the most initiatives, and the
# whole list, by name, opens on demand.
SECTOR_LISTED_IN_FULL = 12
SECTOR_FIRST = 3
# With more shared assets than this, the most used come first and the others open on
# demand, each naming fewer of the initiatives that use it (their pages name the asset).
ASSETS_LISTED_IN_FULL = 15
ASSETS_FIRST = 3
ASSET_USERS_FOLDED = 5
# With more funders than this, the table names the largest and sums the others in a row.
FUNDERS_LISTED_IN_FULL = 40
FUNDERS_FIRST = 5
# With more partners taking part than this, the table of who works with whom shows those
# in the most initiatives; every partner's page names whom it works with.
COLLABORATION_LISTED_IN_FULL = 40
COLLABORATION_FIRST = 5
# At national scale the whole lists go on pages of their own, cut into pages, and the
# ecosystem page links to them: at 4,000 partners and 800 assets the lists it folded were
# 1.5 MB of it. From this many partners, each sector's whole list; from this many assets,
# those beyond the most used (`ASSETS_PER_PAGE` on a page, about 1.3 KB each).
PARTNERS_APART = 300
ASSETS_APART = 60
ASSETS_PER_PAGE = 100

@dataclass(frozen=True)
class SectorGroup:
    """The partners of one sector, by name, with how many initiatives each takes part in."""

    sector: Sector
    partners: tuple[tuple[Partner, int], ...]
    # With many partners: those in the most initiatives, shown before the whole list.
    first: tuple[tuple[Partner, int], ...] = ()
    page: str = ""  # where the whole list is, when it is on pages of its own


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
            partners = tuple((p, counts.get(p.id, 0)) for p in members)
            first = (tuple(sorted(partners, key=lambda x: -x[1])[:SECTOR_FIRST])
                     if len(partners) > SECTOR_LISTED_IN_FULL else ())
            page = sector_uri(r, sector) if first and partners_apart(r) else ""
            groups.append(SectorGroup(sector, partners, first, page))
    return tuple(groups)


def partners_apart(r: Renderer) -> bool:
    """Whether each sector's whole list is on pages of its own (`PARTNERS_APART`)."""
    return len(r.portfolio.partners) > PARTNERS_APART


def assets_apart(r: Renderer) -> bool:
    """Whether the shared assets beyond the most used are on pages of their own
    (`ASSETS_APART`)."""
    return len(r.portfolio.assets) > max(ASSETS_APART, ASSETS_LISTED_IN_FULL)


def sector_uri(r: Renderer, sector: Sector) -> str:
    """The docs path of the (first) page of one sector's partners."""
    return f"{r.options.output}/ecosystem/{sector.value}.md"


def assets_uri(r: Renderer) -> str:
    """The docs path of the (first) page of the shared assets beyond the most used."""
    return f"{r.options.output}/ecosystem/assets.md"


def asset_pages(r: Renderer) -> tuple[tuple[Paging, tuple[AssetEntry, ...]], ...]:
    """The pages of the shared assets apart, each with its assets; none where they are not
    apart (`ASSETS_APART`)."""
    def made() -> tuple[tuple[Paging, tuple[AssetEntry, ...]], ...]:
        if not assets_apart(r):
            return ()
        _, more = asset_entries(r)
        return tuple((paging, more[paging.first_row - 1:paging.last_row])
                     for paging in paginate(assets_uri(r), len(more), ASSETS_PER_PAGE))

    return r.once("ecosystem.asset_pages", made)


def asset_page(r: Renderer, asset_id: str) -> str:
    """The docs path of the page that shows a shared asset: the ecosystem page, or the page
    of the assets apart that lists it."""
    where = r.once("ecosystem.asset_page", lambda: {
        e.asset.id: paging.target for paging, entries in asset_pages(r) for e in entries})
    return where.get(asset_id, r.uri("ecosystem"))


def asset_entries(r: Renderer) -> tuple[tuple[AssetEntry, ...], tuple[AssetEntry, ...]]:
    """Every shared asset with its owner and users (figures.asset_users): all of them in
    the portfolio's order, or, with many, the most used first and then the others (in the
    portfolio's order), each naming fewer users."""
    users = dict(r.figures.asset_users)
    folded = len(r.portfolio.assets) > ASSETS_LISTED_IN_FULL
    first: set[str] = set()
    if folded:
        ranked = sorted(r.portfolio.assets, key=lambda a: -len(users.get(a.id, ())))
        first = {a.id for a in ranked[:ASSETS_FIRST]}
    entries = []
    for asset in r.portfolio.assets:
        slugs = users.get(asset.id, ())
        found = [i for i in (r.initiative(s) for s in slugs) if i is not None]
        found.sort(key=lambda i: (r.t.collate(r.text(i.title)), i.slug))
        shown = ASSET_USERS_FOLDED if folded else ASSET_USERS_SHOWN
        entries.append(AssetEntry(asset, r.partner(asset.owner) if asset.owner else None,
                                  tuple(found[:shown]), max(0, len(found) - shown)))
    if not folded:
        return tuple(entries), ()
    top = sorted((e for e in entries if e.asset.id in first),
                 key=lambda e: -(len(e.users) + e.more))
    return tuple(top), tuple(e for e in entries if e.asset.id not in first)


def funders_table(r: Renderer, here: str) -> Table:
    """Money gathered by funder (figures.funders), with the whole portfolio as the footer."""
    t = r.t
    cur = r.portfolio.info.currency
    rows: list[tuple[Cell, ...]] = []
    funders = r.figures.funders
    shown = funders[:FUNDERS_FIRST] if len(funders) > FUNDERS_LISTED_IN_FULL else funders
    for f in shown:
        partner = r.partner(f.id)
        name: Cell = Link(partner.name, r.partner_uri(f.id)) if partner else f.id
        # Whole numbers: the caption names the currency.
        rows.append((name, t.number(f.base_investment), t.number(f.cash),
                     t.number(f.total_cash), t.number(f.in_kind)))
    others = funders[len(shown):]
    if others:
        # The others summed in one row (each on its own partner page).
        rows.append((t("ecosystem.funders_others", count=t.number(len(others))),
                     t.number(sum(f.base_investment for f in others)),
                     t.number(sum(f.cash for f in others)),
                     t.number(sum(f.total_cash for f in others)),
                     t.number(sum(f.in_kind for f in others))))
    total = r.figures.leverage.total
    footer = (t("ecosystem.funders_total"), t.number(total.layer1),
              t.number(total.layer2 + total.layer3), t.number(r.figures.money_gathered),
              t.number(total.in_kind))
    return Table((t("ecosystem.funder"), t("ecosystem.base_investment"),
                  t("ecosystem.project_cash"), t("ecosystem.total_cash"),
                  t("ecosystem.in_kind")),
                 tuple(rows), t("ecosystem.funders_caption", currency=cur),
                 numeric=(1, 2, 3, 4), footer=footer)


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the sector matrix: the initiatives in which partners of two sectors work
    together, and a shade from 0 (none) to 4 (the most of any pair)."""

    sector: Sector
    count: int
    shade: int


@dataclass(frozen=True)
class SectorMatrix:
    """Sector by sector: in how many initiatives their partners work together."""

    sectors: tuple[Sector, ...]
    rows: tuple[tuple[Sector, tuple[MatrixCell, ...]], ...]


@dataclass(frozen=True)
class Companion:
    """A partner another works with, as a link, and how many initiatives they share."""

    href: str
    name: str
    shared: str


@dataclass(frozen=True)
class CollaborationRow:
    """One partner in the table of who works with whom (numbers and words as text: a row
    for each partner, and Python formats them faster than a template)."""

    partner: Partner
    href: str
    sector: str
    initiatives: int
    partners: int
    initiatives_text: str
    partners_text: str
    partners_label: str  # names the link to the partner's full list
    top: tuple[Companion, ...]


@dataclass(frozen=True)
class Network:
    """Who works with whom: the sector matrix, every taking-part partner with those it works
    with most, and the figures above them."""

    matrix: SectorMatrix
    rows: tuple[CollaborationRow, ...]
    sectors: tuple[Sector, ...]  # of the rows, for the filter
    pairs: int  # pairs of partners sharing at least one initiative
    joint: int  # initiatives with two partners or more
    initiatives: int  # all initiatives
    taking_part: int = 0  # partners in at least one initiative (`rows` may show fewer)


def sector_matrix(r: Renderer) -> SectorMatrix:
    """The sectors whose partners take part in initiatives, each against each other."""
    sectors = {p.id: p.sector for p in r.portfolio.partners}
    counts = sector_links(r.figures.partners, sectors)
    present = {sectors[p.id] for p in r.figures.partners if p.initiatives and p.id in sectors}
    shown = tuple(s for s in Sector if s in present)
    most = max(counts.values(), default=0)
    rows = []
    for a in shown:
        cells = []
        for b in shown:
            n = counts.get((a, b), 0)
            cells.append(MatrixCell(b, n, math.ceil(4 * n / most) if n else 0))
        rows.append((a, tuple(cells)))
    return SectorMatrix(shown, tuple(rows))


def network(r: Renderer, here: str) -> Network:
    """Who works with whom (figures.collaborators), for the ecosystem page at `here`."""
    t = r.t
    url = r.linker(here)
    others = r.figures.collaborators
    counts = _involved(r)
    names = {p.id: p for p in r.portfolio.partners}
    sectors = {s: t(f"sector.{s.value}") for s in Sector}
    rows = []
    for p in r.portfolio.partners:
        n = counts.get(p.id, 0)
        if not n:
            continue
        mine = others.get(p.id, ())
        top = tuple(Companion(url(r.partner_uri(c.id)), names[c.id].name,
                              t.number(len(c.initiatives)))
                    for c in mine[:WORKS_MOST_WITH_SHOWN] if c.id in names)
        partners = t.number(len(mine))
        rows.append(CollaborationRow(
            p, url(r.partner_uri(p.id)), sectors[p.sector], n, len(mine), t.number(n), partners,
            t("ecosystem.works_with_link", name=p.name, count=partners), top))
    rows.sort(key=lambda row: (-row.initiatives, -row.partners, r.t.collate(row.partner.name),
                               row.partner.id))
    present = {row.partner.sector for row in rows}
    taking_part = len(rows)
    if taking_part > COLLABORATION_LISTED_IN_FULL:
        rows = rows[:COLLABORATION_FIRST]
    return Network(sector_matrix(r), tuple(rows), tuple(s for s in Sector if s in present),
                   sum(len(c) for c in others.values()) // 2,
                   joint_initiatives(r.figures.partners),
                   len(r.portfolio.initiatives), taking_part)


@dataclass(frozen=True)
class WorksWith:
    """A partner this partner's page names as working with it, and their shared initiatives
    (the first few, by title). As text: many rows are made, and Python formats them faster
    than a template."""

    name: str
    href: str
    sector: str
    count: str
    initiatives: tuple[tuple[str, str], ...]  # (href, title)
    more: str  # "and 3 more", or empty


def works_with(r: Renderer, partner_id: str) -> tuple[WorksWith, ...]:
    """The partners one partner shares initiatives with, the most shared first."""
    t = r.t
    url = r.linker(r.partner_uri(partner_id))
    sectors = {s: t(f"sector.{s.value}") for s in Sector}
    rows = []
    for c in r.figures.collaborators.get(partner_id, ())[:PARTNER_COLLABORATORS_SHOWN]:
        other = r.partner(c.id)
        if other is None:
            continue
        found = [(r.text(i.title), i.slug) for i in (r.initiative(s) for s in c.initiatives)
                 if i is not None]
        if len(found) > 1:
            found.sort(key=lambda x: (t.collate(x[0]), x[1]))
        more = len(found) - SHARED_INITIATIVES_SHOWN
        rows.append(WorksWith(
            other.name, url(r.partner_uri(c.id)), sectors[other.sector],
            t.number(len(c.initiatives)),
            tuple((url(r.options.initiative_uri(slug)), title)
                  for title, slug in found[:SHARED_INITIATIVES_SHOWN]),
            t("ecosystem.and_more", count=t.number(more)) if more > 0 else ""))
    return tuple(rows)


def ecosystem_page(r: Renderer) -> str:
    """The Markdown of the ecosystem page."""
    here = r.uri("ecosystem")
    t = r.t
    active = sum(1 for p in r.figures.partners if p.initiatives)
    assets, more_assets = asset_entries(r)
    return r.page(
        here, "ecosystem.md", t("ecosystem.title"), t("ecosystem.description"),
        sectors=sector_groups(r), assets=assets, more_assets=more_assets,
        assets_page=assets_uri(r) if more_assets and assets_apart(r) else "",
        funders=funders_table(r, here),
        network=network(r, here), active_partners=active,
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
    if language_of(role) is not None:  # the author's words, in another language
        return role
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
        all_stories=stories_uri(r, partner.id),
        base_years=base_years,
        jsonld=partner_organisation(r, partner, PARTNER_INITIATIVES_SHOWN),
        works_with=works_with(r, partner.id),
        more_works_with=max(0, len(r.figures.collaborators.get(partner.id, ()))
                            - PARTNER_COLLABORATORS_SHOWN),
    )


def _partner_key(r: Renderer, partner: Partner) -> object:
    """Everything a partner's page shows, so that `mkdocs serve` redoes only changed ones."""
    pf = r.figures.partner(partner.id)
    slugs = ({slug for slug, _ in pf.initiatives} | {s.initiative for s in pf.stories}
             if pf else set())
    users = dict(r.figures.asset_users)
    return ("partner", partner, pf, tuple(r.initiative(s) for s in sorted(slugs)),
            tuple((a, users.get(a)) for a in (pf.assets if pf else ())),
            r.figures.collaborators.get(partner.id), r.shared())


def list_page(r: Renderer, title: str, lead: str, showing: str, paging: Paging,
              partners: tuple[tuple[Partner, int], ...] = (),
              assets: tuple[AssetEntry, ...] = ()) -> str:
    """The Markdown of a page of a sector's partners or of the shared assets."""
    return r.page(paging.target, "ecosystem_list.md", numbered(r, title, paging), lead,
                  lead=lead, paging=paging, showing=showing, partners=partners, assets=assets)


def _list_pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The pages of the lists the ecosystem page links to at national scale."""
    t = r.t
    for g in sector_groups(r):
        if not g.page:
            continue
        title = t("ecosystem.sector_page_title", sector=t(f"sector.{g.sector.value}"))
        lead = t("ecosystem.sector_all", count=t.number(len(g.partners)))
        for paging in paginate(g.page, len(g.partners), r.options.page_size):
            yield paging.target, partial(
                list_page, r, title, lead, "ecosystem.showing_partners", paging,
                partners=g.partners[paging.first_row - 1:paging.last_row])
    for paging, entries in asset_pages(r):
        lead = t("ecosystem.assets_other", count=t.number(paging.total))
        yield paging.target, partial(
            list_page, r, t("ecosystem.assets_page_title"), lead, "ecosystem.showing_assets",
            paging, assets=entries)


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The ecosystem page, its lists on pages of their own at national scale, and every
    partner's page."""
    yield r.uri("ecosystem"), partial(ecosystem_page, r)
    yield from _list_pages(r)
    for partner in r.portfolio.partners:
        yield r.partner_uri(partner.id), partial(_partner_page, r, partner)
    yield from _partner_stories_pages(r)


def stories_uri(r: Renderer, partner_id: str) -> str:
    """The docs path of the (first) page of every story of a partner."""
    return r.partner_uri(partner_id).removesuffix(".md") + "/stories.md"


def partner_stories_page(r: Renderer, partner: Partner, paging: Paging) -> str:
    """The Markdown of a page of every story a partner takes part in, newest first, by
    year (a partner of more stories than its page shows)."""
    pf = r.figures.partner(partner.id)
    stories = pf.stories[paging.first_row - 1:paging.last_row] if pf is not None else ()
    view = timeline_view(r, paging.target, stories, list_id="pf-timeline",
                         with_partner_filter=False)
    t = r.t
    return r.page(
        paging.target, "partner_stories.md",
        numbered(r, t("ecosystem.stories_title", name=partner.name), paging),
        t("ecosystem.stories_description", name=partner.name, count=paging.total),
        partner=partner, view=view, paging=paging, size=max(1, r.options.page_size))


def _partner_stories_pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    for partner in r.portfolio.partners:
        pf = r.figures.partner(partner.id)
        if pf is None or len(pf.stories) <= PARTNER_STORIES_SHOWN:
            continue
        for paging in paginate(stories_uri(r, partner.id), len(pf.stories),
                               r.options.page_size):
            yield paging.target, partial(partner_stories_page, r, partner, paging)


def _partner_page(r: Renderer, partner: Partner) -> str:
    key = _partner_key(r, partner) if r.cache is not None else None
    return r.cached(key, partial(partner_page, r, partner))
