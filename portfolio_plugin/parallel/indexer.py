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

# The longest a build waits for the index to be written (as for `pagefind --site`).
TIMEOUT = 3600.0
# How much less the Pagefind process is given of a core the build wants too (`nice`).
NICE = 10
# Pages sent and not yet indexed: the service keeps what it has not read in memory, and a
# build writes faster than it reads.
AHEAD = 16


class StreamingIndex:
    """A Pagefind index of the pages of one build, fed page by page as they are written."""

    def __init__(self, program: Path, site_dir: Path, exclude: Sequence[str]) -> None:
        self.site_dir = site_dir
        self.added = 0
        self.sent = 0
        self.failed: str | None = None
        # The most pages sent and not yet read at once (at most `AHEAD`).
        self.most_ahead = 0
        self._last: Path | None = None
        self._pages: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._answers: dict[int, dict[str, Any]] = {}
        self._indexed = 0
        self._answered = threading.Condition()
        self._process = subprocess.Popen([str(program), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._config = {"exclude_selectors": list(exclude)}
        if hasattr(os, "setpriority"):
            # It works on a core the build leaves idle, not one the build waits for (its last
            # step, writing the index, comes when the build has nothing else to do).
            try:
                os.setpriority(os.PRIO_PROCESS, self._process.pid, NICE)
            except OSError:
                pass
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._writer = threading.Thread(target=self._write, daemon=True)
        self._reader.start()
        self._writer.start()

    def add(self, page: Path) -> None:
        """The page MkDocs writes next, at `page` in the site. It is read once written: when
        the next page is added (MkDocs writes each page before it makes the next), or when the
        index is finished."""
        if self._last is not None:
            self._pages.put(self._last)
        self._last = page
        self.added += 1

    def finish(self) -> str | None:
        """Index the last page and write the index to the site's `pagefind/` folder; what
        went wrong, or None."""
        if self._last is not None:
            self._pages.put(self._last)
            self._last = None
        self._pages.put(None)
        self._writer.join(TIMEOUT)
        if self._writer.is_alive():
            self.failed = self.failed or "Pagefind did not write the index in time"
        self.stop()
        return self.failed

    def stop(self) -> None:
        """Stop the Pagefind process (once finished, it has ended already)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()

    # -- the protocol ----------------------------------------------------------------------

    def _write(self) -> None:
        """Send the pages as they come, then ask for the index's files and write them."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            index = self._ask(stdin, 1, {"type": "NewIndex", "config": self._config})
            number = 1
            while (page := self._pages.get()) is not None:
                if self.failed is not None or not page.is_file():
                    continue  # (a page MkDocs did not write: nothing to index)
                number += 1
                self._wait_for_room()
                self._send(stdin, number, {
                    "type": "AddFile", "index_id": index["index_id"], "url": None,
                    "file_path": page.relative_to(self.site_dir).as_posix(),
                    "file_contents": page.read_text(encoding="utf-8", errors="replace")})
            if self.failed is None:
                bundle = self._ask(stdin, number + 1, {
                    "type": "GetFiles", "index_id": index["index_id"]})
                self._save(bundle["files"])
            stdin.close()  # the service ends at the end of its input
            self._process.wait(TIMEOUT)
        except (OSError, ValueError, KeyError, TypeError, subprocess.TimeoutExpired) as exc:
            self.failed = self.failed or f"Pagefind stopped: {exc}"

    def _save(self, files: list[dict[str, str]]) -> None:
        """Write the index's files into the site's `pagefind/` folder."""
        folder = (self.site_dir / "pagefind").resolve()
        while files:  # (each file let go of once written)
            file = files.pop()
            path = folder / file["path"]
            if folder not in path.resolve().parents:
                raise ValueError(f"Pagefind named a file outside its folder: {file['path']}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(file["content"]))

    def _wait_for_room(self) -> None:
        """Wait until fewer than `AHEAD` pages sent are still unread; count the next one."""
        with self._answered:
            self._answered.wait_for(lambda: self.sent - self._indexed < AHEAD
                                    or self.failed is not None, TIMEOUT)
            self.sent += 1
            self.most_ahead = max(self.most_ahead, self.sent - self._indexed)

    def _send(self, stdin: IO[bytes], number: int, payload: dict[str, Any]) -> None:
        message = {"message_id": number, "payload": payload}
        stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        stdin.flush()

    def _ask(self, stdin: IO[bytes], number: int, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a message and wait for its answer."""
        self._send(stdin, number, payload)
        with self._answered:
            if not self._answered.wait_for(lambda: number in self._answers or
                                           self.failed is not None, TIMEOUT):
                raise OSError("Pagefind did not answer")
        if self.failed is not None:
            raise OSError(self.failed)
        return self._answers[number]

    def _read(self) -> None:
        """Read the answers: keep the first error, and each answer waited for."""
        stdout = self._process.stdout
        assert stdout is not None
        # Pieces of the message being read (the index's files come in one message of tens
        # of megabytes: it is joined once, not at each piece).
        pieces: list[bytes] = []
        while chunk := os.read(stdout.fileno(), 1 << 20):
            *ends, rest = chunk.split(b",")
            for end in ends:
                self._take(b"".join([*pieces, end]))
                pieces.clear()
            pieces.append(rest)
        with self._answered:  # the service has ended: what was not answered never will be
            if not any(a.get("type") == "GetFiles" for a in self._answers.values()):
                self.failed = self.failed or "Pagefind stopped"
            self._answered.notify_all()

    def _take(self, message: bytes) -> None:
        """One answer of the service."""
        answer = json.loads(base64.b64decode(message))
        payload = answer.get("payload") or {}
        with self._answered:
            if payload.get("type") == "Error":
                self.failed = self.failed or str(payload.get("message"))
            elif payload.get("type") == "IndexedFile":
                self._indexed += 1
            else:
                self._answers[int(answer["message_id"])] = payload
            self._answered.notify_all()
