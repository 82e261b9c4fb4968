"""The search index made while MkDocs writes the pages, on the second core.

Pagefind indexes a built site in one go once it is written (`pagefind --site`), and on two
cores that took about a fifth of a 5,000-initiative build (9.3 s). Here, each page is handed
to a Pagefind process (`pagefind --service`) once MkDocs has written it; Pagefind reads it
while MkDocs makes the next pages, and when the build ends only writing the index is left.

Pagefind's own Python client (`pagefind.index`) waits 0.1 s before reading each answer: ten
pages a second. So its protocol is spoken here, as that client speaks it: each message is
the base64 of its JSON followed by a comma, both ways. The service answers the messages in
the order they come, so the pages keep MkDocs' order and the index is the same from build to
build (the binary run on the folder takes the files in the order the file system lists them).
The index's files are asked for and written here: Pagefind 1.5 answers its own `WriteFiles`
before its last writes reach the disk, and a service that ends then leaves files cut short
(Pagefind issue #1271, fixed after 1.5.2).
"""

from __future__ import annotations

import base64
import json
import os
import queue
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

# The longest one step waits for Pagefind (as `pagefind --site` is waited for).
TIMEOUT = 3600.0
# How much less the Pagefind process is given of a core the build wants too (`nice`).
NICE = 10
# Pages sent and not yet read by Pagefind: it keeps in memory what it has not read, and a
# build writes pages faster than it reads them.
AHEAD = 16


