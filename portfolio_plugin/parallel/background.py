"""The portfolio in a second process, from before an engine lists its files to its last page.

An engine such as MkDocs lists its files, reads its pages and builds them on one core. Where
the system can fork and has a second core, a worker started before the engine lists its
files reads and checks the initiative pages from the last one; when the engine's process
gets to them, it reads and checks them from the first (the two meet wherever they meet,
under a shared lock) and hands its share over. The worker then validates the whole
portfolio, computes its figures, names every page and file to make and sends those names
back (a `Summary`), then makes the pages and files into the spool, in order, while the
engine reads them.

So the portfolio exists in the worker only. The engine's process holds the names of the
pages and where each is in the spool, and its memory holds the engine's pages instead. Should
the worker stop short, the engine's process does whatever is left itself.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..load import (
    MAX_PAGE_BYTES,
    Checked,
    GivenPages,
    Page,
    Sources,
    Wanted,
    load,
    read_one,
    wanted_pages,
)
from ..model import Portfolio
from ..options import Options
from ..problems import Problem, Problems
from ..render import Plan
from ..validate import SiteCheck, check_site
from .spool import Production, Spool
from .workers import Ends, Mark, can_fork, end, fork, worth_splitting

Result = Page | Checked | Problem
# From this many initiatives, the open data is made beside the pages, not after them.
FILES_APART_FROM = 2000


@dataclass(frozen=True)
class Summary:
    """What the engine's process needs of a plan the worker holds."""

    uris: list[str]
    problems: Problems
    left_out: tuple[str, ...]
    built: dt.datetime
    words: dict[str, str]  # the words the adapter asked for, in the site's language
    initiatives: dict[str, str]  # each valid initiative's page: its source file, by docs path


class Background:
    """The worker that holds the portfolio, seen from the engine's process."""

    def __init__(self, options: Options, wanted: list[Wanted], ends: Ends, worker: int,
                 share: str, summary: str, handover: int, told: int, reports: int,
                 reading: Mark, sources: Sources, late: Path | None) -> None:
        self.options = options
        self.late = late  # where the files are made (see `Production`)
        self._sources = sources  # `site_data/`, read and checked once, before the fork
        self.reading = reading  # which item MkDocs reads, for the worker to see
        self.wanted = wanted
        self.worker: int | None = worker
        self._ends = ends
        self._share = share  # the engine's process's results, pickled, for the worker
        self._summary = summary  # the worker's summary, pickled
        self._handover: int | None = handover  # written once the share is complete
        self._told: int | None = told  # the worker writes a byte once the summary is
        self._reports: int | None = reports  # then the place of each item it makes

    @classmethod
    def start(cls, options: Options, spool: Spool, words: tuple[str, ...] = (),
              late: Path | None = None) -> Background | None:
        """Fork the worker, which begins to read and check the pages from the last one; None
        where no worker can help (no fork, one core, or too few pages to be worth it)."""
        if not options.parallel or not can_fork():
            return None
        wanted = wanted_pages(options.initiatives_dir, options.root, options.language)
        if not worth_splitting(len(wanted)):
            return None
        # `site_data/` is read and checked here, once: the worker has it from the fork.
        sources = load(options.initiatives_dir, options.data_dir, options.root, pages=[])
        site = check_site(sources, options.site_name, options.languages)
        sources.check = site.checker()
        ends = Ends(len(wanted))
        reading = Mark()
        share = _temporary("portfolio-share-")
        summary = _temporary("portfolio-summary-")
        handover_out, handover_in = os.pipe()
        told_out, told_in = os.pipe()
        reports_out, reports_in = os.pipe()

        def work() -> None:
            for descriptor in (handover_in, told_out, reports_out):
                os.close(descriptor)
            _work(options, wanted, ends, share, summary, handover_out, told_in, reports_in,
                  spool, words, reading, sources, site, late)

        worker = fork(work)
        for descriptor in (handover_out, told_in, reports_in):
            os.close(descriptor)
        if worker is None:
            for descriptor in (handover_in, told_out, reports_out):
                os.close(descriptor)
            for name in (share, summary):
                os.unlink(name)
            return None
        background = cls(options, wanted, ends, worker, share, summary, handover_in,
                         told_out, reports_out, reading, sources, late)
        atexit.register(background.stop)  # should the build end before it asks for it
        return background

    def summary(self) -> Summary | None:
        """Read and check pages from the first until the worker's, hand them over, and wait
        for the worker's summary. None if the worker cannot go on (it stopped short, or the
        pages changed since it started): the caller then does everything itself."""
        try:
            if wanted_pages(self.options.initiatives_dir, self.options.root,
                            self.options.language) != self.wanted:
                return None
            self._read_share()
            assert self._handover is not None and self._told is not None
            os.write(self._handover, b"1")
            os.close(self._handover)
            self._handover = None
            if os.read(self._told, 1) != b"1":
                return None
            with open(self._summary, "rb") as file:
                summary: Summary = pickle.load(file)  # noqa: S301 - written by our worker
            return summary
        except (OSError, EOFError, pickle.UnpicklingError):
            return None
        finally:
            self._remove_files()

    def production(self, summary: Summary, spool: Spool,
                   remake: Callable[[], Plan]) -> Production:
        """The making of the summary's items by the worker, which the engine's process waits
        for page by page; it owns the worker from now on."""
        assert self.worker is not None and self._reports is not None
        production = Production.following(summary.uris, spool, self.worker, self._reports,
                                          remake, self.reading, self.late)
        self.worker = self._reports = None
        self.stop()
        return production

    def stop(self) -> None:
        """End the worker (it is not needed, or the build failed) and remove its files."""
        atexit.unregister(self.stop)
        for attr in ("_handover", "_told", "_reports"):
            descriptor = getattr(self, attr)
            if descriptor is not None:
                os.close(descriptor)
                setattr(self, attr, None)
        if self.worker is not None:
            end(self.worker, kill=True)
            self.worker = None
        self._remove_files()

    def _read_share(self) -> None:
        sources = self._sources
        with open(self._share, "wb") as out:
            # One pickler for all pages: a string that many pages share (a partner's id) is
            # written once, and read back as one object.
            pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
            while (n := self._ends.take_front()) is not None:
                pickler.dump(read_one(self.wanted[n], MAX_PAGE_BYTES, sources))

    def _remove_files(self) -> None:
        for name in (self._share, self._summary):
            try:
                os.unlink(name)
            except OSError:
                pass


