"""The timeline: every story, newest first, grouped by year; the pages of each year hold all
stories of that year, so the main page stays light however large the portfolio grows. A year
of more stories than `page_size` is cut into pages of that many (`<year>/page-N`), as the
listings are: a year of 20,000 stories was one page of 14 MB."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from markupsafe import Markup

from ..model import FACETS, Facet, Partner, Story, StoryKind
from . import Later, Renderer
from .browse import Paging, numbered, paginate
from .charts import Chart, Table, bar_chart
from .report import report_uri
from .text import safe_markdown

# A story's links from one page: to its initiative, and each partner's (link, name).
StoryLinks = tuple[str, list[tuple[str, str]]]

# At most this many stories on the main timeline page (the newest whole years); every
# year's page holds all of that year's stories. About 1 KB of HTML each: with the chart
# and the theme this keeps the page well under 300 KB at thousands of stories.
MAIN_STORIES = 150


@dataclass(frozen=True, slots=True)
class StoryItem:
    """A story as the macro `story_list` shows it, prepared once for every page that lists
    it (its initiative's, its year's, its partners'): only its links depend on the page.

    Pages are docs paths; a partner unknown to the portfolio has no page (""). A story
    without text has none (None).
    """

    kind: str
    iso_date: str
    date: str
    badge: Markup
    title: str
    link: str
    text: Markup | None
    facet: str
    initiative_page: str
    initiative_title: str
    partner_ids: str
    partners: tuple[tuple[str, str], ...]

    def links(self, url: Callable[[str], str]) -> StoryLinks:
        """The story's links from the page that `url` makes links from: to its initiative
        ("" if unknown), and each partner's link and name (no link for a partner unknown
        to the portfolio)."""
        return (url(self.initiative_page) if self.initiative_page else "",
                [(url(page) if page else "", name) for page, name in self.partners])


def story_item(r: Renderer, s: Story) -> StoryItem:
    """What every story list shows of a story, whatever the page."""
    i = r.initiative(s.initiative)
    known = r.partner_pages
    return StoryItem(
        kind=s.kind.value, iso_date=s.date.iso(), date=r.t.date(s.date),
        badge=r.kind_badges[s.kind], title=s.title, link=s.link or "",
        text=safe_markdown(s.text) if s.text else None,
        facet=i.facet.value if i else "",
        initiative_page=r.options.initiative_uri(i.slug) if i else "",
        initiative_title=r.text(i.title) if i else "",
        partner_ids=" ".join(s.partners),
        partners=tuple(known.get(pid, ("", pid)) for pid in s.partners))


@dataclass(frozen=True)
class YearGroup:
    """The stories of one year shown in a list, and how many that year has in all."""

    year: int
    stories: tuple[Story, ...]
    total: int
    page: str


@dataclass(frozen=True)
class TimelineView:
    """A filterable list of stories grouped by year, and the choices of its filter."""

    list_id: str
    groups: tuple[YearGroup, ...]
    kinds: tuple[StoryKind, ...]
    facets: tuple[Facet, ...]
    partners: tuple[Partner, ...]
    count: int


def year_uri(r: Renderer, year: int) -> str:
    """The docs path of the (first) page of the stories of one year."""
    return f"{r.options.output}/timeline/{year}.md"


def year_kinds(r: Renderer) -> dict[int, dict[str, int]]:
    """For each year, how many of its stories are of each kind and facet (`"<kind>
    <facet>"`): the years' links on the timeline say how many match its filter, and carry
    it to the year's page. The stories are counted once; the other counts are made of it."""
    def count() -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        for s in r.figures.stories:
            i = r.initiative(s.initiative)
            key = f"{s.kind.value} {i.facet.value if i is not None else ''}"
            year = counts.setdefault(s.date.year, {})
            year[key] = year.get(key, 0) + 1
        return counts

    return r.once("timeline.year_kinds", count)


def years_with_counts(r: Renderer) -> tuple[tuple[int, int], ...]:
    """Every year that has stories, newest first, with its number of stories."""
    return r.once("timeline.years", lambda: tuple(sorted(
        ((year, sum(counts.values())) for year, counts in year_kinds(r).items()),
        reverse=True)))


def story_choices(r: Renderer) -> tuple[tuple[StoryKind, ...], tuple[Facet, ...]]:
    """The kinds and facets of the portfolio's stories: what every filter of stories offers,
    whatever page it is on, so that a filter carried from another page always applies."""
    def choices() -> tuple[tuple[StoryKind, ...], tuple[Facet, ...]]:
        pairs = [key.split(" ") for counts in year_kinds(r).values() for key in counts]
        kinds = {kind for kind, _ in pairs}
        facets = {facet for _, facet in pairs}
        return (tuple(k for k in StoryKind if k.value in kinds),
                tuple(f for f in FACETS if f.value in facets))

    return r.once("timeline.choices", choices)


