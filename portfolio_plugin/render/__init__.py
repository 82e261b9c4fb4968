"""Rendering: the validated portfolio and its figures into Markdown pages and data files.

Pages are Markdown whose data parts are HTML blocks rendered by Jinja with autoescape on,
so any engine that reads Markdown can publish them, and no front-matter text ever reaches
Markdown's own syntax. Each page module contributes pages through `pages(renderer)`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
from markupsafe import Markup

from ..compute import Figures
from ..i18n import Translator
from ..model import (
    Facet,
    Initiative,
    Partner,
    Portfolio,
    Status,
    Story,
    StoryKind,
    Text,
    Zone,
    unmarked,
)
from ..options import Options
from .charts import Chart, localised_figure, plotly_locale
from .compiled import COMPILED
from .svg import Picture, picture
from .text import (
    foreign_heading,
    json_in_html,
    markdown_text,
    safe_markdown,
    theme_text,
    yaml_front_matter,
)
from .urls import link_folder, linker, page_url, relative_url

if TYPE_CHECKING:
    from .timeline import StoryItem, StoryLinks

T = TypeVar("T")
# What a cache holds for no key (None is a value a page function may give).
_MISSING = object()

# Page modules, in the order their pages are made.
PAGE_MODULES: tuple[str, ...] = ("initiative", "opendata", "federation", "ecosystem",
                                  "leverage", "timeline", "objectives", "overview", "browse",
                                  "propose", "report")

ZONE_SHAPES = {Zone.YELLOW: "circle", Zone.GREEN: "diamond", Zone.BLUE: "square"}
ZONE_SYMBOLS = {Zone.YELLOW: "○", Zone.GREEN: "◇", Zone.BLUE: "■"}
FACET_SYMBOLS = {Facet.MISSION: "▲", Facet.ENHANCEMENT: "◀", Facet.ANTICIPATORY: "▶",
                 Facet.ADAPTIVE: "▼"}

# The portfolio's section pages by name (in the output folder), in the order a navigation
# lists them; initiative, partner and listing pages are reached from these.
SECTION_PAGES: dict[str, str] = {
    "overview": "index.md",
    "initiatives": "initiatives.md",
    "facet_map": "facet-map.md",
    "ecosystem": "ecosystem.md",
    "leverage": "leverage.md",
    "timeline": "timeline.md",
    "objectives": "objectives.md",
    "mandates": "mandates.md",
    "data": "data.md",
    "federation": "federation.md",
    "propose": "propose.md",
}


def section_uris(output: str) -> list[str]:
    """The docs paths of the section pages, in navigation order (see `SECTION_PAGES`)."""
    return [f"{output}/{name}" for name in SECTION_PAGES.values()]


@dataclass
class Rendered:
    """What rendering produced: Markdown pages and other files, by docs-relative path.

    `marked` holds each page with markers in place of its generated HTML blocks, and the
    blocks, for adapters that put the HTML back after Markdown (see `split_html_blocks`);
    `pages` shows the whole Markdown of each page, joined when asked for, so that a build
    does not hold every page twice.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    marked: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    @property
    def pages(self) -> Mapping[str, str]:
        """The whole Markdown of each page, HTML blocks included."""
        return _JoinedPages(self.marked)

    @pages.setter
    def pages(self, pages: Mapping[str, str]) -> None:
        self.marked = {uri: split_html_blocks(text) for uri, text in pages.items()}


class _JoinedPages(Mapping[str, str]):
    """A read-only view of pages as whole Markdown."""

    def __init__(self, marked: dict[str, tuple[str, list[str]]]) -> None:
        self._marked = marked

    def __getitem__(self, uri: str) -> str:
        text, parts = self._marked[uri]
        return join_html_blocks(text, parts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._marked)

    def __len__(self) -> int:
        return len(self._marked)


# Receives a page (docs path, marked Markdown, HTML blocks) or a file (path, bytes, None).
Sink = Callable[[str, "str | bytes", "list[str] | None"], None]


@dataclass(frozen=True)
class PageText:
    """A page whose author-written Markdown must not be split: given already marked.

    `own` is where the author's text is in `marked` (start, end), which nothing may change.
    """

    marked: str
    parts: tuple[str, ...]
    own: tuple[int, int] | None = None


