"""The MkDocs adapter: wires MkDocs events to the engine-free pipeline, and nothing more.

Every page the plugin adds goes through MkDocs' own page pipeline, so other plugins see it as
any page: generated pages are `File.generated` files, and an initiative page is the author's
own file (its own source path, its own git history, its own front-matter for the theme and
other plugins), whose Markdown the plugin sets around the author's text. The per-build state
is one `BuildState` made in `on_config`; `mkdocs serve` keeps a cache between rebuilds.

Works under MkDocs 1.6 and under ProperDocs (which maps `mkdocs.*` imports onto itself).
"""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import posixpath
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import dirname_to_title
from mkdocs.utils.templates import TemplateContext

from ..i18n import Translator
from ..load import Reader, display_path
from ..load.files import folder_problems, refused_files
from ..model import Facet, Status, Zone
from ..options import ConfigError, Options, base_language, build_date, from_settings
from ..parallel.background import Background, initiative_sources
from ..parallel.reader import PageReader
from ..parallel.spool import AUTHOR, Production, Spool
from ..parallel.workers import can_fork, map_in_two, second_core, worth_splitting
from ..pipeline import Cache, prepare, preview, static_sources, uncollected
from ..problems import Problem, Problems, Severity
from ..render import Plan, join_html_blocks, section_uris
from ..render.body import clean_page_body, mark_body
from ..render.compiled import COMPILED
from ..render.problems import problems_page
from ..render.text import read_front_matter
from ..render.urls import page_url
from . import search, site_index
from .languages import page_alternates
from .static_i18n import Language, UnsupportedError, language_build, sitemap_pages

log = get_plugin_logger(__name__)
PACKAGE_DIR = Path(__file__).parent.parent
THEME_DIR = PACKAGE_DIR / "theme"
# Material's inline-script partials as files, so `script-src 'self'` works (SECURITY.md).
MATERIAL_DIR = PACKAGE_DIR / "theme_material"
# Material's header search box, served by the site's own index (`search: portfolio`) or by
# Pagefind (`search: pagefind`).
PAGEFIND_DIR = PACKAGE_DIR / "theme_pagefind"
# Plugins that only read the pages: with no other, nothing reads a page's Markdown again once
# it is rendered, nor its HTML once it is written, and the build lets go of them.
READ_ONLY_PLUGINS = frozenset({"search", "material/search"})


class PortfolioConfig(Config):
    """Options of the `portfolio` plugin in `mkdocs.yml`."""

    initiatives = c.Type(str, default="initiatives")
    """Folder of initiative pages, inside `docs_dir`."""

    initiatives_source = c.Optional(c.Type(str))
    """Folder the initiative pages are read from, relative to `mkdocs.yml`; by default
    `<docs_dir>/<initiatives>`. Lets each language's configuration of a site read the
    same initiatives while its own `docs_dir` holds its hand-written pages."""

    site_data = c.Type(str, default="site_data")
    """Folder of `portfolio.yml`, `partners.yml` and `assets.yml`, beside `mkdocs.yml`."""

    output = c.Type(str, default="portfolio")
    """Folder of the generated pages in the site."""

    exports = c.Type(str, default="data")
    """Folder of the open data files (`portfolio.json`, CSV, feeds) in the site."""

    language = c.Optional(c.Type(str))
    """Language of the plugin's words; defaults to the theme's `language`."""

    page_size = c.Type(int, default=200)
    """Rows per page of the initiative index."""

    parallel = c.Type(bool, default=True)
    """Read, check and make the portfolio in a second process while MkDocs reads the other
    pages, where the system can fork and has a second core (never under `mkdocs serve`).
    The site is the same either way."""

    sanitise_bodies = c.Type(bool, default=True)
    """Clean the HTML of initiative bodies: no script, event handlers, styles that do more
    than align, frames, objects, forms, or links and images other than http(s), mailto and
    relative ones (see SECURITY.md). `false` publishes the authors' raw HTML as it is: only
    for a site that trusts everyone who can change an initiative page."""

    plotly_js = c.Optional(c.Type(str))
    """Where pages load plotly.js from when a reader explores a chart: a URL relative to the
    site's root (`../assets/portfolio/plotly.min.js` for a language built into a folder of
    another language's site) or an absolute one. The site then publishes no copy of its own;
    by default it publishes the plugin's copy at `assets/portfolio/plotly.min.js`."""

    federation_timeout = c.Type((int, float), default=Options.federation_timeout)
    """Seconds another portfolio (`federation` in `portfolio.yml`) has to send its whole
    `portfolio.json`: one deadline for the request, however slowly the server sends."""

    federation_max_bytes = c.Type(int, default=Options.federation_max_bytes)
    """The largest `portfolio.json` read from another portfolio, in bytes."""

    search = c.Choice((search.PORTFOLIO, search.PAGEFIND, search.MKDOCS),
                      default=search.PORTFOLIO)
    """Search for readers. `portfolio` (the default) publishes the site's own index, cut
    into small files (in `search-index/`: a reader's first query fetches a few of them, at
    any size of portfolio), with the portfolio's facets as filters, and makes Material's
    header search box use it; Material's own index is then never downloaded. `pagefind`
    does the same with a Pagefind index (in `pagefind/`; needs `pagefind[bin]`). `mkdocs`
    leaves search to the `search` plugin."""

    federation_cache_days = c.Type((int, float), default=Options.federation_cache_days)
    """How old the last good copy of another portfolio (kept in `.portfolio-cache/` beside
    `mkdocs.yml`) may be to stand in for it, when it is out of reach, with only a note in the
    log; an older copy stands in with a warning."""