def _work(options: Options, wanted: list[Wanted], ends: Ends, share: str, summary: str,
          handover: int, told: int, reports: int, spool: Spool, words: tuple[str, ...],
          reading: Mark, sources: Sources, site: SiteCheck, late: Path | None) -> None:
    """The worker: its share of the pages, then the portfolio, then every item."""
    from ..pipeline import prepare

    mine: dict[int, Result] = {}
    while (n := ends.take_back()) is not None:
        mine[n] = read_one(wanted[n], MAX_PAGE_BYTES, sources)
    if os.read(handover, 1) != b"1":
        raise OSError("the build's process handed no pages over")
    with open(share, "rb") as file:
        results = _unpickled(file, ends.front)
    results.extend(mine[n] for n in range(ends.front, len(wanted)))
    del mine
    build, plan = prepare(options, reader=GivenPages(wanted, results, sources, site))
    del results
    with open(summary, "wb") as out:
        pickle.dump(Summary(plan.uris(), build.problems, build.portfolio.left_out,
                            build.built, {word: build.translator(word) for word in words},
                            initiative_sources(build.portfolio, options)),
                    out, protocol=pickle.HIGHEST_PROTOCOL)
    os.write(told, b"1")
    del build
    # The open data made beside the pages by a helper forked from this worker, where it takes
    # seconds: the helper's memory, a second copy of what this worker touches, is the build's
    # peak for a smaller portfolio, whose open data takes a fraction of a second.
    Production(plan, spool, reading=reading, late=late).make_reporting(
        reports, files_apart=len(wanted) >= FILES_APART_FROM)


def _unpickled(file: BinaryIO, count: int) -> list[Result]:
    """`count` results pickled one after the other with one pickler (its memo, which holds
    every object read, goes when this returns)."""
    unpickler = pickle.Unpickler(file)  # noqa: S301 - written by the build's process
    return [unpickler.load() for _ in range(count)]


def _temporary(prefix: str) -> str:
    handle, name = tempfile.mkstemp(prefix=prefix)
    os.close(handle)
    return name


def initiative_sources(portfolio: Portfolio, options: Options) -> dict[str, str]:
    """Each valid initiative's source file, by the docs path of its page."""
    return {options.initiative_uri(i.slug): str(options.root / i.path)
            for i in portfolio.initiatives}


__all__ = ["Background", "Summary", "initiative_sources"]