@dataclass(frozen=True)
class Chunks:
    """A large file made piece by piece: written as its pieces come, never held whole."""

    pieces: Callable[[], Iterable[bytes]]

    def whole(self) -> bytes:
        """The file's bytes at once."""
        return b"".join(self.pieces())


# A page (Markdown, or PageText) or a file (bytes, or Chunks); modules name each with a
# function that makes it (see `Plan`).
Made = str | bytes | PageText | Chunks
Later = Callable[[], Made]
Item = Made | Later


@dataclass
class Renderer:
    """Shared state and helpers for the page modules."""

    portfolio: Portfolio
    figures: Figures
    options: Options
    t: Translator
    built: dt.datetime
    cache: dict[object, object] | None = None
    env: jinja2.Environment = field(init=False)
    extra: dict[str, Any] = field(default_factory=dict)
    # Each story as lists show it; templates' macros by template, looked up once per run
    # (Jinja would check each time whether the file changed).
    _story_items: dict[Story, StoryItem] = field(default_factory=dict, init=False, repr=False)
    _modules: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.env = environment()
        self._initiatives = {i.slug: i for i in self.portfolio.initiatives}
        self._here = "index.md"
        self._link: Callable[[str], str] = self.linker(self._here)
        # What this run took from the cache or put in it, by key: the cache between runs
        # becomes this (`Plan.forget_unused`), without hashing every key once more.
        self._kept: dict[object, object] = {}
        self._shared: object | None = None
        self._memo: dict[object, object] = {}
        self._plotly_locale: dict[str, Any] | None = None
        # What every template and macro sees. Globals rather than a per-render context, so
        # that macros are imported without context: Jinja caches those imports, where an
        # import "with context" runs the whole macro file again on every render.
        self.env.globals.update(
            t=self.t, r=self, url=self.url, address=self.address, portfolio=self.portfolio,
            figures=self.figures, info=self.portfolio.info, lang=self.t.language,
            currency=self.portfolio.info.currency, zone_shapes=ZONE_SHAPES,
            zone_symbols=ZONE_SYMBOLS, facet_symbols=FACET_SYMBOLS)

    def close(self) -> None:
        """Let go of everything: the templates and their contexts see the renderer as a
        global, a cycle that only the garbage collector frees, with all it refers to. The
        renderer renders nothing more."""
        env = vars(self).get("env")
        if env is not None:
            if env.cache is not None:
                env.cache.clear()  # the templates, their macros and the contexts they hold
            env.globals.clear()
        vars(self).clear()

    def forget_pages(self) -> None:
        """Let go of what only pages are made with (listings' rows, stories as lists show
        them): the files made after the pages (the open data) need none of it."""
        self._memo.clear()
        self._story_items.clear()

    def shared(self) -> object:
        """A token for the data every page shows (site data, options, language).

        The same object as in the previous run while that data is unchanged, so that cache
        keys holding it compare by identity instead of walking all partners each time.
        """
        if self._shared is not None:
            return self._shared
        value = (self.portfolio.info, self.portfolio.partners, self.portfolio.assets,
                 self.options, self.t.language)
        if self.cache is None:
            # Nothing outlives this run: a plain token keys as well, and hashes in no time.
            self._shared = object()
            return self._shared
        previous = self.cache.get("__shared__")
        if not (isinstance(previous, tuple) and previous[0] == value):
            previous = self.cache["__shared__"] = (value, object())
        self._kept["__shared__"] = previous
        self._shared = previous[1]
        return self._shared

    def reused(self, key: object, make: Callable[[], T]) -> T:
        """Like `cached`, and also kept for this run when there is no cache between runs:
        for small pieces shown on several pages (a listing's row)."""
        if self.cache is not None:
            return self.cached(key, make)
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[return-value]

    def cached(self, key: object, make: Callable[[], T]) -> T:
        """`make()`, or what it gave for the same key in an earlier run (with a cache)."""
        if self.cache is None:
            return make()
        # A key is a tuple of the portfolio's objects, whose hash walks them: hashed twice
        # here when found (once more when made), not four times.
        value = self.cache.get(key, _MISSING)
        if value is _MISSING:
            value = self.cache[key] = make()
        self._kept[key] = value
        return value  # type: ignore[return-value]

    def once(self, key: str, make: Callable[[], T]) -> T:
        """`make()` the first time a key is asked for in this run, then the same value
        (for what several pages or page modules derive alike)."""
        if key not in self.extra:
            self.extra[key] = make()
        return self.extra[key]  # type: ignore[no-any-return]

    def url(self, target: str) -> str:
        """A link from the page being rendered to a docs path."""
        return self._link(target)

    def address(self, target: str) -> str:
        """A URL from the page being rendered to a docs path, for a script to read."""
        return relative_url(self._here, target, self.options.directory_urls)

    # -- addresses ----------------------------------------------------------------------
    def uri(self, name: str) -> str:
        """The docs path of a generated page by name: `overview`, `leverage`, ..."""
        base = self.options.output
        kind, _, key = name.partition(":")
        if key and kind in ("facet", "zone", "theme", "mandate", "objective"):
            return f"{base}/{kind}s/{key}.md"
        if name == "report":  # the index of the years' reports (render/report.py)
            return f"{base}/report/index.md"
        section = SECTION_PAGES.get(name)
        return f"{base}/{section}" if section is not None else name

    def partner_uri(self, partner_id: str) -> str:
        """The docs path of a partner's page."""
        return f"{self.options.output}/partners/{partner_id}.md"

    def export_uri(self, name: str) -> str:
        """The docs path of an open-data file such as `portfolio.json`."""
        return f"{self.options.exports}/{name}"

    def feed_uri(self, kind: str, key: str) -> str:
        """The docs path, without extension (`.xml`: Atom, `.json`: JSON Feed), of the feed of
        an initiative (`kind` "initiatives", `key` its slug) or partner ("partners", id)."""
        return self.export_uri(f"feeds/{kind}/{key}")

    def partner_stories(self, partner_id: str) -> list[tuple[Story, ...]]:
        """The stories, newest first, of each initiative the partner takes part in (as
        steward, partner or funder) that has any: what the partner's feed holds."""
        pf = self.figures.partner(partner_id)
        lists = (self._initiatives[slug].stories for slug, _ in (pf.initiatives if pf else ())
                 if slug in self._initiatives)
        return [stories for stories in lists if stories]

    def feed_meta(self, stem: str, title: str) -> list[dict[str, str]]:
        """The page's own feeds, as the page template announces them (`feeds` meta)."""
        return [{"title": theme_text(f"{title} (Atom)"), "type": "application/atom+xml",
                 "path": self.site_url(stem + ".xml")},
                {"title": theme_text(f"{title} (JSON Feed)"), "type": "application/feed+json",
                 "path": self.site_url(stem + ".json")}]

    def asset_uri(self, name: str) -> str:
        """The docs path of a static file of the plugin (script, style)."""
        return f"assets/portfolio/{name}"

    def shared_asset_page(self, asset_id: str) -> str:
        """The docs path of the page that shows a shared asset (at `#asset-<id>`): the
        ecosystem page, or at national scale a page of the assets apart."""
        from .ecosystem import asset_page  # here: that page module imports this one

        return asset_page(self, asset_id)

    def site_url(self, uri: str) -> str:
        """The site-relative URL of a docs path."""
        return page_url(uri, self.options.directory_urls)

    def linker(self, here: str) -> Callable[[str], str]:
        """A function that makes links relative to the page at `here`, as its HTML writes
        them (see render.urls)."""
        return linker(here, self.options.directory_urls, self.options.source_links)

    def url_linker(self, here: str) -> Callable[[str], str]:
        """A function that makes URLs relative to the page at `here`'s URL, for scripts to
        read (chart data): no engine rewrites those."""
        return linker(here, self.options.directory_urls)

    def link_folder(self, here: str) -> str:
        """The folder that links of the page at `here` are relative to."""
        return link_folder(here, self.options.directory_urls, self.options.source_links)

    # -- lookups ------------------------------------------------------------------------
    def initiative(self, slug: str) -> Initiative | None:
        """An initiative by slug."""
        return self._initiatives.get(slug)

    def partner(self, partner_id: str) -> Partner | None:
        """A partner by id."""
        return self.portfolio.partner(partner_id)

    def text(self, value: Text) -> str:
        """Translated text in the site's language (a `Foreign` text where it is not)."""
        default = self.portfolio.info.language or ""
        return value.get(self.t.language, default or "en", default)

    def chart_figure(self, figure: dict[str, Any]) -> dict[str, Any]:
        """A chart's figure as plotly.js should draw it in the site's language."""
        if self.t.language == "en":
            return figure
        if self._plotly_locale is None:
            self._plotly_locale = plotly_locale(self.t)
        return localised_figure(figure, self.t, self._plotly_locale)

    def chart_picture(self, chart: Chart) -> Picture:
        """A chart's static picture, drawn from its figure in the site's language.

        Its marks link where the figure's data sends the chart's script (URLs relative to
        the page's URL); for an engine that rewrites the page's links (`source_links`),
        they are written as the page's other links are.
        """
        href = None
        if self.options.source_links:
            as_url, as_link = self.url_linker(self._here), self._link
            targets = [self.options.initiative_uri(i.slug) for i in self.portfolio.initiatives]
            targets += [self.partner_uri(p.id) for p in self.portfolio.partners]
            table = {as_url(target): as_link(target) for target in targets}
            href = table.get
        return picture(self.chart_figure(chart.figure), chart.id, chart.caption, href)

    # -- pieces shown on many pages, made once per run -----------------------------------
    # Templates read these with a lookup (`r.words[key]`, `r.zone_badges[zone]`) where a
    # call (`t(key)`, a macro) would cost several times more on pages shown by the thousand.
    @cached_property
    def words(self) -> dict[str, str]:
        """Every message by key, as `t(key)` gives it."""
        return {key: self.t(key) for key in (*self.t.fallback, *self.t.messages)}

    @cached_property
    def facet_badges(self) -> dict[Facet, Markup]:
        """Each facet's badge (macro `facet_badge`)."""
        return self._badges("facet_badge", Facet)

    @cached_property
    def zone_badges(self) -> dict[Zone, Markup]:
        """Each zone's badge (macro `zone_badge`)."""
        return self._badges("zone_badge", Zone)

    @cached_property
    def status_badges(self) -> dict[Status, Markup]:
        """Each status's badge (macro `status_badge`)."""
        return self._badges("status_badge", Status)

    @cached_property
    def kind_badges(self) -> dict[StoryKind, Markup]:
        """Each story kind's badge (macro `story_kind`)."""
        return self._badges("story_kind", StoryKind)

    def _badges(self, macro: str, values: Iterable[T]) -> dict[T, Markup]:
        made = getattr(self.env.get_template("_macros.html").module, macro)
        return {value: Markup(made(value)) for value in values}  # noqa: S704 - autoescaped

    @cached_property
    def partner_pages(self) -> dict[str, tuple[str, str]]:
        """Each known partner's page (docs path) and name, by id."""
        return {p.id: (self.partner_uri(p.id), p.name) for p in self.portfolio.partners}

    def partner_link(self, partner_id: str, link: Callable[[str], str]) -> tuple[str, str]:
        """A partner's link (made by `link`, see `linker`) and name; no link ("") for a
        partner the portfolio does not know."""
        page, name = self.partner_pages.get(partner_id, ("", partner_id))
        return (link(page) if page else "", name)

    def story_items(self, stories: Iterable[Story]) -> list[tuple[StoryItem, StoryLinks]]:
        """Stories as story lists show them, each prepared once (`timeline.StoryItem`), with
        their links from the page being rendered."""
        from .timeline import story_item  # here: that page module imports this one

        items = []
        for story in stories:
            item = self._story_items.get(story)
            if item is None:
                item = self._story_items[story] = story_item(self, story)
            items.append((item, item.links(self._link)))
        return items

    # -- output -------------------------------------------------------------------------
    def context(self, here: str) -> dict[str, Any]:
        """What a template of the page at `here` sees besides the globals."""
        return {"here": here}

    def _render(self, here: str, template: str, context: dict[str, Any]) -> str:
        # Links are made relative to `here` for the length of this render, also by macros
        # (which see only globals); a render inside a render restores the outer page after.
        outer = self._link, self._here
        self._link, self._here = self.linker(here), here
        try:
            return self.env.get_template(template).render(context)
        finally:
            self._link, self._here = outer

    def render_macro(self, here: str, template: str, name: str, *args: Any,
                     **values: Any) -> Markup:
        """A macro of a template called for the page at `here` (its links relative to it):
        for pieces made thousands of times, cheaper than rendering a whole template."""
        module = self._modules.get(template)
        if module is None:
            module = self._modules[template] = self.env.get_template(template).module
        outer = self._link, self._here
        self._link, self._here = self.linker(here), here
        try:
            return Markup(getattr(module, name)(*args, **values))  # noqa: S704 - autoescaped
        finally:
            self._link, self._here = outer

    def page(self, here: str, template: str, title: str, description: str = "",
             meta: object = None, **values: Any) -> str:
        """A whole generated page: front-matter (escaped title) and the template's output.

        `meta`, a mapping, adds front-matter fields for the theme, such as Material's `hide`.
        """
        fields: dict[str, Any] = {"title": theme_text(title), "template": "portfolio.html"}
        if description:
            fields["description"] = theme_text(description)
        if isinstance(meta, dict):
            fields.update(meta)
        # The page template names the stories feeds with it (themes print it unescaped).
        fields["feed_title"] = theme_text(self.t("opendata.feed_title",
                                                 name=self.portfolio.info.name))
        context = self.context(here)
        context.update(values)
        context.setdefault("page_title", title)
        body = self._render(here, template, context)
        return yaml_front_matter(fields) + "\n" + foreign_heading(title) + body