class StreamingIndex:
    """A Pagefind index of the pages of one build, fed page by page as they are written.

    Two threads talk to the Pagefind process: one sends the pages and asks for the index's
    files, one reads the answers. What they share (the answers, the counts, the first
    failure) is changed under `_changed`, which wakes whoever waits for it.
    """

    def __init__(self, program: Path, site_dir: Path, exclude: Sequence[str],
                 meanwhile: bool) -> None:
        """Start Pagefind; `meanwhile`: it works while the build does, on a core the build
        leaves idle (`nice`), not one the build waits for."""
        self.site_dir = site_dir
        self.failed: str | None = None
        self.written = False
        self.sent = 0
        # The most pages sent and not yet read at once (at most `AHEAD`).
        self.most_ahead = 0
        self._read_count = 0
        self._last: Path | None = None
        self._pages: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._answers: dict[int, dict[str, Any]] = {}
        self._changed = threading.Condition()
        self._config = {"exclude_selectors": list(exclude)}
        self._threads: list[threading.Thread] = []
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [str(program), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL)
        except OSError as exc:
            self._process = None
            self.failed = f"Pagefind could not be started: {exc}"
            return
        if meanwhile and hasattr(os, "setpriority"):
            try:
                os.setpriority(os.PRIO_PROCESS, self._process.pid, NICE)
            except OSError:
                pass
        self._threads = [threading.Thread(target=self._write, daemon=True),
                         threading.Thread(target=self._read, daemon=True)]
        for thread in self._threads:
            thread.start()

    def add(self, page: Path) -> None:
        """The page MkDocs writes next, at `page` in the site. It is read once written: when
        the next page is added (MkDocs writes each page before it makes the next), or when the
        index is finished."""
        if self._last is not None:
            self._pages.put(self._last)
        self._last = page

    def finish(self) -> str | None:
        """Index the last page and write the index to the site's `pagefind/` folder; what
        went wrong, or None."""
        if self._process is None:
            return self.failed
        if self._last is not None:
            self._pages.put(self._last)
            self._last = None
        self._pages.put(None)
        self._threads[0].join(TIMEOUT)
        if self._threads[0].is_alive():
            self._fail("Pagefind did not write the index in time")
        elif not self.written:
            self._fail("Pagefind stopped before the index was written")
        self.stop()
        return self.failed

    def stop(self) -> None:
        """Stop Pagefind (once finished, it has ended already) and let the threads end."""
        if self._process is None:
            return
        self._pages.put(None)  # (the sending thread ends at it)
        end_process(self._process)
        for thread in self._threads:  # (each sees the end of its pipe)
            if thread is not threading.current_thread():
                thread.join(5)
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass

    def _fail(self, message: str) -> None:
        """Keep the first failure, and wake whoever waits."""
        with self._changed:
            self.failed = self.failed or message
            self._changed.notify_all()

    # -- the protocol ----------------------------------------------------------------------

    def _write(self) -> None:
        """Send the pages as they come, then ask for the index's files and write them."""
        assert self._process is not None and self._process.stdin is not None
        stdin = self._process.stdin
        try:
            index = self._ask(stdin, 1, {"type": "NewIndex", "config": self._config})
            message = 1
            while (page := self._pages.get()) is not None:
                if self.failed is not None or not page.is_file():
                    continue  # (a page MkDocs did not write: nothing to index)
                message += 1
                self._wait_for_room()
                self._send(stdin, message, {
                    "type": "AddFile", "index_id": index["index_id"], "url": None,
                    "file_path": page.relative_to(self.site_dir).as_posix(),
                    "file_contents": page.read_text(encoding="utf-8", errors="replace")})
            if self.failed is None:
                self._save(self._ask(stdin, message + 1, {
                    "type": "GetFiles", "index_id": index["index_id"]})["files"])
                self.written = True
            stdin.close()  # the service ends at the end of its input
            self._process.wait(TIMEOUT)
        except Exception as exc:  # (whatever it is: the build is told, not left waiting)
            self._fail(f"Pagefind stopped: {exc}")

    def _save(self, files: list[dict[str, str]]) -> None:
        """Write the index's files into the site's `pagefind/` folder."""
        folder = (self.site_dir / "pagefind").resolve()
        while files:  # (each file's text let go of once written: the list is the answer's)
            file = files.pop()
            path = folder / file["path"]
            if folder not in path.resolve().parents:
                raise ValueError(f"Pagefind named a file outside its folder: {file['path']}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(file["content"]))

    def _wait_for_room(self) -> None:
        """Wait until fewer than `AHEAD` pages sent are still unread; count the next one."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.sent - self._read_count < AHEAD
                                          or self.failed is not None, TIMEOUT):
                raise OSError("Pagefind did not read the pages in time")
            self.sent += 1
            self.most_ahead = max(self.most_ahead, self.sent - self._read_count)

    def _send(self, stdin: IO[bytes], message: int, payload: dict[str, Any]) -> None:
        text = {"message_id": message, "payload": payload}
        stdin.write(base64.b64encode(json.dumps(text).encode("utf-8")) + b",")
        stdin.flush()

    def _ask(self, stdin: IO[bytes], message: int, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a message and wait for its answer."""
        self._send(stdin, message, payload)
        with self._changed:
            if not self._changed.wait_for(lambda: message in self._answers or
                                          self.failed is not None, TIMEOUT):
                raise OSError("Pagefind did not answer")
            if self.failed is not None:
                raise OSError(self.failed)
            return self._answers.pop(message)

    def _read(self) -> None:
        """Read the answers, until Pagefind ends."""
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        # Pieces of the answer being read (the index's files come in one answer of tens of
        # megabytes: it is joined once, not at each piece).
        pieces: list[bytes] = []
        try:
            while chunk := os.read(stdout.fileno(), 1 << 20):
                *ends, rest = chunk.split(b",")
                for end in ends:
                    pieces.append(end)
                    answer = b"".join(pieces)
                    pieces.clear()
                    self._on_answer(answer)
                    del answer
                pieces.append(rest)
        except Exception as exc:  # (as in `_write`)
            self._fail(f"Pagefind's answer could not be read: {exc}")
        finally:  # Pagefind has ended: what was not answered never will be
            if not self.written:
                self._fail("Pagefind stopped")

    def _on_answer(self, text: bytes) -> None:
        """Count a page read; keep an answer waited for; keep the first error."""
        answer = json.loads(base64.b64decode(text))
        payload = answer["payload"]
        with self._changed:
            if payload.get("type") == "Error":
                self.failed = self.failed or f"Pagefind: {payload.get('message')}"
            elif payload.get("type") == "IndexedFile":
                self._read_count += 1
            else:
                self._answers[int(answer["message_id"])] = payload
            self._changed.notify_all()


def end_process(process: subprocess.Popen[bytes]) -> None:
    """End a Pagefind still running (one that has ended is only waited for)."""
    if process.poll() is None:
        process.kill()
    process.wait()
