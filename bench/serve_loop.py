"""The edit-preview loop: how long after saving an initiative `mkdocs serve --dirty` shows it.

Generates a portfolio (bench/generate.py), starts `mkdocs serve --dirty` on 127.0.0.1, waits
for the first build, then edits one initiative several times and measures, each time, the
seconds from writing the file (a word added to the initiative's title) to its page and the page
of the initiative list that holds it both showing the edit, polled over HTTP, and to the end of
the rebuild of the rest of the site that follows (the server's second "Reloading browsers").
Each edit waits until the server is idle (its log quiet for 2 s after its last rebuild).
Prints every time and the median, then reads the search index the server publishes (the
site's own, Pagefind's, else MkDocs') and says whether any page is in it twice. Budget
(issue "National scale"): 1 s at 1,000 initiatives, 2 s at 5,000.

    python bench/serve_loop.py --count 1000 --edits 5
    python bench/serve_loop.py --site /tmp/p5000 --edits 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wait_for_line(proc: subprocess.Popen[str], needle: str, limit: float) -> None:
    """Read the server's output until a line holds `needle`."""
    end = time.monotonic() + limit
    assert proc.stdout is not None
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server stopped")
        if needle in line:
            return
    raise SystemExit(f"no '{needle}' within {limit} s")


class Log:
    """The server's log, read away as it comes (a full pipe would stop the server: at 5,000
    initiatives a rebuild logs more than a pipe holds), each line with when it came."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.proc = proc
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line))

    def built(self, since: float) -> list[str]:
        """How long each rebuild since `since` took, as the server said."""
        return [line.rsplit(" in ", 1)[1].split()[0] for when, line in list(self.lines)
                if when >= since and "Documentation built in" in line]

    def reloads(self, since: float) -> list[float]:
        """When the server reloaded the browsers (a rebuild ended) since `since`."""
        return [when for when, line in list(self.lines)
                if when >= since and "Reloading browsers" in line]

    def wait_idle(self, quiet: float = 2.0, limit: float = 600, index: bool = False) -> None:
        """Return once every rebuild begun has ended and the log has been quiet a while
        (and, with `index`, no Pagefind index is being made in the background)."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            lines = list(self.lines)
            began = sum("Building documentation" in line for _, line in lines)
            ended = sum("Reloading browsers" in line for _, line in lines)
            last = lines[-1][0] if lines else 0.0
            # (the first build's "Building documentation" was read before this log began)
            if began <= ended and time.monotonic() - last > quiet \
                    and not (index and indexing(self.proc.pid)):
                return
            time.sleep(0.2)
        raise SystemExit(f"the server was still rebuilding after {limit} s")


def indexing(server: int) -> bool:
    """Whether a process the server started (Pagefind's index) is running (Linux)."""
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(server) and fields[0] not in ("Z", "X"):
            return True
    return False


def page_shows(url: str, marker: str) -> bool:
    """Whether the served page holds the marker."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return marker in answer.read().decode("utf-8", "replace")
    except (urllib.error.URLError, TimeoutError):
        return False


def fetch(url: str) -> bytes | None:
    """The served file, or None."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            data: bytes = answer.read()
            return data
    except (urllib.error.URLError, TimeoutError):
        return None


def list_page_of(base: str, slug: str) -> str:
    """The page of the initiative list that links to the initiative."""
    for number in range(1, 1000):
        url = f"{base}portfolio/initiatives/" + ("" if number == 1 else f"page-{number}/")
        html = fetch(url)
        if html is None:
            break
        if f"initiatives/{slug}/".encode() in html:
            return url
    raise SystemExit(f"no page of the initiative list links to {slug}")


def pagefind_pages(base: str, expect: bool = False) -> list[str] | None:
    """The URL of every page of the served Pagefind index (None: there is none); asked again
    while Pagefind is writing it (in the background after each build), and while it is not
    there yet where one is `expect`ed (it was there before the edits)."""
    for _ in range(180):  # Pagefind may take a while on a busy machine
        try:
            found = _pagefind_pages(base)
        except (ValueError, AssertionError, OSError):
            time.sleep(1)
            continue
        if found is not None or not expect:
            return found
        time.sleep(1)
    raise SystemExit("the Pagefind index could not be read")


def _pagefind_pages(base: str) -> list[str] | None:
    entry = fetch(f"{base}pagefind/pagefind-entry.json")
    if entry is None:
        return None
    urls: list[str] = []
    for language in json.loads(entry)["languages"].values():
        data = fetch(f"{base}pagefind/pagefind.{language['hash']}.pf_meta")
        assert data is not None
        meta = gzip.decompress(data)
        # Each page is a fragment hash ("en_1a2b3c4") in the metadata: read each fragment.
        prefix = language["hash"].split("_")[0]
        hashes = sorted(set(re.findall(rb"%s_[0-9a-f]{7}" % prefix.encode(), meta)))
        for fragment in hashes:
            raw = fetch(f"{base}pagefind/fragment/{fragment.decode()}.pf_fragment")
            if raw is None:
                continue  # an index chunk's or a filter's hash, not a fragment's
            page = json.loads(gzip.decompress(raw)[len(b"pagefind_dcd"):])
            urls.append(page["url"])
    return urls


