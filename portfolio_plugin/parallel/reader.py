"""Written pages read by a worker process on the second core, while the engine writes more.

An engine such as MkDocs writes the pages one after the other on one core. Reading each
written page again (for the site's own search index) and then writing what was read takes a
tenth of a build; a worker forked before the pages are written does both meanwhile. The
engine's process names each page as it is about to be written; the worker reads the page
named before it, which is written by then, and the last one when told that the pages end.
What the worker makes is the same as reading the pages here: if it stops short, its caller
reads the written pages itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .workers import end, fork, give_way

# The message that says the pages end (a page's message is a list).
END = b"{}\n"


class PageReader:
    """Pages read by a worker process: `read(path, *names)` for each page, as it is written;
    then `finish()` there, once every page was read."""

    def __init__(self, read: Callable[..., None], finish: Callable[[], None]) -> None:
        self._read = read
        self._finish = finish
        self._pipe: int | None = None
        self._worker: int | None = None
        self._next: bytes | None = None

    def start(self) -> bool:
        """Start the worker (before the pages are written); False if the system would not
        fork."""
        reader, writer = os.pipe()

        def work() -> None:
            os.close(writer)
            give_way()  # (the engine waits for the index only once its pages are written)
            with os.fdopen(reader, "rb") as pipe:
                self._work(pipe)

        self._worker = fork(work)
        os.close(reader)
        if self._worker is None:
            os.close(writer)
            return False
        self._pipe = writer
        return True

    def add(self, path: Path, *names: str) -> None:
        """The page written next, at `path`; `names`: what `read` is told of it besides. It
        is read once the next is added (an engine writes each page before it makes the
        next), or once the pages end."""
        if self._pipe is None:
            return
        if self._next is not None:
            self._send(self._next)
        self._next = json.dumps([str(path), *names]).encode("utf-8") + b"\n"

    def end(self) -> bool:
        """Say that the pages end and wait for the worker to read the last and `finish`;
        whether it did."""
        if self._worker is None:
            return False
        for message in (self._next, END):
            if self._pipe is not None and message is not None:
                self._send(message)
        self._next = None
        sent = self._pipe is not None
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        worker, self._worker = self._worker, None
        return end(worker) == 0 and sent

    def stop(self) -> None:
        """End the worker without its `finish` (the build failed or was interrupted)."""
        if self._pipe is not None:
            os.close(self._pipe)  # (a worker that meets the end of its pipe finishes nothing)
            self._pipe = None
        if self._worker is not None:
            end(self._worker, kill=True)
            self._worker = None

    def _send(self, message: bytes) -> None:
        """Send a message; one the worker cannot take (it stopped: its pipe is closed) ends
        the sending, and `end` then says that the worker did not finish."""
        assert self._pipe is not None
        view = memoryview(message)
        try:
            while view:
                view = view[os.write(self._pipe, view):]
        except OSError:
            os.close(self._pipe)
            self._pipe = None

    def _work(self, pipe: Any) -> None:
        """The worker's loop: read each page named, then finish once the pages end. A pipe
        that ends before the message that says so is a build that stopped: the worker
        raises, and its status says it did not finish."""
        for line in pipe:
            if line == END:
                self._finish()
                return
            path, *names = json.loads(line)
            page = Path(path)
            if page.is_file():  # (an engine may write no file for an empty page)
                self._read(page, *names)
        raise EOFError("the pages ended without the message that says so")