@dataclass
class BuildState:
    """What one build knows, made afresh in `on_config`."""

    options: Options
    serving: bool
    dirty: bool
    spool: Spool | None = None
    background: Background | None = None
    production: Production | None = None
    # Where a whole build's files are made: the site itself, which MkDocs need not copy them
    # to (see `parallel.spool.Production`); None where they are spooled and copied. Those
    # files, as named to MkDocs (see `on_env`).
    late: Path | None = None
    late_files: list[File] = field(default_factory=list)
    # Generated pages, by docs path (initiative pages are not among them: see `initiatives`).
    generated: set[str] = field(default_factory=set)
    # Each valid initiative's page: its source file, by docs path.
    initiatives: dict[str, str] = field(default_factory=dict)
    # The portfolio's section pages, for a navigation MkDocs makes, and the section's title.
    sections: list[str] = field(default_factory=list)
    section_title: str = ""
    # Nothing but this plugin and a search index looks at the pages (see READ_ONLY_PLUGINS).
    let_go: bool = False
    # Under `mkdocs serve`: the problems, and the words to show them in on the pages of
    # invalid initiatives.
    problems: Problems | None = None
    translator: Translator | None = None
    # The site's `extra.alternate`, while a page is given its own (see on_page_context); and
    # the list the theme shows in its place: the i18n plugin sets one for each of its pages
    # as an attribute of `extra`, which templates read before the key.
    alternates: Any = None
    shown_alternates: Any = None
    # The Pagefind binary where the site's search is Pagefind's (`search` option), else None.
    pagefind: Path | None = None
    # Where the site's search is its own index: the pages this build gave it, by URL, and
    # the seconds spent reading them.
    own_index: dict[str, site_index.Page] | None = None
    own_index_seconds: float = 0.0
    # Where a worker on the second core reads the written pages for that index, and writes
    # it (see `parallel.reader`): then `own_index` stays empty.
    own_reader: PageReader | None = None
    # The pages Pagefind indexes as MkDocs writes them, where it does not index the written
    # site (see `on_pre_build`).
    page_index: search.PageIndex | None = None
    # The language being built, on a site whose languages the i18n plugin builds (see
    # `adapter.static_i18n`), and `extra.alternate` as it set it for this build.
    language: Language | None = None
    i18n_alternates: Any = None
    # The pages the plugin added where the i18n plugin chose the files (its sitemap lists
    # only its own).
    added: list[File] = field(default_factory=list)
    # This build made only what shows an edit first (see `pipeline.preview`): a rebuild of
    # the rest is due.
    preview: bool = False
    # Whether a preview may be made: under `mkdocs serve --dirty`, once the server watches
    # the folder that asks it for the whole rebuild after one (see `on_serve`).
    previews: bool = False
    # What it kept, as the build before made it.
    kept: frozenset[str] = frozenset()
    # The initiative page a file of another name shows (`initiatives/x.sv.md` shows
    # `initiatives/x.md` in Swedish), by that file's docs path.
    aliases: dict[str, str] = field(default_factory=dict)

    def key(self, uri: str) -> str:
        """The docs path the plugin knows the page of the file at `uri` by."""
        return self.aliases.get(uri, uri)

    @property
    def searched(self) -> bool:
        """Whether the header box searches an index the plugin makes (its own, Pagefind's)."""
        return self.pagefind is not None or self.own_index is not None

    def ours(self, uri: str) -> bool:
        """Whether the page at `uri` is made by the plugin (generated, or an initiative's)."""
        uri = self.key(uri)
        return uri in self.generated or uri in self.initiatives


