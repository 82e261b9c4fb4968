"""The MkDocs adapter: wires MkDocs events to the engine-free pipeline, and nothing more.

Works under MkDocs 1.6 and under ProperDocs (which maps `mkdocs.*` imports onto itself).
"""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import dirname_to_title

from ..load import Reader
from ..load.files import folder_problems, refused_files
from ..options import Options, from_settings
from ..parallel.background import Background
from ..parallel.pages import ELSEWHERE, ParallelPages, only_known_plugins, safe_with
from ..parallel.spool import Production, Spool
from ..parallel.workers import map_in_two
from ..pipeline import Build, Cache, prepare, static_sources
from ..render import Plan, join_html_blocks, section_uris
from .headings import HeadingMaker, unfold_headings

log = get_plugin_logger(__name__)
PACKAGE_DIR = Path(__file__).parent.parent
THEME_DIR = PACKAGE_DIR / "theme"
# Material's inline-script partials as files, so `script-src 'self'` works (SECURITY.md).
MATERIAL_DIR = PACKAGE_DIR / "theme_material"


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
    """Make the generated pages in a second process while MkDocs reads the others, where
    the system can fork and has a second core (never under `mkdocs serve`). The pages are
    the same either way."""


class PortfolioPlugin(BasePlugin[PortfolioConfig]):
    """Publishes a portfolio showcase from initiative pages and `site_data/`."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Keep a cache for the life of `mkdocs serve`, so that a rebuild redoes little."""
        self.serving = command == "serve"
        self.dirty = dirty
        self.cache: Cache | None = Cache() if self.serving else None
        self.spool: Path | None = None
        if self.serving:
            # Kept between rebuilds: a spooled page's modification time changes only with its
            # content, so that `mkdocs serve --dirty` rebuilds just the changed pages.
            self.spool = Path(tempfile.mkdtemp(prefix="portfolio-serve-"))

    def on_shutdown(self) -> None:
        """Remove the spool of `mkdocs serve`."""
        spool = getattr(self, "spool", None)
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Start each build clean; make the package's templates and assets available."""
        self.build: Build | None = None
        self.production: Production | None = None
        if str(THEME_DIR) not in config.theme.dirs:
            # Appended: a site's own overrides/ and the theme win over the package.
            config.theme.dirs.append(str(THEME_DIR))
        if config.theme.name == "material" and str(MATERIAL_DIR) not in config.theme.dirs:
            # Before Material's own templates, after a site's overrides/ (which still win).
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(MATERIAL_DIR))
        for name, target in (("assets/portfolio/portfolio.css", config.extra_css),):
            if name not in target:
                target.append(name)
        scripts = [str(s) for s in config.extra_javascript]
        if "assets/portfolio/portfolio.js" not in scripts:
            config.extra_javascript.append("assets/portfolio/portfolio.js")
        self._background: Background | None = None
        self._spool: Spool | None = None
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Make the spool; where a second core can help, start the worker that reads the
        portfolio and makes its pages (see `background`) while MkDocs lists its files, the
        first second of a big build. Not under `mkdocs serve`, whose cache reads only
        changed pages, nor for a dirty build, which makes every page first."""
        serving = getattr(self, "serving", False)
        dirty = getattr(self, "dirty", False)
        options = self.options(config)
        # MkDocs walks docs_dir next, following folder symlinks: one that loops would have it
        # walk the same folders again and again (and fail, or never end), one that leaves the
        # site would have it walk and publish what is there.
        loops = folder_problems(options.docs_dir, options.root, options.root)
        if loops:
            raise PluginError("portfolio: docs_dir cannot be walked safely:\n"
                              + "\n".join(str(problem) for problem in loops))
        folder = getattr(self, "spool", None) or Path(tempfile.mkdtemp(prefix="portfolio-build-"))
        if folder != getattr(self, "spool", None):
            # Removed at exit however the build ends (Ctrl-C, an error), unless removed first.
            atexit.register(self._drop_build_spool)
        # Pages packed into one file per process, read back through `page_read_source`
        # (unless another plugin reads sources its own way, or `mkdocs serve` compares them).
        readers = config.plugins.events.get("page_read_source", [])
        # (A dirty build compares each source file's time with its page's: files it needs.)
        packed = not serving and not dirty \
            and all(getattr(h, "__self__", None) is self for h in readers)
        self._spool = Spool(folder, compare=serving, packed=packed)
        self._background = None
        if self.config.parallel and not serving and not dirty:
            try:
                self._background = Background.start(
                    options, self._spool, partial(_heading_maker, config),
                    words=("nav.section",))
            except (PluginError, OSError):  # reported where the pages are read
                self._background = None

    def options(self, config: MkDocsConfig) -> Options:
        """The core's options from MkDocs' configuration."""
        settings: dict[str, Any] = dict(self.config)
        raw = {"docs_dir": config.docs_dir, "site_name": config.site_name,
               "use_directory_urls": config.use_directory_urls, "site_url": config.site_url,
               "theme": {"language": config.theme.get("language", "en")}}
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        return from_settings(root, raw, settings)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Run the pipeline; put rendered initiative pages in place of their sources.

        Every generated page and file is named to MkDocs first and made into a spool on disk,
        which MkDocs reads each page from when it reaches it: by a second process while
        MkDocs works (see `spool`), or right here. The build never holds all generated pages
        in memory at once.
        """
        options = self.options(config)
        serving = getattr(self, "serving", False)
        dirty = getattr(self, "dirty", False)
        if getattr(self, "_spool", None) is None:  # (on_pre_build made it)
            self.on_pre_build(config)
        # Never read nor copied into the site: symlinks leaving the site, devices, FIFOs.
        own = [Path(config.docs_dir)] + ([Path(config.theme.custom_dir)]
                                         if config.theme.custom_dir else [])
        refused = refused_files([f.abs_src_path for f in files if f.abs_src_path],
                                options.root, options.root, own)
        for file in [f for f in files if f.abs_src_path in refused]:
            files.remove(file)
        spool = self._spool
        assert spool is not None
        heading = _heading_maker(config)
        # Reading and checking make objects that live on and next to no garbage: the
        # garbage collector would walk the growing portfolio again and again for nothing.
        collecting = gc.isenabled()
        gc.disable()
        background = getattr(self, "_background", None)
        plan: Plan | None = None
        try:
            summary = background.summary() if background is not None else None
            self._background = None  # the production owns the worker now, or nobody does
            if summary is not None:
                assert background is not None
                # The worker holds the portfolio and makes every page; this process knows
                # their names. Should the worker stop short, the plan is made again here, as
                # it was (same build date).
                problems, left_out = summary.problems, summary.left_out
                section_title = summary.words["nav.section"]
                uris = summary.uris
                self.production = background.production(
                    summary, spool, heading, partial(_remake, options, summary.built))
            else:
                if background is not None:
                    background.stop()
                self.build, plan = prepare(options, cache=getattr(self, "cache", None),
                                          reader=_reader(options))
                problems, left_out = self.build.problems, self.build.portfolio.left_out
                section_title = self.build.translator("nav.section")
                uris = plan.uris()
                self.production = Production(
                    plan, spool, heading, remake=partial(_remake, options, self.build.built))
        except OSError as exc:  # a folder that cannot be read at all stops the build
            raise PluginError(f"portfolio: cannot read the portfolio: {exc}") from None
        finally:
            if collecting:
                gc.enable()
        said = set(problems)  # the loader refuses an initiative page the same way
        for problem in sorted({*refused.values()} - said, key=lambda p: p.path):
            log.warning(str(problem))
        for problem in problems.sorted():
            log.warning(str(problem))
        if problems.errors:
            left = ", ".join(left_out) or "none"
            log.warning(f"{len(problems.errors)} error(s); initiatives left out: {left}")
        self.generated_pages: set[str] = {uri for uri in uris if uri.endswith(".md")}
        self._let_go = not serving and only_known_plugins(config, self)
        prefix = options.initiatives + "/"
        for file in list(files):
            if file.src_uri.startswith(prefix) and file.src_uri.endswith(".md") \
                    and file.src_uri not in self.generated_pages \
                    and Path(file.src_uri).name not in ("index.md", "README.md"):
                # Left out (invalid): never published, so its raw front-matter never shows.
                files.remove(file)
        spooled = str(spool.folder)  # plain strings: thousands of paths, no Path objects
        sources = [(uri, os.path.join(spooled, uri)) for uri in uris]
        for uri, source in static_sources().items():
            # Copied from where the package is installed; spooled if it is not a plain file.
            installed = isinstance(source, Path) and source.is_file()
            sources.append((uri, str(source) if installed
                            else str(spool.write(uri, source.read_bytes(), None))))
        # The navigation never lists initiative, partner or listing pages (every page would
        # carry them). A site that leaves its navigation to MkDocs gets the portfolio's
        # section pages in it (put in order in `on_nav`); a site with a `nav` lists what it
        # chooses.
        self._sections: list[str] = []
        if config.nav is None:
            self._sections = [uri for uri in section_uris(options.output)
                              if uri in self.generated_pages]
            self._section_title = section_title
        listed = set(self._sections)
        known = files.src_uris  # our paths are already in the form MkDocs keys them by
        for uri, path in sources:
            existing = known.get(uri)
            if existing is not None:
                files.remove(existing)
            # A page's Markdown has markers; its HTML goes back in on_post_page.
            files.append(File.generated(
                config, uri, abs_src_path=path,
                inclusion=InclusionLevel.NOT_IN_NAV
                if uri in self.generated_pages and uri not in listed
                else InclusionLevel.UNDEFINED))
        # What exists now lives until the build ends (the portfolio until every page is made,
        # where it is made here): the garbage collector need not walk it again and again
        # while MkDocs works, and a worker need not copy it by touching it. Unfrozen when the
        # build ends.
        gc.freeze()
        # A dirty build asks for each page's file before reading it (`is_modified`): all are
        # made first, as under `mkdocs serve`.
        if plan is not None:
            del plan
            if self.production.start(parallel=self.config.parallel and not serving
                                     and not dirty):
                # The worker makes every page from its copy of the portfolio: this process
                # lets go of its own, whose memory then holds MkDocs' pages.
                self.build = None
            elif self.production.plan is not None:
                self.production.plan.forget_unused()
        return files

    def on_pre_page(self, page: Page, config: MkDocsConfig, files: Files) -> Page:
        """Wait, if need be, until the page MkDocs is about to read has been made."""
        production = getattr(self, "production", None)
        if production is not None:
            with _making():
                production.wait_for(page.file.src_uri)
        return page

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """A generated page's Markdown, from where it was packed in the spool."""
        spool: Spool | None = getattr(self, "_spool", None)
        if spool is not None and page.file.src_uri in spool.where:
            return spool.text(page.file.src_uri)
        return None

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Put the portfolio's section pages of a navigation MkDocs made in their own order
        (MkDocs sorts them by name); keep the navigation, which the page-building worker
        needs."""
        sections = getattr(self, "_sections", [])
        holding = _put_in_order(nav.items, {uri: n for n, uri in enumerate(sections)}) \
            if sections else []
        if holding:
            # MkDocs titles the section by its folder's name: in the site's language instead.
            folder = dirname_to_title(posixpath.basename(posixpath.dirname(sections[0])))
            for section in holding:
                if section.title == folder:
                    section.title = self._section_title
            pages = _pages_of(nav.items)
            for n, page in enumerate(pages):
                page.previous_page = pages[n - 1] if n else None
                page.next_page = pages[n + 1] if n + 1 < len(pages) else None
            nav.pages[:] = pages
        self._nav = nav
        return nav

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Wait until every generated file is made (MkDocs copies them next); then start a
        worker that builds a share of the plugin's pages while MkDocs builds the others."""
        production = getattr(self, "production", None)
        if production is not None:
            with _making():
                production.finish()
            production.close()
        # Everything generated is on disk now: the model and the renderer can go, and MkDocs
        # reuses their memory for the pages it builds next.
        self.production = None
        self.build = None
        self.parallel_pages: ParallelPages | None = None
        # A dirty build rebuilds only changed pages: the worker would rebuild them all.
        if self.config.parallel and not getattr(self, "serving", False) \
                and not getattr(self, "dirty", False) and safe_with(config, self):
            doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
            ours = [f.page for f in doc_files
                    if f.src_uri in self.generated_pages and f.page is not None]
            self.parallel_pages = ParallelPages(ours, config, doc_files, self._nav, env)
            if not self.parallel_pages.start():
                self.parallel_pages = None
        return env

    # Before any other plugin's post_build, which may read the pages the worker writes.
    @event_priority(100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        """Wait for the page-building worker; remove a build's spool (`mkdocs serve` keeps
        its own until it stops)."""
        parallel_pages = getattr(self, "parallel_pages", None)
        if parallel_pages is not None:
            parallel_pages.finish()
            self.parallel_pages = None
            if getattr(self, "_let_go", False):
                for page in parallel_pages.pages:  # built by the worker, or here if it failed
                    page.content = ""
        self._drop_build_spool()

    def on_build_error(self, error: Exception) -> None:
        """Stop the worker, and remove a build's spool, after a failed build."""
        self._drop_build_spool()

    def _drop_build_spool(self) -> None:
        atexit.unregister(self._drop_build_spool)
        gc.unfreeze()
        background = getattr(self, "_background", None)
        if background is not None:  # the build failed before it read the pages
            background.stop()
            self._background = None
        parallel_pages = getattr(self, "parallel_pages", None)
        if parallel_pages is not None:
            parallel_pages.stop()
            self.parallel_pages = None
        production = getattr(self, "production", None)
        if production is not None:
            production.stop()
            self.production = None
        spool = getattr(self, "_spool", None)
        if spool is not None:
            spool.close()
        if spool is not None and spool.folder != getattr(self, "spool", None):
            shutil.rmtree(spool.folder, ignore_errors=True)
        self._spool = None

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Put the generated HTML blocks back where their markers are.

        Done on the finished page rather than on `page.content`: the search index then holds
        each page's own text (title, summary, the author's body) but not the generated
        tables, which the open data carries, and indexing them would dominate build time.
        """
        parallel_pages = getattr(self, "parallel_pages", None)
        if parallel_pages is not None:
            parallel_pages.built(page)
        uri = page.file.src_uri
        spool = getattr(self, "_spool", None)
        if page.meta.get("template") == ELSEWHERE:  # the worker builds it (or, should it
            return output                           # fail, this process, at the end)
        generated = uri in getattr(self, "generated_pages", ())
        if generated and getattr(self, "_let_go", False):
            page.content = ""  # built: see `on_page_content`
        if generated and spool is not None:
            return join_html_blocks(output, spool.parts(uri))
        return output

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Escape every page's front-matter title and description, which themes print raw."""
        generated = page.file.src_uri in getattr(self, "generated_pages", ())
        if not generated:
            for key in ("title", "description"):
                value = page.meta.get(key)
                if value is not None:
                    page.meta[key] = str(escape(str(value)))
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Give a page titled by its first heading that title as escaped text; put a
        generated page's folded headings back (see `render.headings`).

        Material prints such a title through `striptags`, which turns a heading's
        `&lt;/title&gt;` back into markup inside `<title>`; a front-matter title it prints as
        it is, so the escaped text is kept as one.
        """
        if "title" not in page.meta and not page.is_homepage and page.title:
            page.meta["title"] = str(escape(Markup(page.title).striptags()))  # noqa: S704
        if page.file.src_uri in getattr(self, "generated_pages", ()):
            html = unfold_headings(page, html)
            if getattr(self, "_let_go", False):
                # Where nothing but this plugin and a search index looks at the pages, nothing
                # reads a rendered page's Markdown again (nor its HTML once it is built): let
                # go of it, and the build holds less than MkDocs alone would.
                page.markdown = ""
        return html

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when `site_data/` changes."""
        data = Path(config.config_file_path).parent / self.config.site_data
        if data.is_dir():
            server.watch(str(data))
        source = self.options(config).initiatives_dir
        if self.config.initiatives_source and source.is_dir():
            server.watch(str(source))
        return server


@contextmanager
def _making() -> Iterator[None]:
    """Pages a worker left that cannot be made here either (the portfolio changed meanwhile)
    stop the build with a message, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise PluginError(f"portfolio: cannot make the generated pages: {exc}") from None


def _heading_maker(config: MkDocsConfig) -> HeadingMaker | None:
    """Headings made once for the whole build rather than parsed on every page, where the
    site's Markdown allows (see `render.headings`)."""
    return HeadingMaker(config) if HeadingMaker.usable(config) else None


def _remake(options: Options, built: dt.datetime) -> Plan:
    """The plan of a build made again from its input (for pages a worker did not make)."""
    return prepare(options, built=built, reader=_reader(options))[1]


def _reader(options: Options) -> Reader | None:
    """Pages read by two processes where the site allows a second core (see `workers`)."""
    return map_in_two if options.parallel else None


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

