"""Browsing the initiatives: the index of all of them, and one page per facet, zone and theme.

Every listing is a real HTML table sorted by title that works without JavaScript, cut into
pages of `page_size` rows. With JavaScript, a filter form (hidden until the script shows
it) narrows the list by facet, zone, status, partner, theme and free text, and keeps the
choice in the URL; for lists cut into pages it reads every row from one compact JSON file,
`<exports>/initiatives-index.json`, published here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from markupsafe import Markup

from ..compute import balance
from ..model import FACETS, ZONES, Facet, Initiative, Status, Zone
from . import FACET_SYMBOLS, ZONE_SYMBOLS, Chunks, Later, Renderer
from .facetmap import count_table
from .urls import relative_url

INDEX_FILE = "initiatives-index.json"
# Beyond this many partners, the partner filter is a field to type a name in, with the
# names suggested from a file beside the index (`CHOICES_FILE`: [[id, name], ...]) fetched
# when the reader first goes to it: a select of 4,000 partners was 300 KB of every listing.
CHOICES_APART = 200
CHOICES_FILE = "partner-choices.json"
# Listings need the width: Material's table of contents is hidden on them.
WIDE = {"hide": ["toc"]}
# The columns of a row of the JSON index, in order (`url`: the slug; see `_index_head`).
INDEX_COLUMNS = ("url", "title", "facet", "zone", "status", "steward", "funding", "partners",
                 "themes", "mandates", "objectives")


@dataclass(frozen=True)
class PageRef:
    """One page of a listing, for the page links."""

    number: int
    target: str


@dataclass(frozen=True)
class Paging:
    """Where a page stands in a list cut into pages, for the `pager` macro."""

    number: int
    pages: tuple[PageRef, ...]
    total: int
    first_row: int
    last_row: int

    @property
    def target(self) -> str:
        """This page's docs path."""
        return self.pages[self.number - 1].target

    @property
    def previous(self) -> PageRef | None:
        """The page before this one."""
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> PageRef | None:
        """The page after this one."""
        return self.pages[self.number] if self.number < len(self.pages) else None


@dataclass(frozen=True)
class Option:
    """One choice of a filter."""

    value: str
    text: str


@dataclass(frozen=True)
class Filter:
    """A select of the filter form."""

    name: str
    label: str
    options: tuple[Option, ...]
    choices: str = ""  # the file of its choices (beside the index) when they are apart