def environment() -> jinja2.Environment:
    """The package's templates for one renderer (its globals are that renderer's)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("portfolio_plugin", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, bytecode_cache=COMPILED,
    )
    env.filters["json"] = json_in_html
    env.filters["markdown"] = safe_markdown
    env.filters["plain"] = unmarked  # a text for an attribute: without its language's mark
    return env


_BLOCK_TAGS = ("<div", "<table", "<figure", "<p", "<ol", "<ul", "<dl", "<script", "<details",
               "<section", "<nav", "<form", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<pre",
               "<blockquote", "<hr", "<aside", "<article", "<header", "<footer", "<fieldset")
MARKER = "<!--pf:{}-->"


def split_html_blocks(markdown: str) -> tuple[str, list[str]]:
    """Take the HTML blocks out of a generated page, leaving a marker for each.

    A Markdown engine passes raw HTML blocks through unchanged, so an adapter may hand it
    only the Markdown around the markers and put the HTML back afterwards: the output is the
    same, and the engine spends no time parsing HTML it would not change. Blocks are
    separated by blank lines (the templates keep blank lines out of their HTML blocks).
    """
    parts: list[str] = []
    blocks = markdown.split("\n\n")
    for index, block in enumerate(blocks):
        stripped = block.strip("\n")
        if stripped.startswith(_BLOCK_TAGS) and not stripped.startswith("<!--"):
            blocks[index] = MARKER.format(len(parts))
            parts.append(stripped)
    return "\n\n".join(blocks), parts


_MARKED = re.compile(MARKER.format(r"(\d+)"))  # (no character of MARKER is special in one)


def join_html_blocks(html: str, parts: list[str]) -> str:
    """Put the HTML blocks back in place of their markers: each block where its marker
    first is, in one pass over the page (a page of thousands a build writes)."""
    if not parts:
        return html
    left = set(range(len(parts)))

    def block(found: re.Match[str]) -> str:
        n = int(found.group(1))
        if n not in left:
            return found.group(0)
        left.remove(n)
        return parts[n]

    return _MARKED.sub(block, html)


def make(value: Item) -> Made:
    """An item made: the page (str or PageText) or file (bytes) itself."""
    return value() if callable(value) else value


def split_item(content: Made) -> tuple[str | bytes, list[str] | None]:
    """A page as marked Markdown and its HTML blocks; a file as its bytes and None."""
    if isinstance(content, bytes):
        return content, None
    if isinstance(content, Chunks):
        return content.whole(), None
    if isinstance(content, PageText):
        return content.marked, list(content.parts)
    return split_html_blocks(content)


@dataclass
class Plan:
    """Every page and file a site will have, by docs path, each made only when asked.

    Page modules name all their pages cheaply first and leave the rendering to functions,
    so an adapter can register every path with its engine before anything is rendered,
    and have the rendering done elsewhere (another process) or later.
    """

    renderer: Renderer
    items: list[tuple[str, Item]]
    # Named, but not made by this plan: kept as an earlier run made them (a preview's).
    kept: frozenset[str] = frozenset()

    def uris(self) -> list[str]:
        """The docs paths, in the order they are made: pages end in `.md`."""
        return [uri for uri, _ in self.items]

    def made(self) -> Iterator[tuple[str, str | bytes, list[str] | None]]:
        """Each page (marked Markdown and its HTML blocks) or file (bytes, None), in order."""
        for uri, value in self.items:
            content, parts = split_item(make(value))
            yield uri, content, parts

    def close(self) -> None:
        """Let go of what the plan made with: the portfolio is freed as soon as nothing else
        refers to it (its renderer and templates refer to each other, and a cycle waits
        for the garbage collector)."""
        self.renderer.close()
        self.items.clear()

    def pages_made(self) -> None:
        """Every page is made; the files are still to make (see `Renderer.forget_pages`)."""
        if self.renderer is not None:  # (a plan of a test's own may have none)
            self.renderer.forget_pages()

    def forget_unused(self) -> None:
        """Drop from the cache between runs what this run no longer showed."""
        cache = self.renderer.cache
        if cache is not None and not self.kept:  # (a preview used only a few items)
            kept = self.renderer._kept
            cache.clear()
            cache.update(kept)  # a dict's own hashes: no key is hashed again


def plan_site(portfolio: Portfolio, figures: Figures, options: Options, t: Translator,
              built: dt.datetime, modules: Iterable[str] = PAGE_MODULES,
              extra: dict[str, Any] | None = None,
              cache: dict[object, object] | None = None) -> Plan:
    """Every generated page and file of the site, named but not yet made (see `Plan`)."""
    renderer = Renderer(portfolio, figures, options, t, built, cache)
    renderer.extra.update(extra or {})
    items: list[tuple[str, Item]] = []
    for name in modules:
        module = importlib.import_module(f"{__name__}.{name}")
        items.extend(module.pages(renderer))
    return Plan(renderer, items)


def plan_preview(portfolio: Portfolio, figures: Figures, options: Options, t: Translator,
                 built: dt.datetime, changed: Iterable[str],
                 cache: dict[object, object] | None = None) -> Plan:
    """What shows the `changed` initiatives first-hand: their own pages and the list of
    every initiative (its pages and its index). The quick rebuild of an edit under
    `mkdocs serve` makes these first; the rest of the site follows (see `pipeline.preview`).
    """
    from . import browse, initiative

    renderer = Renderer(portfolio, figures, options, t, built, cache)
    wanted = {options.initiative_uri(slug) for slug in changed}
    items = [(uri, item) for uri, item in initiative.pages(renderer) if uri in wanted]
    return Plan(renderer, [*items, *browse.list_pages(renderer)])


def _kept() -> Made:
    raise RuntimeError("an item kept from an earlier run is not made again")


def with_kept(plan: Plan, uris: Iterable[str]) -> Plan:
    """`plan` among every item of a site (`uris`, in their order): those it does not make
    are `kept`, as an earlier run made them."""
    made = dict(plan.items)
    items: list[tuple[str, Item]] = [(uri, made.pop(uri, _kept)) for uri in uris]
    kept = frozenset(uri for uri, item in items if item is _kept)
    return Plan(plan.renderer, [*items, *made.items()], kept)


def render_site(portfolio: Portfolio, figures: Figures, options: Options, t: Translator,
                built: dt.datetime, modules: Iterable[str] = PAGE_MODULES,
                extra: dict[str, Any] | None = None,
                cache: dict[object, object] | None = None,
                sink: Sink | None = None) -> Rendered:
    """Every generated page and file of the site (`extra`: inputs some modules need).

    A `cache` kept between runs lets page modules reuse what they rendered from unchanged
    input (initiative pages do). With a `sink`, each page (marked Markdown and its HTML
    blocks) and file goes to it as soon as it is made, and nothing is kept: a build of
    thousands of pages then never holds them all at once.
    """
    return make_all(plan_site(portfolio, figures, options, t, built, modules, extra, cache),
                    sink)


def make_all(plan: Plan, sink: Sink | None = None) -> Rendered:
    """Make every item of a plan, into a sink as each is made, or kept in `Rendered`."""
    rendered = Rendered()
    for uri, content, parts in plan.made():
        if sink is not None:
            sink(uri, content, parts)
        elif parts is None:
            assert isinstance(content, bytes)
            rendered.files[uri] = content
        else:
            assert isinstance(content, str)
            rendered.marked[uri] = (content, parts)
    plan.forget_unused()
    return rendered


__all__ = ["Chunks", "PageText", "Plan", "Rendered", "Renderer", "join_html_blocks",
           "markdown_text", "make", "make_all", "plan_preview", "plan_site", "render_site",
           "split_html_blocks", "split_item", "with_kept"]
