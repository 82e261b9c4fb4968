"""The MkDocs adapter: wires MkDocs events to the engine-free pipeline, and nothing more.

Works under MkDocs 1.6 and under ProperDocs (which maps `mkdocs.*` imports onto itself).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .options import Options, from_settings
from .pipeline import Build, Cache, run
from .render import join_html_blocks

log = get_plugin_logger(__name__)
THEME_DIR = Path(__file__).parent / "theme"
# Material's inline-script partials as files, so `script-src 'self'` works (SECURITY.md).
MATERIAL_DIR = Path(__file__).parent / "theme_material"


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


class PortfolioPlugin(BasePlugin[PortfolioConfig]):
    """Publishes a portfolio showcase from initiative pages and `site_data/`."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Keep a cache for the life of `mkdocs serve`, so that a rebuild redoes little."""
        self.serving = command == "serve"
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

    def _spool_file(self, uri: str, data: bytes, parts: list[str] | None) -> Path:
        """Write a generated page or file under the spool, unless it is already there."""
        assert self._spool is not None
        path = self._spool / uri
        blocks = None if parts is None else "\x00".join(parts).encode("utf-8")
        holder = self._spool / ".parts" / uri
        # A build's spool starts empty; only `mkdocs serve` keeps one to compare with.
        unchanged = getattr(self, "serving", False) and path.is_file() and (
            path.read_bytes() == data
            and (blocks is None or (holder.is_file() and holder.read_bytes() == blocks)))
        if not unchanged:
            self._make_folder(path.parent)
            if blocks is not None:
                # The HTML blocks (no text of ours holds a NUL) go back in on_post_page.
                self._make_folder(holder.parent)
                holder.write_bytes(blocks)
            path.write_bytes(data)
        return path

    def _make_folder(self, folder: Path) -> None:
        made: set[Path] = self.__dict__.setdefault("_folders", set())
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Start each build clean; make the package's templates and assets available."""
        self.build: Build | None = None
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
        return config

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

        Every generated page and file is spooled to disk as it is made, and MkDocs reads it
        from there: the build never holds all generated pages in memory at once.
        """
        options = self.options(config)
        self._spool = getattr(self, "spool", None) or Path(
            tempfile.mkdtemp(prefix="portfolio-build-"))
        self._folders: set[Path] = set()
        self.generated_pages: set[str] = set()
        made: list[tuple[str, Path, bool]] = []

        def sink(uri: str, content: str | bytes, parts: list[str] | None) -> None:
            data = content.encode("utf-8") if isinstance(content, str) else content
            made.append((uri, self._spool_file(uri, data, parts), parts is not None))
            if parts is not None:
                self.generated_pages.add(uri)

        try:
            self.build = run(options, cache=getattr(self, "cache", None), sink=sink)
        except OSError as exc:  # a folder that cannot be read at all stops the build
            raise PluginError(f"portfolio: cannot read the portfolio: {exc}") from None
        build = self.build
        for problem in build.problems.sorted():
            log.warning(str(problem))
        if build.problems.errors:
            left = ", ".join(build.portfolio.left_out) or "none"
            log.warning(f"{len(build.problems.errors)} error(s); initiatives left out: {left}")
        prefix = options.initiatives + "/"
        for file in list(files):
            if file.src_uri.startswith(prefix) and file.src_uri.endswith(".md") \
                    and file.src_uri not in self.generated_pages \
                    and Path(file.src_uri).name not in ("index.md", "README.md"):
                # Left out (invalid): never published, so its raw front-matter never shows.
                files.remove(file)
        for uri, path, is_page in made:
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            # A page's Markdown has markers; its HTML goes back in on_post_page.
            files.append(File.generated(
                config, uri, abs_src_path=str(path),
                inclusion=InclusionLevel.NOT_IN_NAV if is_page else InclusionLevel.UNDEFINED))
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Remove a build's spool (`mkdocs serve` keeps its own until it stops)."""
        self._drop_build_spool()

    def on_build_error(self, error: Exception) -> None:
        """Remove a build's spool after a failed build too."""
        self._drop_build_spool()

    def _drop_build_spool(self) -> None:
        spool = getattr(self, "_spool", None)
        if spool is not None and spool != getattr(self, "spool", None):
            shutil.rmtree(spool, ignore_errors=True)
        self._spool = None

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Put the generated HTML blocks back where their markers are.

        Done on the finished page rather than on `page.content`: the search index then holds
        each page's own text (title, summary, the author's body) but not the generated
        tables, which the open data carries, and indexing them would dominate build time.
        """
        uri = page.file.src_uri
        if uri in getattr(self, "generated_pages", ()) and self._spool is not None:
            blocks = (self._spool / ".parts" / uri).read_text(encoding="utf-8")
            return join_html_blocks(output, blocks.split("\x00") if blocks else [])
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
        """Give a page titled by its first heading that title as escaped text.

        Material prints such a title through `striptags`, which turns a heading's
        `&lt;/title&gt;` back into markup inside `<title>`; a front-matter title it prints as
        it is, so the escaped text is kept as one.
        """
        if "title" not in page.meta and not page.is_homepage and page.title:
            page.meta["title"] = str(escape(Markup(page.title).striptags()))  # noqa: S704
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