class PortfolioPlugin(BasePlugin[PortfolioConfig]):
    """Publishes a portfolio showcase from initiative pages and `site_data/`."""

    state: BuildState | None = None
    # What lives from build to build. Under `mkdocs serve` (`serving`, `dirty`: as it was
    # started): the cache of what was made, the spool and what it holds, the folder of what
    # a dirty rebuild left to make (`catch_up`), and the index still being made.
    serving: bool = False
    dirty: bool = False
    cache: Cache | None = None
    serve_spool: Path | None = None
    serve_written: dict[str, bytes] | None = None
    catch_up: Path | None = None
    indexing: subprocess.Popen[bytes] | None = None
    # Whether Material's bundle is deferred on this site's pages (see `_defer_bundle`).
    defer_bundle: bool = False
    # On a site whose languages the i18n plugin builds: the index of every language's pages,
    # and the plugin's pages of each language built, for the last one's sitemap.
    languages_index: search.PageIndex | None = None
    sitemap: dict[str, list[Any]] | None = None
    # Under `mkdocs serve --dirty`: the pages of the site's own index of each language (by
    # the index's folder), by URL, as the last build of each wrote them.
    own_pages: dict[str, dict[str, site_index.Page]]

    def __init__(self) -> None:
        super().__init__()
        self.own_pages = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Keep a cache and a spool for the life of `mkdocs serve`, so that a rebuild redoes
        little (a spooled page's time changes only with its content, for `--dirty`)."""
        self.serving = command == "serve"
        self.dirty = dirty
        self.cache = Cache() if self.serving else None
        self.serve_spool = Path(tempfile.mkdtemp(prefix="portfolio-serve-")) \
            if self.serving else None
        self.serve_written = {}
        self.catch_up = None

    def on_shutdown(self) -> None:
        """Remove the spool of `mkdocs serve`; stop an index still being made."""
        gc.unfreeze()
        search.stop_indexing(self.indexing)
        for folder in (self.serve_spool, self.catch_up):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig:
        """Start each build clean; make the package's templates and assets available."""
        self._stop()
        # Under `mkdocs serve`, the index of the last build gives way to this one's.
        search.stop_indexing(self.indexing)
        self.state = BuildState(self.options(config), self.serving, self.dirty)
        self.state.previews = self.state.dirty and self.catch_up is not None
        self.state.pagefind = self._pagefind()
        if self.config.search == search.PORTFOLIO:
            # (under `mkdocs serve --dirty`, the pages of the builds before that this one
            # does not write again: see `_follow_languages`)
            self.state.own_index = self.own_pages.setdefault(_index_folder(self.state), {}) \
                if self.dirty else {}
        if str(THEME_DIR) not in config.theme.dirs:
            # Appended: a site's own overrides/ and the theme win over the package.
            config.theme.dirs.append(str(THEME_DIR))
        if config.theme.name == "material" and str(MATERIAL_DIR) not in config.theme.dirs:
            # Before Material's own templates, after a site's overrides/ (which still win).
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(MATERIAL_DIR))
        if self.state.searched and config.theme.name == "material" \
                and str(PAGEFIND_DIR) not in config.theme.dirs:
            # Its header search partial, before Material's own and the package's other
            # Material partials (a site's overrides/ still win).
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(PAGEFIND_DIR))
        if "assets/portfolio/portfolio.css" not in config.extra_css:
            config.extra_css.append("assets/portfolio/portfolio.css")
        if "assets/portfolio/portfolio.js" not in [str(s) for s in config.extra_javascript]:
            # Deferred: it never holds up the page's first paint.
            script = ExtraScriptValue("assets/portfolio/portfolio.js")
            script.defer = True
            config.extra_javascript.append(script)
        # Material's bundle can wait for the page to be parsed too, when no other script of
        # the site may count on it having run (see `_defer_bundle`).
        self.defer_bundle = config.theme.name == "material" and all(
            str(s) == "assets/portfolio/portfolio.js" for s in config.extra_javascript)
        return config

    # After every other plugin's, the i18n plugin's (-100) among them.
    @event_priority(-110)
    def _follow_languages(self, config: MkDocsConfig) -> MkDocsConfig:
        """On a site whose languages the i18n plugin builds, make the portfolio in the
        language it is building now (it has just set it), for that language's folder."""
        state = self._state()
        try:
            language = language_build(config.plugins)
        except UnsupportedError as exc:
            raise PluginError(f"portfolio: {exc}") from None
        if language is not None:
            state.language = language
            state.options = language.options(state.options)
            state.i18n_alternates = config.extra.get("alternate")
            if language.language == language.default:  # the first build of the site
                self.sitemap = {}
            if self.dirty and state.own_index is not None:  # (each language's own pages)
                state.own_index = self.own_pages.setdefault(_index_folder(state), {})
        return config

    on_config = CombinedEvent(_configure, _follow_languages)

    def _pagefind(self) -> Path | None:
        """The Pagefind binary, where the site's search is Pagefind's."""
        if self.config.search != search.PAGEFIND:
            return None
        program = search.binary()
        if program is None:
            raise PluginError("portfolio: search: pagefind needs the Pagefind binary; install "
                              "it with `pip install 'pagefind[bin]>=1.5,<2'` (or set search: "
                              "portfolio)")
        return program

    def options(self, config: MkDocsConfig) -> Options:
        """The core's options from MkDocs' configuration."""
        raw = {"docs_dir": config.docs_dir, "site_name": config.site_name,
               "use_directory_urls": config.use_directory_urls, "site_url": config.site_url,
               "repo_url": config.repo_url, "edit_uri": config.edit_uri,
               "theme": {"language": config.theme.get("language", "en")},
               "extra": {"alternate": config.extra.get("alternate")},
               "markdown_extensions": [e for e in config.markdown_extensions
                                       if isinstance(e, str)]}
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        try:
            options = from_settings(root, raw, dict(self.config),
                                    Path(config.config_file_path or "mkdocs.yml").name)
            if config.config_file_path:
                options = replace(options,
                                  default_language=base_language(Path(config.config_file_path)))
            return options
        except ConfigError as exc:
            raise PluginError(f"portfolio: {exc}") from None

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Refuse a `docs_dir` MkDocs cannot walk safely; where a second core can help,
        start the worker that reads the portfolio and makes its pages while MkDocs lists its
        files (see `parallel.background`)."""
        state = self._state()
        # MkDocs walks docs_dir next, following folder symlinks: one that loops would have it
        # walk the same folders again and again (and fail, or never end), one that leaves the
        # site would have it walk and publish what is there.
        loops = folder_problems(state.options.docs_dir, state.options.root, state.options.root)
        if loops:
            raise PluginError("portfolio: docs_dir cannot be walked safely:\n"
                              + "\n".join(str(problem) for problem in loops))
        state.spool = _spool(state, config, self)
        if state.spool.folder != self.serve_spool:
            # Removed at exit however the build ends (Ctrl-C, an error), unless removed first.
            atexit.register(self._stop)
        if not state.serving and not state.dirty and state.language is None:
            state.late = Path(config.site_dir)
        if state.options.parallel and not state.serving and not state.dirty:
            try:
                state.background = Background.start(state.options, state.spool,
                                                    words=("nav.section",), late=state.late)
            except (PluginError, OSError):  # reported where the pages are read
                state.background = None
        if state.pagefind is not None and not (state.serving or state.dirty) \
                and not search.configured_outside(Path.cwd()):
            # Pagefind is handed the pages as they are written. Not under `mkdocs serve` or
            # `--dirty` (a build writes only some pages: the written site is indexed after
            # it), nor where Pagefind has a configuration of its own.
            state.page_index = self._page_index(state.pagefind, state.language,
                                                Path(config.site_dir))

    def _page_index(self, program: Path, language: Language | None,
                    site_dir: Path) -> search.PageIndex:
        """The index of the pages this build writes. Where the i18n plugin builds the
        languages into one site, one index of every language's pages: begun with the first
        language's build, written after the last's. Pagefind reads the pages meanwhile
        wherever there is a second core, as its binary used every core, whatever
        `parallel` says."""
        if language is None:
            return search.PageIndex(program, site_dir, meanwhile=second_core())
        languages = self.languages_index
        if languages is None or language.language == language.default:
            if languages is not None:
                languages.stop()  # (a build of all the languages that did not end)
            languages = self.languages_index = search.PageIndex(
                program, site_dir, meanwhile=second_core())
        return languages

    # First, so that a plugin listed before this one (redirects) sees the portfolio's pages.
    @event_priority(100)
    def _files_first(self, files: Files, config: MkDocsConfig) -> Files:
        """The portfolio's files, where the i18n plugin does not choose the files."""
        if self._state().language is not None:
            return files
        return self._name_portfolio(files, config)

    # After the i18n plugin's (-100): it keeps only files of docs_dir, each language's own.
    @event_priority(-110)
    def _files_last(self, files: Files, config: MkDocsConfig) -> Files:
        """The portfolio's files, among those the i18n plugin chose for its language."""
        if self._state().language is None:
            return files
        return self._name_portfolio(files, config)

    on_files = CombinedEvent(_files_first, _files_last)

    def _name_portfolio(self, files: Files, config: MkDocsConfig) -> Files:
        """Run the pipeline; name every generated page and file to MkDocs, made into a spool
        on disk (by a second process while MkDocs works, or right here)."""
        state = self._state()
        if state.spool is None:
            self.on_pre_build(config)
        refused = _refuse_unsafe(files, config, state.options)
        problems, left_out = _plan(state, self.cache)
        # (The loader refuses an unsafe initiative page the same way: said once.)
        problems.extend(sorted(set(refused) - set(problems), key=lambda p: p.path))
        _report(problems, left_out, strict=bool(config.strict) and not state.serving)
        state.let_go = not state.serving and all(
            plugin is self or name.split(" #")[0] in READ_ONLY_PLUGINS
            for name, plugin in config.plugins.items())
        _name_files(state, files, config)
        if state.own_index is not None and state.own_reader is None:
            state.own_reader = _own_reader(state, Path(config.site_dir))
        # What exists now lives until the build ends: the garbage collector need not walk
        # it again and again while MkDocs works, nor a worker copy it by touching it.
        gc.freeze()
        return files

    def on_pre_page(self, page: Page, config: MkDocsConfig, files: Files) -> Page:
        """Wait, if need be, until the page MkDocs is about to read has been made."""
        state = self._state()
        if state.production is not None:
            with _making():
                state.production.wait_for(state.key(page.file.src_uri))
        return page

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """A generated page's Markdown, from where it was packed in the spool."""
        state = self._state()
        uri = page.file.src_uri
        if state.spool is not None and uri in state.spool.where and uri in state.generated:
            return state.spool.text(uri)
        return None

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """An initiative page: the plugin's Markdown around the author's text. Any other
        page: its front-matter title and description escaped, as themes print them raw."""
        state = self._state()
        uri = state.key(page.file.src_uri)
        if uri in state.initiatives and state.spool is not None:
            return _around_author(page, state.spool.text(uri), markdown)
        if uri not in state.generated:
            for key in ("title", "description"):
                value = page.meta.get(key)
                if value is not None:
                    page.meta[key] = str(escape(str(value)))
        return markdown

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Put the portfolio's section pages of a navigation MkDocs made in their own order
        (MkDocs sorts them by name), titled in the site's language."""
        state = self._state()
        if state.sections:
            _order_sections(nav, state.sections, state.section_title)
        return nav

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Give a page titled by its first heading that title as escaped text; clean an
        initiative's body (see `render.body`).

        Material prints such a title through `striptags`, which turns a heading's
        `&lt;/title&gt;` back into markup inside `<title>`; a front-matter title it prints as
        it is, so the escaped text is kept as one.
        """
        if "title" not in page.meta and not page.is_homepage and page.title:
            page.meta["title"] = str(escape(Markup(page.title).striptags()))  # noqa: S704
        state = self._state()
        if state.key(page.file.src_uri) in state.initiatives:
            # The author's text, between its marks (see `_around_author`).
            html = clean_page_body(html, sanitise=state.options.sanitise_bodies)
        if state.let_go and state.ours(page.file.src_uri):
            page.markdown = ""  # nothing reads it again (see READ_ONLY_PLUGINS)
        if state.searched and state.ours(page.file.src_uri):
            # Readers search with the site's own index or Pagefind: Material's index of the
            # portfolio's thousands of pages would never be downloaded. Its documented page
            # setting leaves them out (the search box of Material's header stays, served by
            # the other index).
            said = page.meta.get("search")
            page.meta["search"] = {**(said if isinstance(said, dict) else {}), "exclude": True}
        return html

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Wait until every generated file is made (MkDocs copies them next), or, where they
        are made in the site itself, leave them out of MkDocs' copy."""
        state = self._state()
        if env.bytecode_cache is None:
            # The theme's templates compiled once (see `render.compiled`): MkDocs makes
            # the environment anew for each build.
            env.bytecode_cache = COMPILED
        if state.production is not None and state.late is not None:
            with _making():
                state.production.finish(pages=True)
            # Made, or being made, where the site publishes them: MkDocs, which copies the
            # files it includes next, has nothing to copy. Named until now, so that the
            # pages' links to them were checked.
            for file in state.late_files:
                file.inclusion = InclusionLevel.EXCLUDED
        else:
            _finish(state)
        if state.searched:
            # What the header search box (theme_pagefind/partials/search.html) shows.
            env.globals["portfolio_search"] = _search_words(
                state.options, own=None if state.own_index is None else _index_folder(state))
        return env

    def on_page_context(self, context: TemplateContext, /, *, page: Page,
                        config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        """The language switch and `hreflang` links of this page lead to this page in each
        language (see `adapter.languages`); the site's list comes back after the page."""
        state = self._state()
        extra = config.extra
        state.alternates = extra.get("alternate")
        state.shown_alternates = vars(extra).get("alternate")
        uri = state.key(page.file.src_uri)
        if state.language is not None:
            # The i18n plugin links its own pages; the plugin's in every language built.
            links = state.language.alternates(
                state.i18n_alternates, page_url(uri, config.use_directory_urls)) \
                if state.ours(uri) else None
        else:
            links = page_alternates(state.alternates, page.url, uri, state.ours(uri),
                                    state.options.root, config.site_url)
        if links is not None:
            extra["alternate"] = links
            if state.shown_alternates is not None:
                setattr(extra, "alternate", links)  # noqa: B010 (see `shown_alternates`)
        return context

    # Before any other plugin's post_page (a minifier): they see each page whole.
    @event_priority(100)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Put the generated HTML blocks back where their markers are (Markdown is spared
        parsing them, and the search index holds each page's own text, not its tables)."""
        state = self._state()
        if state.alternates is not None:
            config.extra["alternate"] = state.alternates
        if state.shown_alternates is not None:
            setattr(config.extra, "alternate", state.shown_alternates)  # noqa: B010
        if self.defer_bundle:
            output = _defer_bundle(output)
        uri = state.key(page.file.src_uri)
        kind = search.page_kind(uri, state.initiatives, state.generated,
                                state.options.output) if state.searched else None
        output = search.mark_page(output, kind)
        if kind is not None and state.page_index is not None:
            state.page_index.note(Path(page.file.abs_dest_path))
        if state.ours(uri) and state.spool is not None:
            if state.let_go:
                page.content = ""  # written next; nothing reads it again
            output = join_html_blocks(output, state.spool.parts(uri))
        if kind is not None and state.own_reader is not None:
            state.own_reader.add(Path(page.file.abs_dest_path), page.url, kind)
        elif kind is not None and state.own_index is not None:
            began = time.perf_counter()
            state.own_index[page.url] = site_index.read_page(page.url, kind, output)
            state.own_index_seconds += time.perf_counter() - began
        return output

    def on_post_template(self, output_content: str, template_name: str,
                         config: MkDocsConfig) -> str:
        """The 404 page (a static template) defers Material's bundle as every page does:
        the page scripts it needs come deferred before it."""
        if self.defer_bundle:
            return _defer_bundle(output_content)
        return output_content

    def on_template_context(self, context: TemplateContext, /, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext:
        """The i18n plugin's `sitemap.xml` lists the pages of every language it has built;
        the plugin's pages of each are added to them (it lists only the files it chose)."""
        state = self._state()
        values: dict[str, Any] = context  # type: ignore[assignment]  # (the i18n plugin's keys)
        listed = values.get("i18n_alternates")
        if template_name != "sitemap.xml" or state.language is None \
                or not isinstance(listed, dict):
            return context
        sitemap = self.sitemap if self.sitemap is not None else {}
        sitemap[state.language.language] = sitemap_pages(state.language, [
            (page_url(state.key(f.src_uri), config.use_directory_urls), f.page)
            for f in state.added if f.page is not None])
        values["i18n_alternates"] = {
            code: list(listed.get(code, [])) + sitemap.get(code, [])
            for code in dict.fromkeys([*listed, *sitemap])}
        return context

    # Before any other plugin's post_build: the site holds every file then.
    @event_priority(100)
    def _files_made(self, config: MkDocsConfig) -> None:
        """Wait until the files made in the site are all made."""
        _finish(self._state())

    def _post_build(self, config: MkDocsConfig) -> None:
        """Index the built site for Pagefind (under `mkdocs serve` while the page reloads);
        remove a build's spool (`mkdocs serve` keeps its own until it stops)."""
        state = self._state()
        program, page_index, state.page_index = state.pagefind, state.page_index, None
        own, reading = state.own_index, state.own_index_seconds
        own_reader, state.own_reader = state.own_reader, None
        folder = _index_folder(state)
        self._stop()
        cache = self.cache
        if cache is not None:
            cache.published()
        due = self.catch_up
        if state.preview and due is not None:
            # The server watches this folder: a change in it is a rebuild of the rest, due
            # once this build's pages are shown.
            (due / "due").write_text(f"{dt.datetime.now().isoformat()}\n", encoding="utf-8")
            return  # (indexed after that rebuild, which would stop this one's index)
        began = time.perf_counter()
        if own_reader is not None:
            if own_reader.end():
                log.debug(f"portfolio: the search index: waited {time.perf_counter() - began:.2f}"
                          " s for the worker that read the pages and wrote it")
                return
            log.info("portfolio: the worker that read the pages for the search index stopped "
                     "short; the written site is read instead")
            own = None
        if own is not None or own_reader is not None:
            self._write_own_index(own, Path(config.site_dir), folder, state)
            log.debug(f"portfolio: the search index: reading the pages {reading:.2f} s, "
                      f"writing it {time.perf_counter() - began:.2f} s")
            return
        if program is None or (state.language is not None and not state.language.last):
            return  # (the i18n plugin builds the other languages next: indexed once, then)
        self.languages_index = None
        if self.serving:
            self.indexing = search.index_in_background(program, config.site_dir,
                                                       self.indexing)
            return
        if page_index is not None and page_index.pages:
            failed = page_index.write()
            if failed is None:
                return
            log.info(f"portfolio: Pagefind could not index the pages one by one ({failed}); "
                     "it indexes the written site instead")
        failed = search.index(program, config.site_dir)
        if failed:
            raise PluginError(f"portfolio: the Pagefind index of {config.site_dir} could not "
                              f"be made: {failed}")

    on_post_build = CombinedEvent(_files_made, _post_build)

    def _write_own_index(self, pages: dict[str, site_index.Page] | None, site_dir: Path,
                         folder: str, state: BuildState) -> None:
        """Write the site's own index of this build's pages (None: read them from the
        written site). A dirty build wrote only some pages: under `mkdocs serve` the others
        are those of the builds before (a page whose file is gone is left out); a dirty build
        of its own reads the written site."""
        language = state.options.language
        if pages is None or (self.dirty and not self.serving):
            pages = {page.url: page for page in site_index.read_site(
                site_dir, state.options.directory_urls,
                None if state.language is None else language)}
        elif self.dirty:
            for url in [u for u in pages if not (site_dir / site_index.written(u)).is_file()]:
                del pages[url]
        site_index.write(site_dir, pages.values(), language, folder)

    def on_build_error(self, error: Exception) -> None:
        """Stop the workers, and remove a build's spool, after a failed build."""
        self._stop()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when `site_data/` (or the initiatives' own folder) changes, and, under
        `--dirty`, once a preview of an edit is shown (the rest of the site is due then)."""
        options = self._state().options
        if options.data_dir.is_dir():
            server.watch(str(options.data_dir))
        if self.dirty and self.catch_up is None:
            # Where a preview says that the rest of the site is due (see `_post_build`).
            self.catch_up = Path(tempfile.mkdtemp(prefix="portfolio-due-"))
            server.watch(str(self.catch_up))
        if self.config.initiatives_source and options.initiatives_dir.is_dir():
            server.watch(str(options.initiatives_dir))
        return server

    def _state(self) -> BuildState:
        if self.state is None:
            raise PluginError("portfolio: the plugin was used before MkDocs configured it")
        return self.state

    def _stop(self) -> None:
        """Let go of a build: its workers, its spool (unless `mkdocs serve` keeps it)."""
        atexit.unregister(self._stop)
        if not self.serving:
            gc.unfreeze()  # (under `mkdocs serve`, a whole rebuild does: see `_plan`)
        state, self.state = self.state, None
        if state is None:
            return
        if state.background is not None:  # the build failed before it read the pages
            state.background.stop()
        if state.page_index is not None:
            state.page_index.stop()
        if state.own_reader is not None:
            state.own_reader.stop()
        if state.production is not None:
            state.production.stop()
        if state.spool is not None:
            state.spool.close()
            if state.spool.folder != self.serve_spool:
                shutil.rmtree(state.spool.folder, ignore_errors=True)
        self.state = BuildState(state.options, state.serving, state.dirty,
                                pagefind=state.pagefind)


def _spool(state: BuildState, config: MkDocsConfig, plugin: PortfolioPlugin) -> Spool:
    """Where the generated pages are made: `mkdocs serve`'s own folder, or a new one."""
    folder = plugin.serve_spool or \
        Path(tempfile.mkdtemp(prefix="portfolio-build-"))
    # Pages packed into one file per process and read back through `page_read_source`,
    # unless another plugin reads sources its own way, `mkdocs serve` compares them, or a
    # dirty build compares each source file's time with its page's.
    readers = config.plugins.events.get("page_read_source", [])
    packed = not state.serving and not state.dirty \
        and all(getattr(h, "__self__", None) is plugin for h in readers)
    # Under `mkdocs serve`, what its spool holds is remembered from run to run.
    return Spool(folder, compare=state.serving, packed=packed, written=plugin.serve_written)


def _refuse_unsafe(files: Files, config: MkDocsConfig, options: Options) -> list[Problem]:
    """Take out of the build what must never be read nor copied into the site: files of the
    site's own folders that are symlinks leaving the site, devices, FIFOs or sockets."""
    own = [Path(config.docs_dir)] + ([Path(config.theme.custom_dir)]
                                     if config.theme.custom_dir else [])
    refused = refused_files([f.abs_src_path for f in files if f.abs_src_path],
                            options.root, options.root, own)
    for file in [f for f in files if f.abs_src_path in refused]:
        files.remove(file)
    return list(refused.values())


def _plan(state: BuildState, cache: Cache | None) -> tuple[Problems, tuple[str, ...]]:
    """Check the portfolio, name its pages and start making them (by the background worker
    where one runs: this process then never holds the portfolio); its problems."""
    options, spool = state.options, state.spool
    assert spool is not None
    try:
        with uncollected():  # (reading and checking make next to no garbage)
            background, state.background = state.background, None
            summary = background.summary() if background is not None else None
            if summary is not None:
                assert background is not None
                state.production = background.production(
                    summary, spool, partial(_remake, options, summary.built, _reader(state)))
                problems, left_out, uris = summary.problems, summary.left_out, summary.uris
                state.initiatives = summary.initiatives
                state.section_title = summary.words["nav.section"]
            else:
                if background is not None:
                    background.stop()
                # Under `mkdocs serve`, the build's time is the day's start: what carries it (the
                # feeds, the open data) is not made anew, rewritten and copied on every rebuild.
                built = build_date().replace(hour=0, minute=0, second=0) if state.serving \
                    else None
                # After an edit of initiative pages under `mkdocs serve --dirty`, what shows
                # them first (the rest follows in a rebuild of its own: see `_post_build`).
                quick = preview(options, built, cache) \
                    if cache is not None and state.previews and built is not None else None
                if quick is None:
                    # What the server keeps between rebuilds (the cache, the last build's
                    # portfolio) stays frozen through a preview: the garbage collector does not
                    # walk it while the author waits. A whole rebuild lets it go.
                    gc.unfreeze()
                build, plan = quick or prepare(options, built=built, cache=cache,
                                               reader=_reader(state))
                state.preview = bool(quick and len(plan.kept) < len(plan.items))
                state.kept = plan.kept if quick else frozenset()
                problems, left_out, uris = build.problems, build.portfolio.left_out, plan.uris()
                state.initiatives = initiative_sources(build.portfolio, options)
                state.section_title = build.translator("nav.section")
                if state.serving:
                    state.problems, state.translator = build.problems, build.translator
                state.production = Production(plan, spool,
                                              remake=partial(_remake, options, build.built,
                                                             _reader(state)),
                                              late=state.late)
                del build, plan
    except OSError as exc:  # a folder that cannot be read at all stops the build
        raise PluginError(f"portfolio: cannot read the portfolio: {exc}") from None
    state.generated = {uri for uri in uris if uri.endswith(".md")} - set(state.initiatives)
    # A worker makes the pages from its own copy of the portfolio where it can (this process
    # lets go of its own); else they are made here and now (also for a dirty build, which
    # asks for each page's file before reading it).
    if state.production.plan is not None:
        if not state.production.start(parallel=options.parallel and not state.serving
                                      and not state.dirty):
            if state.production.plan is not None:
                state.production.plan.forget_unused()
    return problems, left_out


def _reader(state: BuildState) -> Reader | None:
    """Pages read by two processes where the site allows a second core (`parallel`)."""
    return map_in_two if state.options.parallel and not state.serving else None


def _remake(options: Options, built: dt.datetime, reader: Reader | None) -> Plan:
    """The plan of a build made again from its input (for pages a worker did not make)."""
    return prepare(options, built=built, reader=reader)[1]


def _report(problems: Problems, left_out: tuple[str, ...], strict: bool) -> None:
    """Every problem as a warning, then the initiatives left out; in a strict build, stop.

    MkDocs counts warnings for `--strict` only at the level it logs (none under `-q`): the
    build fails here, whatever the level.
    """
    for problem in problems.sorted():
        if problem.severity is Severity.INFO:
            log.info(str(problem))
        else:
            log.warning(str(problem))
    if problems.errors:
        left = ", ".join(left_out) or "none"
        log.warning(f"{problems.totals()[0]} error(s); initiatives left out: {left}")
    if strict and problems.serious:
        raise PluginError(strict_message(problems))


STRICT_LISTED = 20


def strict_message(problems: Problems) -> str:
    """Why a strict build stops: the counts and the first problems, one a line."""
    errors, warnings = problems.totals()
    listed = [p for p in problems.sorted() if p.severity is not Severity.INFO]
    lines = [f"portfolio: the portfolio has {errors} error(s) and {warnings} warning(s); "
             "a strict build stops on any:"]
    lines += [f"  {p}" for p in listed[:STRICT_LISTED]]
    if len(listed) > STRICT_LISTED:
        lines.append(f"  ... and {len(listed) - STRICT_LISTED} more (portfolio validate lists "
                     "them all)")
    return "\n".join(lines)


def _name_files(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """Name every page and file of the portfolio to MkDocs.

    An initiative page is the author's file; an invalid one is left out, so its raw
    front-matter never shows. The navigation never lists initiative, partner or listing
    pages (every page would carry them); a site that leaves its navigation to MkDocs gets the
    portfolio's section pages in it (ordered in `on_nav`).

    Where the i18n plugin builds the languages, the files of `docs_dir` are those it chose for
    the language it builds, at that language's folder: an initiative's page may be its
    translation (`initiatives/x.sv.md` shows `initiatives/x.md` in Swedish), and every file the
    plugin adds goes to that folder too.
    """
    assert state.production is not None and state.spool is not None
    options, language = state.options, state.language
    prefix = options.initiatives.strip("/") + "/"
    known: dict[str, File] = {}
    for file in list(files):
        uri = file.src_uri
        page = language.page_of(uri) if language is not None else uri
        if page in state.initiatives:
            file.inclusion = InclusionLevel.NOT_IN_NAV
            if page != uri:
                state.aliases[uri] = page
        elif page.startswith(prefix) and page.endswith(".md") \
                and posixpath.basename(page) not in ("index.md", "README.md"):
            files.remove(file)  # an invalid initiative (or one read from elsewhere)
            if state.problems is not None and state.translator is not None:
                # Under `mkdocs serve`, the author previewing it sees its problems instead.
                files.append(_published(_problems_file(state, config, page), language))
            continue
        known[page] = file
    for uri, source in state.initiatives.items():
        if uri not in known:  # read from `initiatives_source`, or from a sub-folder
            files.append(_published(File.generated(config, uri, abs_src_path=source,
                                                   inclusion=InclusionLevel.NOT_IN_NAV),
                                    language))
    production = state.production
    # A dirty build leaves the site's files as they are: a preview names to MkDocs every page
    # (each has its place in the navigation) and what it made, not the thousands of files it
    # keeps (feeds, tables), already in the site from the build before.
    made = [(uri, production.spool_of(uri)) for uri in production.uris
            if uri not in state.initiatives and (uri not in state.kept or uri.endswith(".md"))]
    sources = [(uri, spool.source(uri)) for uri, spool in made]
    late = {uri for uri, spool in made if spool is production.late}
    plotly = options.plotly_js is None and (language is None or language.publishes_plotly)
    for uri, installed in static_sources(plotly=plotly).items():
        # Copied from where the package is installed; spooled if it is not a plain file.
        plain = isinstance(installed, Path) and installed.is_file()
        sources.append((uri, str(installed) if plain
                        else str(state.spool.write(uri, installed.read_bytes(), None))))
    if config.nav is None:
        state.sections = [uri for uri in section_uris(options.output)
                          if uri in state.generated]
    listed = set(state.sections)
    for uri, path in sources:
        existing = known.get(uri)
        if existing is not None:
            files.remove(existing)
        file = _published(File.generated(
            config, uri, abs_src_path=path,
            inclusion=InclusionLevel.NOT_IN_NAV
            if uri in state.generated and uri not in listed else InclusionLevel.UNDEFINED),
            language)
        files.append(file)
        if uri in late:
            state.late_files.append(file)
    if language is not None:
        state.added = [file for file in files if file.generated_by is not None
                       and file.is_documentation_page() and state.ours(file.src_uri)]


def _published(file: File, language: Language | None) -> File:
    """A file the plugin adds, at the folder of the language being built (the i18n plugin
    publishes that language's pages there: `sv/portfolio/`)."""
    if language is not None and language.folder:
        file.dest_uri = language.folder + file.dest_uri
    return file


_BUNDLE = re.compile(r'<script src="([^"<>]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)">')


def _defer_bundle(html: str) -> str:
    """Material's script bundle deferred, as the plugin's own scripts are (Material's small
    page scripts come from `assets/portfolio/material-csp.js`, deferred, before it): the
    page is painted without waiting for any script. Only on a site with no script of its
    own in `extra_javascript`, which might count on the bundle having run."""
    at = html.find("assets/javascripts/bundle.")  # (a plain search: faster than the pattern)
    found = _BUNDLE.search(html, max(html.rfind('<script src="', 0, at), 0)) if at >= 0 else None
    if found is None:
        return html
    return f'{html[:found.start()]}<script src="{found.group(1)}" defer>{html[found.end():]}'


def _own_reader(state: BuildState, site_dir: Path) -> PageReader | None:
    """A worker that reads the pages for the site's own index as MkDocs writes them, and
    writes the index (not for a dirty build, nor under `mkdocs serve`, whose index keeps the
    pages of the builds before), or None."""
    pages = len(state.initiatives) + len(state.generated)
    if state.serving or state.dirty or not (state.options.parallel and can_fork()
                                            and worth_splitting(pages)):
        return None
    gathered = site_index.Gathered(state.options.language)
    reader = PageReader(gathered.add_file, partial(gathered.write, site_dir,
                                                    _index_folder(state)))
    return reader if reader.start() else None


def _index_folder(state: BuildState) -> str:
    """The folder of the site's own index: one per language where the i18n plugin builds
    the languages into one site."""
    if state.language is None:
        return site_index.FOLDER
    return f"{site_index.FOLDER}/{state.language.language}"


def _search_words(options: Options, own: str | None = None) -> dict[str, Any]:
    """The header search box's words and choices, in the site's language; `own`: the folder
    of the site's own index, where it serves (else Pagefind does)."""
    t = Translator.for_language(options.language, options.data_dir / "locales",
                                options.root)
    keys = ("label", "placeholder", "filters", "type", "count", "count_one", "none",
            "loading", "failed", "more", "in_list", "remove", "results")
    words = {key: t(f"search.{key}") for key in keys}
    words.update(facet=t("initiative.facet"), zone=t("initiative.zone"),
                 status=t("initiative.status"), themes=t("browse.theme"),
                 partners=t("browse.partner"), any=t("browse.any"))
    choices = {
        "facet": [(f.value, t(f"facet.{f.value}")) for f in Facet],
        "zone": [(z.value, t(f"zone.{z.value}")) for z in Zone],
        "status": [(s.value, t(f"status.{s.value}")) for s in Status],
        "type": [(kind, t(f"search.type.{kind}")) for kind in search.KINDS],
    }
    bundle = "assets/portfolio/search-index.js" if own else f"{search.BUNDLE}/pagefind.js"
    return {"words": words, "choices": choices, "bundle": bundle, "index": own,
            "list": page_url(f"{options.output}/initiatives.md", options.directory_urls)}


def _problems_file(state: BuildState, config: MkDocsConfig, uri: str) -> File:
    """The page shown in place of an invalid initiative under `mkdocs serve`."""
    assert state.problems is not None and state.translator is not None
    options = state.options
    source = display_path(options.initiatives_dir / uri[len(options.initiatives) + 1:],
                          options.root)
    mine = [p for p in state.problems.sorted() if p.path == source]
    return File.generated(config, uri, inclusion=InclusionLevel.NOT_IN_NAV,
                          content=problems_page(state.translator, source, mine))


def _around_author(page: Page, made: str, markdown: str) -> str:
    """An initiative page's Markdown: what the plugin made (its front-matter for the theme,
    then the facts above the author's text and the journey below it) around the text MkDocs
    read from the author's file. The author's other front-matter fields (tags, hide, ...)
    stay in the page's meta for the theme and other plugins."""
    fields, text = read_front_matter(made)  # escaped title, description, template
    page.meta.update(fields)
    if AUTHOR not in text:  # the body came with it (a translation): the file's is not shown
        return text.lstrip("\n")
    before, _, after = text.lstrip("\n").partition(AUTHOR)
    # Marked, so that its HTML can be found and cleaned (`render.body`).
    return before + mark_body(markdown.strip("\n")) + after


def _finish(state: BuildState) -> None:
    """Wait until every item is made, then let go of the making."""
    if state.production is not None:
        with _making():
            state.production.finish()
        state.production.close()
        state.production = None


@contextmanager
def _making() -> Iterator[None]:
    """Pages a worker left that cannot be made here either (the portfolio changed meanwhile)
    stop the build with a message, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise PluginError(f"portfolio: cannot make the generated pages: {exc}") from None


def _order_sections(nav: Navigation, sections: list[str], title: str) -> None:
    """Sort the section pages within the navigation sections that hold them, title those
    sections in the site's language (MkDocs titles them by the folder's name), and link
    previous and next in that order."""
    holding = _put_in_order(nav.items, {uri: n for n, uri in enumerate(sections)})
    if not holding:
        return
    folder = dirname_to_title(posixpath.basename(posixpath.dirname(sections[0])))
    for section in holding:
        if section.title == folder:
            section.title = title
    pages = _pages_of(nav.items)
    for n, page in enumerate(pages):
        page.previous_page = pages[n - 1] if n else None
        page.next_page = pages[n + 1] if n + 1 < len(pages) else None
    nav.pages[:] = pages


def _put_in_order(items: list[Any], order: dict[str, int]) -> list[Any]:
    """Sort the pages named in `order` within each navigation section that holds them, the
    others after them as they were; the sections that held them."""
    holding: list[Any] = []
    for item in items:
        children = getattr(item, "children", None)
        if not children:
            continue
        holding += _put_in_order(children, order)
        if any(isinstance(child, Page) and child.file.src_uri in order for child in children):
            holding.append(item)
            last = len(order)
            children[:] = [child for _, child in sorted(
                enumerate(children),
                key=lambda pair: (order.get(pair[1].file.src_uri, last)
                                  if isinstance(pair[1], Page) else last, pair[0]))]
    return holding


def _pages_of(items: list[Any]) -> list[Page]:
    """The navigation's pages, in order (what MkDocs gives as `nav.pages`)."""
    pages: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            pages.append(item)
        if getattr(item, "children", None):
            pages.extend(_pages_of(item.children))
    return pages