def paginate(first: str, count: int, size: int) -> list[Paging]:
    """`count` items in pages of at most `size`, the first page at `first` and the others
    under it (`page_uri`); always at least one page (an empty one shows rows 0 to 0)."""
    size = max(1, size)
    refs = tuple(PageRef(n, page_uri(first, n)) for n in range(1, max(1, -(-count // size)) + 1))
    pagings = []
    for ref in refs:
        start = (ref.number - 1) * size
        shown = max(0, min(size, count - start))
        pagings.append(Paging(ref.number, refs, count, start + 1 if shown else 0,
                              start + shown))
    return pagings


@dataclass(frozen=True)
class ListPage(Paging):
    """One page of a listing, as the `browse_list.html` template shows it."""

    list_id: str
    rows: tuple[Initiative, ...]
    fixed: tuple[tuple[str, str], ...]
    source: str
    row_html: tuple[Markup, ...] = ()
    selects: Markup | str = ""  # the filter form's selects, rendered (`with_rows`)
    # Every initiative of the listing, in no order, and the filter the page leaves out:
    # the rows and the form are found when the page is made (`with_rows`), not when named.
    members: tuple[Initiative, ...] = ()
    omit: str = ""


def sort_key(r: Renderer, i: Initiative) -> tuple[str, str]:
    """Listings are sorted by title as the reader sees it."""
    return (r.t.collate(r.text(i.title)), i.slug)


def ranks(r: Renderer) -> dict[str, int]:
    """Each initiative's place in the listings' order (sorted once for all listings)."""
    def rank() -> dict[str, int]:
        ordered = sorted(r.portfolio.initiatives, key=lambda i: sort_key(r, i))
        return {i.slug: n for n, i in enumerate(ordered)}

    return r.once("browse.ranks", rank)


def page_uri(first: str, number: int) -> str:
    """The docs path of page `number` of a listing whose first page is `first`."""
    if number <= 1:
        return first
    return f"{first.removesuffix('.md')}/page-{number}.md"


def split(items: Sequence[Initiative], size: int) -> list[tuple[Initiative, ...]]:
    """Items in pages of at most `size` (always at least one page, maybe empty)."""
    size = max(1, size)
    chunks = [tuple(items[n:n + size]) for n in range(0, len(items), size)]
    return chunks or [()]


def theme_ids(r: Renderer) -> tuple[str, ...]:
    """Declared themes in their order, then any undeclared theme an initiative names."""
    declared = [t.id for t in r.portfolio.info.themes]
    used = sorted({th for i in r.portfolio.initiatives for th in i.themes} - set(declared))
    return tuple(declared + used)


def theme_title(r: Renderer, theme_id: str) -> str:
    """A theme's title, or its id when the portfolio does not declare it."""
    theme = r.portfolio.theme(theme_id)
    return theme.title if theme else theme_id


def filters(r: Renderer, omit: str = "") -> tuple[Filter, ...]:
    """The selects of the filter form (without the one a page is already about)."""
    return tuple(f for f in r.once("browse.filters", partial(_filters, r)) if f.name != omit)


def partner_choices(r: Renderer) -> tuple[Option, ...]:
    """Every partner of an initiative, by name in the site's language's order."""
    def made() -> tuple[Option, ...]:
        ids = {p for i in r.portfolio.initiatives for p in i.partner_ids}
        return tuple(o for o in _every_partner(r) if o.value in ids)

    return r.once("browse.partners", made)


def _every_partner(r: Renderer) -> tuple[Option, ...]:
    """Every partner of the site and every id an initiative names, by name."""
    def made() -> tuple[Option, ...]:
        names = {p.id: p.name for p in r.portfolio.partners}
        for i in r.portfolio.initiatives:
            for pid in i.partner_ids:
                names.setdefault(pid, pid)
        ordered = sorted(names.items(), key=lambda x: (r.t.collate(x[1]), x[0]))
        return tuple(Option(pid, name) for pid, name in ordered)

    return r.once("browse.every_partner", made)


def choices_apart(r: Renderer) -> bool:
    """Whether the partners are suggested from `CHOICES_FILE` rather than listed."""
    return len(_every_partner(r)) > CHOICES_APART


def _choices_file(r: Renderer) -> bytes:
    """Every partner's id and name (a name that two partners share, with the id after it:
    the reader chooses by the name alone), and a 0 after a partner of no initiative (the
    listings' filter leaves those out; the form that proposes an initiative offers them)."""
    options = _every_partner(r)
    active = {o.value for o in partner_choices(r)}
    # (the scripts read a name typed in any letter case)
    seen = Counter(o.text.strip().casefold() for o in options)
    return json.dumps([[o.value, o.text if seen[o.text.strip().casefold()] == 1
                        else f"{o.text} ({o.value})",
                        *(() if o.value in active else (0,))] for o in options],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _filters(r: Renderer) -> tuple[Filter, ...]:
    t = r.t
    partners = partner_choices(r)
    apart = choices_apart(r)
    made = (
        Filter("facet", t("initiative.facet"), tuple(
            Option(f.value, f"{FACET_SYMBOLS[f]} {t('facet.' + f.value)}") for f in FACETS)),
        Filter("zone", t("initiative.zone"), tuple(
            Option(z.value, f"{ZONE_SYMBOLS[z]} {t('zone.' + z.value)}") for z in ZONES)),
        Filter("status", t("initiative.status"), tuple(
            Option(s.value, t("status." + s.value)) for s in Status)),
        Filter("partners", t("browse.partner"), () if apart else partners,
               CHOICES_FILE if apart else ""),
        Filter("themes", t("browse.theme"), tuple(
            Option(th, theme_title(r, th)) for th in theme_ids(r))),
    )
    return tuple(f for f in made if f.options or f.choices)


def _row(r: Renderer, here: str, link: Callable[[str], str], i: Initiative) -> Markup:
    # One line: a blank line inside the table would end its HTML block.
    return r.render_macro(
        here, "browse_row.html", "row", i, link(r.options.initiative_uri(i.slug)),
        r.text(i.title), r.partner_link(i.steward, link) if i.steward else None)


def listing(r: Renderer, list_id: str, first: str, items: Sequence[Initiative],
            omit: str = "", fixed: tuple[tuple[str, str], ...] = ()) -> list[ListPage]:
    """A listing cut into pages, named from the count alone: each page's rows and filter
    form are found when the page is made (`with_rows`)."""
    members = tuple(items)
    return [ListPage(p.number, p.pages, p.total, p.first_row, p.last_row, list_id=list_id,
                     rows=(), fixed=fixed, source=r.export_uri(INDEX_FILE), members=members,
                     omit=omit)
            for p in paginate(first, len(items), r.options.page_size)]


def with_rows(r: Renderer, page: ListPage) -> ListPage:
    """The page with its rows, in the listings' order, rendered, and its filter form."""
    here = page.target
    rank = ranks(r)
    ordered = r.once(f"browse.ordered:{page.pages[0].target}",
                     lambda: sorted(page.members, key=lambda i: rank[i.slug]))
    rows = tuple(ordered[page.first_row - 1:page.last_row]) if page.first_row else ()
    # A row links the same way from every listing page as deep as this one (they all live
    # under the generated pages' folder), so each is rendered once per depth.
    depth = r.link_folder(here).count("/")
    shared = r.shared()
    link = r.linker(here)
    selects = r.once(f"browse.selects:{page.omit}", lambda: r.render_macro(
        here, "browse_list.html", "selects", filters(r, page.omit)))
    return replace(page, rows=rows, selects=selects, row_html=tuple(
        r.reused(("row", i, depth, shared), partial(_row, r, here, link, i))
        for i in rows))


def index_data(r: Renderer) -> dict[str, Any]:
    """Every initiative in a compact form for the filters (see `_index_head`)."""
    return {**_index_head(r), "rows": list(_index_rows(r))}


def _index_link(r: Renderer) -> Callable[[str], str]:
    here = r.export_uri(INDEX_FILE)
    return lambda target: relative_url(here, target, r.options.directory_urls)


# Written where a slug goes in the address of an initiative's page, to find what is around it.
_SLUG = "pfslugpf"


def _index_head(r: Renderer) -> dict[str, Any]:
    """The index but its rows (which come last).

    A row names its initiative by slug (`url`: what comes before and after it in the
    address of its page, relative to the file) and every other id by its place in a list
    of `codes` (a facet, zone or status by its place in the labels): at 20,000 initiatives
    the ids written out were 5.4 of the file's 8.3 MB.
    """
    t = r.t
    link = _index_link(r)
    stewards = {i.steward for i in r.portfolio.initiatives if i.steward}
    partners = {}
    for pid in sorted(stewards):
        partner = r.partner(pid)
        partners[pid] = [partner.name, link(r.partner_uri(pid))] if partner else [pid, ""]
    before, _, after = link(r.options.initiative_uri(_SLUG)).partition(_SLUG)
    return {
        "columns": list(INDEX_COLUMNS),
        "url": [before, after],
        "labels": {
            "facet": {f.value: [FACET_SYMBOLS[f], t("facet." + f.value)] for f in FACETS},
            "zone": {z.value: [ZONE_SYMBOLS[z], t("zone." + z.value)] for z in ZONES},
            "status": {s.value: t("status." + s.value) for s in Status},
        },
        "codes": {name: list(values) for name, values in _index_codes(r).items()},
        "partners": partners,
    }


def _index_codes(r: Renderer) -> dict[str, tuple[str, ...]]:
    """The ids a row names by their place: facets, zones and statuses in the labels' order,
    the partners (`steward` and `partners` share them), themes, mandates and objectives."""
    def made() -> dict[str, tuple[str, ...]]:
        found: dict[str, set[str]] = {"partners": set(), "themes": set(), "mandates": set(),
                                      "objectives": set()}
        for i in r.portfolio.initiatives:
            found["partners"].update(i.partner_ids)
            if i.steward:
                found["partners"].add(i.steward)
            found["themes"].update(i.themes)
            found["mandates"].update(i.mandates)
            found["objectives"].update(i.objectives)
        return {"facet": tuple(f.value for f in FACETS), "zone": tuple(z.value for z in ZONES),
                "status": tuple(s.value for s in Status),
                **{name: tuple(sorted(ids)) for name, ids in found.items()}}

    return r.once("browse.index_codes", made)


def _index_rows(r: Renderer) -> Iterator[list[Any]]:
    t = r.t
    currency = r.portfolio.info.currency
    order = ranks(r)
    place = {name: {value: n for n, value in enumerate(values)}
             for name, values in _index_codes(r).items()}
    partners = place["partners"]
    for i in sorted(r.portfolio.initiatives, key=lambda i: order[i.slug]):
        yield [i.slug, r.text(i.title), place["facet"][i.facet.value],
               place["zone"][i.zone.value], place["status"][i.status.value],
               partners[i.steward] if i.steward else -1,
               t.money(i.cash, currency) if i.funding else "–",
               [partners[p] for p in i.partner_ids], [place["themes"][x] for x in i.themes],
               [place["mandates"][x] for x in i.mandates],
               [place["objectives"][x] for x in i.objectives]]


def index_pieces(r: Renderer, batch: int = 500) -> Iterator[bytes]:
    """The JSON index (compact JSON of `index_data`, keys in a stable order, so builds are
    reproducible) in pieces, made as the rows come."""
    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    yield (compact(_index_head(r))[:-1] + ',"rows":[').encode("utf-8")
    rows: list[str] = []
    first = True
    for row in _index_rows(r):
        rows.append(compact(row))
        if len(rows) == batch:
            yield (("" if first else ",") + ",".join(rows)).encode("utf-8")
            rows, first = [], False
    yield (("" if first or not rows else ",") + ",".join(rows) + "]}").encode("utf-8")


def _index_file(r: Renderer) -> Chunks:
    return Chunks(partial(index_pieces, r))


@dataclass(frozen=True)
class GroupCount:
    """A line of a facet's, zone's or theme's summary table."""

    target: str
    text: str
    count: int
    funding: float


def _axis_pages(r: Renderer, kind: str, value: str, members: Sequence[Initiative],
                title: str, summary: tuple[GroupCount, ...],
                summary_head: str) -> Iterator[tuple[str, Later]]:
    """The listing of one facet or one zone, with its counts along the other axis."""
    first = r.uri(f"{kind}:{value}")
    for page in listing(r, "pf-list", first, members, omit=kind, fixed=((kind, value),)):
        uri = page_uri(first, page.number)
        yield uri, partial(
            listing_page, r, uri, "browse_group.md", numbered(r, title, page),
            r.t(f"{kind}.{value}.about"), page, intro=r.t(f"browse.{kind}.{value}.explain"),
            summary=summary, summary_head=summary_head, gaps=(), count_table=None)


def _facet_pages(r: Renderer, facet: Facet) -> Iterator[tuple[str, Later]]:
    summary = tuple(GroupCount(r.uri(f"zone:{z.value}"),
                               f"{ZONE_SYMBOLS[z]} {r.t('zone.' + z.value)}",
                               r.figures.balance.cell(facet, z).count,
                               r.figures.balance.cell(facet, z).funding) for z in ZONES)
    title = r.t("browse.facet_title", facet=r.t("facet." + facet.value))
    yield from _axis_pages(r, "facet", facet.value,
                           [i for i in r.portfolio.initiatives if i.facet is facet],
                           title, summary, r.t("initiative.zone"))


def _zone_pages(r: Renderer, zone: Zone) -> Iterator[tuple[str, Later]]:
    summary = tuple(GroupCount(r.uri(f"facet:{f.value}"),
                               f"{FACET_SYMBOLS[f]} {r.t('facet.' + f.value)}",
                               r.figures.balance.cell(f, zone).count,
                               r.figures.balance.cell(f, zone).funding) for f in FACETS)
    yield from _axis_pages(r, "zone", zone.value,
                           [i for i in r.portfolio.initiatives if i.zone is zone],
                           r.t("zone." + zone.value), summary, r.t("initiative.facet"))


def _theme_pages(r: Renderer, theme_id: str) -> Iterator[tuple[str, Later]]:
    first = r.uri(f"theme:{theme_id}")
    members = [i for i in r.portfolio.initiatives if theme_id in i.themes]
    title = theme_title(r, theme_id)
    counts = replace(count_table(r, balance(members)), caption=r.t("browse.theme_counts"))
    for page in listing(r, "pf-list", first, members, omit="themes",
                        fixed=(("themes", theme_id),)):
        uri = page_uri(first, page.number)
        yield uri, partial(
            listing_page, r, uri, "browse_group.md",
            numbered(r, r.t("browse.theme_title", theme=title), page),
            r.t("browse.theme_description", theme=title), page,
            intro=r.t("browse.theme_intro", theme=title, count=r.t.number(len(members))),
            summary=(), summary_head="", gaps=(), count_table=counts)


def listing_page(r: Renderer, uri: str, template: str, title: str, description: str,
                  page: ListPage, **values: Any) -> str:
    return r.page(uri, template, title, description, view=with_rows(r, page), meta=WIDE,
                  **values)


def numbered(r: Renderer, title: str, page: Paging) -> str:
    """A page's title: the list's, with its number from the second page on."""
    if page.number == 1:
        return title
    return r.t("browse.page_title", title=title, number=page.number, pages=len(page.pages))


def group_links(r: Renderer) -> dict[str, Any]:
    """Links to every facet, zone and theme page, for the index and the overview."""
    return {
        "facets": [(r.uri(f"facet:{f.value}"), f"{FACET_SYMBOLS[f]} {r.t('facet.' + f.value)}")
                   for f in FACETS],
        "zones": [(r.uri(f"zone:{z.value}"), f"{ZONE_SYMBOLS[z]} {r.t('zone.' + z.value)}")
                  for z in ZONES],
        "themes": [(r.uri(f"theme:{th}"), theme_title(r, th)) for th in theme_ids(r)],
    }


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The index pages, the facet, zone and theme pages, the JSON index and the partners'
    names its filter suggests."""
    made = list_pages(r)
    yield from (item for item in made if item[0].endswith(".md"))
    for facet in FACETS:
        yield from _facet_pages(r, facet)
    for zone in ZONES:
        yield from _zone_pages(r, zone)
    for theme_id in theme_ids(r):
        yield from _theme_pages(r, theme_id)
    yield from (item for item in made if not item[0].endswith(".md"))


def list_pages(r: Renderer) -> list[tuple[str, Later]]:
    """The list of every initiative: its pages, then the JSON index its filters read."""
    first = r.uri("initiatives")
    groups = group_links(r)
    made: list[tuple[str, Later]] = []
    for page in listing(r, "pf-list", first, r.portfolio.initiatives):
        uri = page_uri(first, page.number)
        made.append((uri, partial(
            listing_page, r, uri, "browse_index.md", numbered(r, r.t("browse.title"), page),
            r.t("browse.description", count=r.t.number(page.total)), page, groups=groups)))
    made.append((r.export_uri(INDEX_FILE), partial(_index_file, r)))
    if choices_apart(r):
        made.append((r.export_uri(CHOICES_FILE), partial(_choices_file, r)))
    return made