def timeline_view(r: Renderer, here: str, stories: Sequence[Story], list_id: str,
                  with_partner_filter: bool = True) -> TimelineView:
    """Stories (newest first) grouped by year, with the filter choices they offer."""
    totals = dict(years_with_counts(r))
    by_year: dict[int, list[Story]] = {}
    for s in stories:
        by_year.setdefault(s.date.year, []).append(s)
    groups = [YearGroup(year, tuple(items), totals.get(year, 0), year_uri(r, year))
              for year, items in sorted(by_year.items(), reverse=True)]
    kinds, facets = story_choices(r)
    partners: tuple[Partner, ...] = ()
    if with_partner_filter:
        ids = {p for s in stories for p in s.partners}
        found = [p for p in (r.partner(x) for x in ids) if p is not None]
        partners = tuple(sorted(found, key=lambda p: (r.t.collate(p.name), p.id)))
    return TimelineView(list_id, tuple(groups), kinds, facets, partners, len(stories))


def critical_events_chart(r: Renderer) -> Chart:
    """Critical events per year: the layer model's fourth layer (figures.leverage)."""
    t = r.t
    years = [y for y in r.figures.leverage.years]
    categories = [str(y.year) for y in years]
    values = [y.layer4 for y in years]
    table = Table((t("timeline.year"), t("timeline.critical_events")),
                  tuple((str(y.year), t.number(y.layer4)) for y in years),
                  t("timeline.chart_caption"), numeric=(1,),
                  footer=(t("timeline.total"), t.number(r.figures.leverage.total.layer4)))
    chart = bar_chart("pf-critical-events", t("timeline.chart_caption"), categories,
                      [(t("timeline.critical_events"), values, "#a61e4d")], table,
                      height=320, y_title=t("timeline.critical_events"))
    return Chart(chart.id, chart.caption, chart.figure, table, chart.height,
                 summary=t("timeline.chart_summary", total=r.figures.leverage.total.layer4))


def recent_stories(r: Renderer, limit: int = MAIN_STORIES) -> tuple[Story, ...]:
    """The newest whole years of stories that fit in `limit` (or the newest `limit` stories
    when the newest year alone has more)."""
    shown: list[Story] = []
    for year, count in years_with_counts(r):
        if len(shown) + count > limit:
            if not shown:
                shown = [s for s in r.figures.stories if s.date.year == year][:limit]
            break
        shown.extend(s for s in r.figures.stories if s.date.year == year)
    return tuple(shown)


def timeline_page(r: Renderer) -> str:
    """The Markdown of the main timeline page: the newest stories and links to every year."""
    here = r.uri("timeline")
    t = r.t
    stories = r.figures.stories
    shown = recent_stories(r)
    view = timeline_view(r, here, shown, list_id="pf-timeline")
    return r.page(
        here, "timeline.md", t("timeline.title"), t("timeline.description"),
        view=view, years=[(y, n, year_uri(r, y)) for y, n in years_with_counts(r)],
        year_kinds=year_kinds(r),
        total=len(stories),
        hidden=len(stories) - len(shown), events_chart=critical_events_chart(r),
        feed_atom=r.export_uri("stories.xml"), feed_json=r.export_uri("stories.json"),
    )


def year_page(r: Renderer, year: int, stories: Sequence[Story],
              years: Sequence[tuple[int, int]], paging: Paging) -> str:
    """The Markdown of a page of the stories of one year (all of them, unless cut)."""
    here = paging.target
    t = r.t
    view = timeline_view(r, here, stories, list_id="pf-timeline")
    listed = [y for y, _ in years]
    index = listed.index(year)
    newer = (listed[index - 1], year_uri(r, listed[index - 1])) if index > 0 else None
    older = ((listed[index + 1], year_uri(r, listed[index + 1]))
             if index + 1 < len(listed) else None)
    return r.page(
        here, "timeline_year.md", numbered(r, t("timeline.year_title", year=year), paging),
        t("timeline.year_description", year=year, count=paging.total),
        view=view, year=year, newer=newer, older=older, report=report_uri(r, year),
        year_kinds=year_kinds(r)[year],
        paging=paging, size=max(1, r.options.page_size),
        feed_atom=r.export_uri("stories.xml"), feed_json=r.export_uri("stories.json"),
    )


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The timeline page and the pages of each year."""
    yield r.uri("timeline"), partial(timeline_page, r)
    years = years_with_counts(r)
    by_year: dict[int, list[Story]] = {}
    for s in r.figures.stories:
        by_year.setdefault(s.date.year, []).append(s)
    for year, count in years:
        stories = by_year[year]
        for paging in paginate(year_uri(r, year), count, r.options.page_size):
            yield paging.target, partial(
                year_page, r, year, stories[paging.first_row - 1:paging.last_row], years,
                paging)