def own_index_pages(base: str) -> list[str] | None:
    """The address of every page of the site's own index (`search: portfolio`; None: there
    is none)."""
    entry = fetch(f"{base}search-index/index.json")
    if entry is None:
        return None
    found = json.loads(entry)
    urls: list[str] = []
    for number in range(-(-found["pages"] // found["chunk"])):
        data = fetch(f"{base}search-index/{found['build']}/d/{number}")
        assert data is not None
        urls += [f"/{doc[0]}" for doc in json.loads(gzip.decompress(data))]
    return urls


def mkdocs_index_pages(base: str) -> list[str]:
    """The page of every entry of MkDocs' search index that is a whole page."""
    data = fetch(f"{base}search/search_index.json")
    if data is None:
        return []
    return [d["location"] for d in json.loads(data)["docs"] if "#" not in d["location"]]


def title_line(text: str) -> str:
    """The front-matter line of a one-line, unquoted title in one language (a word appended
    after a quoted one, or after `{en: ..., sv: ...}`, would not be YAML: the page would
    show its problems, never the edit)."""
    match = re.search(r"^title: [^'\"{\[\n].*$", text, re.MULTILINE)
    if match is None or text[match.end():match.end() + 3].startswith("\n  "):
        return ""
    return match.group(0)


def main() -> int:
    """Run the measurement and print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", default=str(HERE / "out" / "serve"))
    parser.add_argument("--site", help="a portfolio generated before (generate.py --out)")
    parser.add_argument("--config", default="mkdocs.yml", help="its configuration file")
    parser.add_argument("--pagefind", action=argparse.BooleanOptionalAction,
                        default=False,
                        help="wait for the Pagefind index before the edits (a site built "
                             "with the plugin's `search: pagefind`)")
    args = parser.parse_args()
    site = Path(args.site) if args.site else Path(args.out) / str(args.count)
    if not (site / "mkdocs.yml").is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--count", str(args.count),
                        "--out", str(site)], check=True)
    pages = sorted((site / "content" / "initiatives").glob("*.md"))
    # The middle page with a one-line title: the edit appends a word to that title.
    page = next(p for p in pages[len(pages) // 2:] + pages
                if title_line(p.read_text(encoding="utf-8")))
    original = page.read_text(encoding="utf-8")
    line = title_line(original)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{args.port}",
         "-f", str(site / args.config)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    base = f"http://127.0.0.1:{args.port}/"
    url = f"{base}initiatives/{page.stem}/"
    times: list[float] = []
    rest: list[float] = []
    told: list[float] = []  # the server's first "Reloading browsers" after the edit
    try:
        start = time.monotonic()
        wait_for_line(proc, "Serving on", 1800)
        log = Log(proc)
        print(f"{len(pages)} initiatives: first build {time.monotonic() - start:.1f} s")
        listing = list_page_of(base, page.stem)
        # The index of the first build, made in the background (at 5,000 initiatives it
        # takes a while), where the site's search is Pagefind's.
        before = pagefind_pages(base, expect=args.pagefind)
        for n in range(args.edits):
            # Edits of an author who reads the page in between: the last index is made.
            log.wait_idle(index=args.pagefind)
            marker = f"EDITED{n}x{time.time_ns()}"
            began = time.monotonic()
            page.write_text(original.replace(line, f"{line} {marker}", 1), encoding="utf-8")
            seen: dict[str, float] = {}
            while len(seen) < 2:
                for name, where in (("page", url), ("list", listing)):
                    if name not in seen and page_shows(where, marker):
                        seen[name] = time.monotonic() - began
                if time.monotonic() - began > 120:
                    raise SystemExit("the edit never showed")
                time.sleep(0.05)
            times.append(max(seen.values()))
            # The rebuild of the rest of the site follows the first one (a second reload);
            # where everything was rebuilt at once, there is only one.
            log.wait_idle()
            reloads = log.reloads(began)
            rest.append(reloads[-1] - began if reloads else float("nan"))
            told.append(reloads[0] - began if reloads else float("nan"))
            print(f"edit {n + 1}: title on its page after {seen['page']:.2f} s, "
                  f"in the list after {seen['list']:.2f} s (browsers told to reload after "
                  f"{told[-1]:.2f} s); the rest of the site after {rest[-1]:.2f} s "
                  f"({len(reloads)} rebuild(s): {', '.join(log.built(began))} s)")
        time.sleep(5)  # the last index, made in the background
        after = pagefind_pages(base, expect=before is not None)
        own = own_index_pages(base)
        if own is not None:
            found = own
            kind = "the site's own search index"
        elif after is None:
            found = mkdocs_index_pages(base)
            kind = "MkDocs' search index"
        else:
            found = after
            kind = "the Pagefind index"
        twice = sorted({u for u in found if found.count(u) > 1})
        print(f"{kind}: {len(found)} pages after {args.edits} edits"
              + (f" ({len(before)} before)" if before is not None else "")
              + (f"; DUPLICATES: {twice[:10]}" if twice else "; no duplicates"))
        marked = [u for u in found if u.endswith(f"/{page.stem}/")]
        print(f"the edited page is in it {len(marked)} time(s)")
    finally:
        page.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=30)
    print(f"median {statistics.median(times):.2f} s over {len(times)} edits (the later of the "
          "page and the list; budget: 1 s at 1,000 initiatives, 2 s at 5,000); browsers told "
          f"to reload after {statistics.median(told):.2f} s; the rest of the site after "
          f"{statistics.median(rest):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
