"""Building the plugin's own pages with Material's templates in a second process.

MkDocs renders every page's template on one core, one page after another, and the plugin
brings most of a portfolio's pages: each initiative page (which it rewrites) and every
generated page. Once all pages are read (MkDocs' `env` event), a forked worker builds some
of those pages as MkDocs would (the same context, template and `post_page` event) and writes
them, while MkDocs builds the others; who builds which is settled as they go. For the
worker's pages, MkDocs still runs `page_context` here, so that the search index and any
other plugin's view of the pages stay whole, but renders a one-line template into nowhere
instead of the theme.

This is only done when every other plugin that handles those events is known to do nothing
else with them than read (the search plugins); a build with any other plugin that handles
them builds every page here, as MkDocs does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from .workers import Ends, can_fork, end, fork, worth_splitting

# A template that renders one comment: what MkDocs renders for a page the worker builds.
ELSEWHERE = "portfolio-elsewhere.html"
# Plugins whose page events only read the page (to index it): safe with the worker.
READ_ONLY_PLUGINS = frozenset({"search", "material/search"})
PAGE_EVENTS = ("page_context", "post_page")


def safe_with(config: MkDocsConfig, ours: object) -> bool:
    """Whether every plugin that handles the page events is ours or a read-only one."""
    names = {id(plugin): name for name, plugin in config.plugins.items()}
    for event in PAGE_EVENTS:
        for method in config.plugins.events.get(event, []):
            owner = getattr(method, "__self__", None)
            if owner is ours:
                continue
            name = names.get(id(owner), "")
            if name.split(" #")[0] not in READ_ONLY_PLUGINS:
                return False
    return True


def only_known_plugins(config: MkDocsConfig, ours: object) -> bool:
    """Whether the build's plugins are ours and read-only ones only (nothing else may look
    at the pages' Markdown or HTML later on)."""
    return all(plugin is ours or name.split(" #")[0] in READ_ONLY_PLUGINS
               for name, plugin in config.plugins.items())


class ParallelPages:
    """A worker process that builds some of the plugin's pages while MkDocs builds the others.

    Who builds which page is settled as the build goes, so that both finish together
    whatever a page costs: the worker takes pages from the end of the list, MkDocs' process
    from the start, each under a shared lock; when MkDocs is about to reach a page the worker
    has taken, that page is pointed elsewhere (`ELSEWHERE`, written to nowhere).
    """

    def __init__(self, pages: Sequence[Page], config: MkDocsConfig, doc_files: Sequence[File],
                 nav: Navigation, env: Any) -> None:
        self.pages = list(pages)  # in the order MkDocs builds them
        self.config = config
        self.doc_files = doc_files
        self.nav = nav
        self.env = env
        self.worker: int | None = None
        self._index = {id(page): n for n, page in enumerate(self.pages)}
        self._kept: list[tuple[Page, Any, str]] = []
        self._ends: Ends | None = None  # MkDocs takes from the front, the worker the back
        self._parent = os.getpid()
        self._decided = 0

    def start(self) -> bool:
        """Fork the worker (True), or leave every page to MkDocs when the system cannot
        fork or there are too few pages to be worth it (False)."""
        if not worth_splitting(len(self.pages)) or not can_fork():
            return False
        self._ends = Ends(len(self.pages))
        self.worker = fork(self._work)
        if self.worker is None:
            return False
        self._decide(0)
        return True

    def _work(self) -> None:
        assert self._ends is not None
        while (n := self._ends.take_back()) is not None:
            # `page_context` runs for these pages in the parent, where its effects count
            # (the search index); every handler of it here would only read the page.
            build_page(self.pages[n], self.config, self.doc_files, self.nav, self.env,
                       context_event=False)

    def built(self, page: Page) -> None:
        """MkDocs is done with `page` here: settle who builds the next of the plugin's pages
        (decided one page ahead, before MkDocs picks that page's template)."""
        if self.worker is None or os.getpid() != self._parent:
            return
        n = self._index.get(id(page))
        if n is not None:
            self._decide(n + 1)

    def _decide(self, n: int) -> None:
        if n >= len(self.pages) or n < self._decided:
            return
        self._decided = n + 1
        assert self._ends is not None
        # Pages are decided in order, so the front is `n`: taken here unless the worker has
        # it; then MkDocs renders a comment into nowhere.
        if self._ends.take_front() is None:
            page = self.pages[n]
            self._kept.append((page, page.meta.get("template"), page.file.abs_dest_path))
            page.meta["template"] = ELSEWHERE
            page.file.abs_dest_path = os.devnull

    def finish(self) -> None:
        """Wait for the worker; if it did not build all it took, build those here."""
        if self.worker is None:
            return
        status = end(self.worker)
        self.worker = None
        assert self._ends is not None
        taken = self.pages[self._ends.back:]
        self._restore()
        if status != 0:
            for page in taken:
                # `page_context` already ran for these pages in this process.
                build_page(page, self.config, self.doc_files, self.nav, self.env,
                           context_event=False)

    def stop(self) -> None:
        """End the worker (the build failed)."""
        if self.worker is not None:
            end(self.worker, kill=True)
            self.worker = None
        self._restore()

    def _restore(self) -> None:
        for page, template, dest in self._kept:
            if template is None:
                page.meta.pop("template", None)
            else:
                page.meta["template"] = template
            page.file.abs_dest_path = dest
        self._kept = []


def build_page(page: Page, config: MkDocsConfig, doc_files: Sequence[File], nav: Navigation,
               env: Any, context_event: bool = True) -> None:
    """Build one page as MkDocs does: context, `page_context`, template, `post_page`, write."""
    page.active = True
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        if context_event:
            context = config.plugins.on_page_context(context, page=page, config=config,
                                                     nav=nav)
        output = template.render(context)
        output = config.plugins.on_post_page(output, page=page, config=config)
        if output.strip():
            write_file(output.encode("utf-8", errors="xmlcharrefreplace"),
                       page.file.abs_dest_path)
    finally:
        page.active = False
