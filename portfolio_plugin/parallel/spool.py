"""Making a plan's pages and files into a folder on disk, here or in a second process.

An engine reads generated pages from the spool as it reaches them. Rendering them is the
plugin's biggest share of a build, and an engine such as MkDocs uses one core only: where
the system can fork, a worker process makes the items, in the plan's order, while the
engine works through the pages before them, and the engine's process lets go of the
portfolio they are made from. Nothing else changes: the same items, the same bytes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from ..render import Chunks, PageText, Plan, make, split_item
from .workers import Mark, can_fork, end, fork, give_way, worth_splitting

PARTS = ".parts"
# Where the author's own text goes in a page made from an author's file (an initiative page):
# the engine reads that text from the file itself (see `Production._make`).
AUTHOR = "<!--pf:author-->"
# How many pages ahead of the engine a worker must be to make a file (which may take as long
# as the engine takes to read a hundred pages) rather than the next page.
AHEAD = 100
# What a worker reports once it has made every late file (see `Production`).
ALL_FILES = b"files"
# Where a packed page is: (pack, offset, bytes of the page, bytes of its HTML blocks).
Location = tuple[str, int, int, int]


class Spool:
    """Generated pages and files in a folder, by docs path; a page's HTML blocks beside it.

    `packed`: pages are appended to one file per process that writes them (a pack), and
    found again by where they are in it (`where`, `note`), instead of two files each:
    creating thousands of small files costs more than making the pages. Files (bytes)
    always get a file of their own, which the engine copies.
    """

    def __init__(self, folder: Path, compare: bool = False, packed: bool = False,
                 written: dict[str, bytes] | None = None) -> None:
        self.folder = folder
        self._root = str(folder)
        # A folder kept between runs (`mkdocs serve`) is compared with, so that an unchanged
        # item keeps its modification time and a dirty rebuild skips it.
        self.compare = compare
        # What this folder's items hold (a digest of each, by docs path), kept between runs
        # by its owner: an item written before with the same content is neither read back
        # nor written again (thousands of files are not read on each rebuild).
        self.written = written
        # Packs are read back with `pread`, which some systems (Windows) do not have.
        self.packed = packed and not compare and hasattr(os, "pread")
        self.where: dict[str, Location] = {}  # each packed page
        self._made_folders: set[Path] = set()
        self._pack: tuple[int, str, int] | None = None  # (pid, name, descriptor) to append to
        self._readers: dict[str, int] = {}

    def path(self, uri: str) -> Path:
        """Where an item is (or will be, unless it is a packed page)."""
        return self.folder / uri

    def source(self, uri: str) -> str:
        """`path` as a plain string: an engine is told of thousands."""
        return os.path.join(self._root, uri)

    def text(self, uri: str) -> str:
        """A page's marked Markdown."""
        location = self.where.get(uri)
        if location is None:
            return (self.folder / uri).read_text(encoding="utf-8")
        return self._read(location[0], location[1], location[2]).decode("utf-8")

    def parts(self, uri: str) -> list[str]:
        """A page's HTML blocks, in the order of their markers."""
        location = self.where.get(uri)
        if location is None:
            blocks = (self.folder / PARTS / uri).read_text(encoding="utf-8")
        else:
            pack, offset, length, size = location
            blocks = self._read(pack, offset + length, size).decode("utf-8")
        return blocks.split("\x00") if blocks else []

    def write(self, uri: str, content: str | bytes, parts: list[str] | None) -> Path:
        """Write an item, unless it is there already with the same content."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self.folder / uri
        # No text of ours holds a NUL: it separates the blocks.
        blocks = None if parts is None else "\x00".join(parts).encode("utf-8")
        if blocks is not None and self.packed:
            self.where[uri] = self._append(data, blocks)
            return path
        holder = self.folder / PARTS / uri
        digest = None
        if self.compare and self.written is not None:
            digest = hashlib.blake2b(data, digest_size=16)
            digest.update(b"\x00" if blocks is None else b"\x01" + blocks)
            if self.written.get(uri) == digest.digest() and path.is_file():
                return path  # written by an earlier run as it is now
        unchanged = self.compare and path.is_file() and (
            path.read_bytes() == data
            and (blocks is None or (holder.is_file() and holder.read_bytes() == blocks)))
        if not unchanged:
            if blocks is not None:
                self._folder(holder.parent)
                holder.write_bytes(blocks)
            self._folder(path.parent)
            path.write_bytes(data)
        if digest is not None and self.written is not None:
            self.written[uri] = digest.digest()
        return path

    def write_pieces(self, uri: str, pieces: Iterable[bytes]) -> Path:
        """Write a file piece by piece (compared whole with what is there, if asked to)."""
        if self.compare:
            return self.write(uri, b"".join(pieces), None)
        path = self.folder / uri
        self._folder(path.parent)
        with path.open("wb") as file:
            for piece in pieces:
                file.write(piece)
        return path

    def note(self, uri: str, location: Location) -> None:
        """Where another process packed a page."""
        self.where[uri] = location

    def close(self) -> None:
        """Close the packs (the folder itself is its owner's to remove)."""
        for descriptor in self._readers.values():
            os.close(descriptor)
        self._readers.clear()
        if self._pack is not None and self._pack[0] == os.getpid():
            os.close(self._pack[2])
        self._pack = None

    def _append(self, data: bytes, blocks: bytes) -> Location:
        pid = os.getpid()
        if self._pack is None or self._pack[0] != pid:  # a forked worker packs on its own
            self._folder(self.folder)
            name = f".pack-{pid}"
            self._pack = (pid, name, os.open(self.folder / name,
                                             os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        _, name, descriptor = self._pack
        offset = os.fstat(descriptor).st_size
        record = data + blocks
        written = 0
        while written < len(record):
            written += os.write(descriptor, record[written:])
        return (name, offset, len(data), len(blocks))

    def _read(self, pack: str, offset: int, size: int) -> bytes:
        descriptor = self._readers.get(pack)
        if descriptor is None:
            descriptor = self._readers[pack] = os.open(self.folder / pack, os.O_RDONLY)
        chunks = []
        while size > 0:
            chunk = os.pread(descriptor, size, offset)
            if not chunk:
                raise OSError(f"the spool's {pack} ends before its page does")
            chunks.append(chunk)
            offset += len(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _folder(self, folder: Path) -> None:
        if folder not in self._made_folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._made_folders.add(folder)


class Production:
    """A plan's items made into a spool: all at once here, or by a worker process.

    The worker makes every page, in the plan's order, then every file, and reports each as
    it is made; the engine's process waits for an item only when it needs it (`wait_for`).
    Once the worker runs, this process lets go of the plan, and with it of the portfolio,
    if it is told how to `remake` the plan should the worker stop short: the portfolio then
    exists in the worker only, and the memory it took here holds the engine's pages instead.

    `late`: the folder the engine publishes the files in (a whole build's site). The files
    are made there, after the pages, while the engine writes its pages: it copies none of
    them (the adapter tells it so once the pages are read), and waits for them once it has
    written its pages (`finish`).
    """

    def __init__(self, plan: Plan | None, spool: Spool,
                 remake: Callable[[], Plan] | None = None, uris: list[str] | None = None,
                 reading: Mark | None = None, late: Path | None = None) -> None:
        self.plan = plan
        self.spool = spool
        self.late = None if late is None else Spool(late)
        self.uris = plan.uris() if plan is not None else list(uris or ())
        self.index = {uri: n for n, uri in enumerate(self.uris)}
        self.done = bytearray(len(self.uris))  # 1 where the item is in the spool
        for uri in plan.kept if plan is not None else ():  # there as an earlier run made it
            self.done[self.index[uri]] = 1
        self.remake = remake
        # The item the engine's process last asked for, shared with the worker (which then
        # knows how far ahead of the engine it is).
        self.reading = reading
        self.worker: int | None = None
        self._pipe: int | None = None
        self._buffer = b""

    @classmethod
    def following(cls, uris: list[str], spool: Spool, worker: int, reports: int,
                  remake: Callable[[], Plan], reading: Mark | None = None,
                  late: Path | None = None) -> Production:
        """The making of `uris` by a worker that is already running and reports each item
        it makes on `reports` (see `make_reporting`); this process holds no plan."""
        production = cls(None, spool, remake, uris, reading, late)
        production.worker = worker
        production._pipe = reports
        return production

    def make_here(self) -> None:
        """Make every item that is not made yet, in this process (making the plan again if
        this process let go of it)."""
        if all(self.done):
            return
        if self.plan is None:
            assert self.remake is not None
            self.plan = self.remake()
            if self.plan.uris() != self.uris:  # the input changed since the worker began
                raise OSError("the portfolio changed while its pages were being made")
        for n, (uri, value) in enumerate(self.plan.items):
            if not self.done[n]:
                self._make(n, uri, value)

    def _make(self, n: int, uri: str, value: Any) -> None:
        made = make(value)
        spool = self.spool_of(uri)
        if isinstance(made, Chunks):
            spool.write_pieces(uri, made.pieces())
            self.done[n] = 1
            return
        content, parts = split_item(made)
        if isinstance(made, PageText) and made.own is not None:
            # The engine reads the author's text from the author's file, as its own page.
            start, end = made.own
            content = made.marked[:start] + AUTHOR + made.marked[end:]
        spool.write(uri, content, parts)
        self.done[n] = 1

    def spool_of(self, uri: str) -> Spool:
        """Where an item is made: a page in the spool, a file in the `late` folder if any."""
        return self.late if self.late is not None and not uri.endswith(".md") else self.spool

    def start(self, parallel: bool) -> bool:
        """Start making: with a worker process if asked and possible (True), else all now."""
        # Pages, not files, are what a worker saves time on (a feed per initiative is not).
        pages = sum(1 for uri in self.uris if uri.endswith(".md"))
        if not (parallel and can_fork() and worth_splitting(pages)):
            self.make_here()
            return False
        reader, writer = os.pipe()
        self.reading = Mark()

        def work() -> None:
            os.close(reader)
            self.make_reporting(writer)

        self.worker = fork(work)
        os.close(writer)
        if self.worker is None:
            os.close(reader)
            self.make_here()
            return False
        self._pipe = reader
        if self.remake is not None and self.plan is not None:
            self.plan.close()
            self.plan = None
        return True

    def make_reporting(self, writer: int, files_apart: bool = False) -> None:
        """A worker's loop: make each page in order, then each file, and report it on
        `writer`. An engine reads the pages in order, and needs the files (the open data)
        only once it has read every page: made last, they do not keep it waiting.

        `files_apart`: a second worker, forked from this one, makes the files meanwhile (the
        engine's process waits for this one's pages at times, so a core is free). Should it
        stop short, the files are made here after the pages.
        """
        assert self.plan is not None
        items = self.plan.items
        pages = [n for n, (uri, _) in enumerate(items) if uri.endswith(".md")]
        files = [n for n, (uri, _) in enumerate(items) if not uri.endswith(".md")]
        helper = fork(partial(self._report, files, writer)) \
            if files_apart and files and self.late is None and can_fork() else None
        if helper is not None or self.reading is None or self.late is not None:
            self._report(pages, writer)
        else:
            # A file whenever this worker is far enough ahead of the engine's reading that
            # the engine will not wait meanwhile (while it reads the pages this worker makes
            # fastest, the initiatives'): then the engine need not wait for them at the end.
            waiting = files[::-1]
            for n in pages:
                while waiting and n - self.reading.get() > AHEAD:
                    self._report([waiting.pop()], writer)
                self._report([n], writer)
            files = waiting[::-1]
        if helper is None:
            self.plan.pages_made()  # its memory then holds the files as they are made
        if self.late is not None:
            # Said once all are made: the engine reads no report while it writes its pages
            # (a report each would fill the pipe, and this worker would wait for it).
            give_way()
            self._report(files, None)
            os.write(writer, ALL_FILES + b"\n")
        elif helper is None or end(helper) != 0:
            self._report(files, writer)

    def _report(self, numbers: list[int], writer: int | None) -> None:
        assert self.plan is not None
        for n in numbers:
            uri, value = self.plan.items[n]
            self._make(n, uri, value)
            if writer is None:
                continue
            location = self.spool.where.get(uri)
            # One line each, shorter than a pipe writes at once: two workers' reports
            # never mix.
            os.write(writer, b"%d\n" % n if location is None
                     else b"%d %s %d %d %d\n" % (n, location[0].encode(), *location[1:]))

    def _read_reports(self) -> bool:
        """Wait for the worker's next reports and mark what they name as made; False once
        it has ended."""
        assert self._pipe is not None
        data = os.read(self._pipe, 65536)
        if not data:
            return False
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        for line in lines:
            if line == ALL_FILES:
                for number, uri in enumerate(self.uris):
                    if not uri.endswith(".md"):
                        self.done[number] = 1
                continue
            n, *packed = line.split()
            if packed:
                pack, offset, length, size = packed
                self.spool.note(self.uris[int(n)],
                                (pack.decode(), int(offset), int(length), int(size)))
            self.done[int(n)] = 1
        return True

    def wait_for(self, uri: str) -> None:
        """Return once the item is in the spool."""
        n = self.index.get(uri)
        if n is None:
            return
        if self.reading is not None:
            self.reading.set(n)
        if self.done[n]:
            return
        while self._pipe is not None and not self.done[n]:
            if not self._read_reports():
                self._reap()
        if not self.done[n]:
            # The worker stopped short: whatever stopped it happens again here, where the
            # engine reports it.
            self.make_here()

    def finish(self, pages: bool = False) -> None:
        """Return once every item is in the spool (with `pages`: every page)."""
        for uri in self.uris:
            if not pages or uri.endswith(".md"):
                self.wait_for(uri)  # (each made here if the worker stopped short of it)
        if not pages:
            self._reap()

    def stop(self) -> None:
        """End a worker that is still running (the build failed or was interrupted)."""
        self._reap(kill=True)

    def close(self) -> None:
        """Let go of the plan (every item is made)."""
        if self.plan is not None:
            self.plan.close()
            self.plan = None

    def _reap(self, kill: bool = False) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        if self.worker is not None:
            end(self.worker, kill)
            self.worker = None
