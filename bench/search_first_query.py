"""A reader's first search on a phone: bytes fetched and time from typing to results.

Serves a built site (the plugin's own index, `search: portfolio`, or Pagefind's) from
127.0.0.1, opens its home page
in headless Chromium at 390 px in a fresh context for each query, taps the header's search
button, types the query (50 ms a key), and waits until the first result is drawn and the count
is said. A word `name=value` in a query is not typed: it chooses that filter of the search box
first (`zone=blue`, `facet=anticipatory`, `type=initiative`). Prints, for each query, the files
the server sent after the page had loaded (counted by the server, without HTTP compression) and
the time from the first and from the last key. Budget (issue "National scale"): under 300 KB
and within 1.5 s of typing, at 5,000 and 20,000 initiatives.

    python bench/search_first_query.py --site /tmp/p5000/site energy care "street lighting" \
        "energy zone=blue"
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import sys
import threading
import time
from typing import Any, BinaryIO

SERVED: list[tuple[str, int]] = []


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site and counts the bytes of each file it sends."""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def copyfile(self, source: Any, outputfile: BinaryIO) -> None:  # type: ignore[override]
        """Send the file and count it."""
        data = source.read()
        outputfile.write(data)
        SERVED.append((self.path, len(data)))


def main() -> int:
    """Measure each query and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="the built site's folder")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    chromium = os.environ.get("PORTFOLIO_CHROMIUM") or shutil.which("chromium") \
        or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for query in args.queries:
            context = browser.new_context(viewport={"width": args.width, "height": 844})
            page = context.new_page()
            page.set_default_timeout(180_000)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            SERVED.clear()
            page.click("label.md-header__button[for=__search]")
            box = page.locator("#pf-search-q")
            box.wait_for(state="visible")
            words = [w for w in query.split() if "=" not in w]
            for name, value in (w.split("=", 1) for w in query.split() if "=" in w):
                # Chosen without a change event: the typed query is the first search.
                page.eval_on_selector(f"select[name={name}]", "(s, v) => { s.value = v; }",
                                      value)
            first = time.monotonic()
            box.press_sequentially(" ".join(words), delay=50)
            last = time.monotonic()
            page.wait_for_selector(".pf-search-item")
            page.wait_for_function("() => /\\d/.test(document.querySelector("
                                   "'[data-pf-search-status]').textContent)")
            shown = time.monotonic()
            page.wait_for_load_state("networkidle")
            time.sleep(0.5)
            total = sum(size for _, size in SERVED)
            status = page.locator("[data-pf-search-status]").text_content()
            index = [path for path, _ in SERVED if "search_index" in path]
            print(f"{query!r}: {status}; {len(SERVED)} files, {total:,} bytes "
                  f"({total / 1000:.0f} KB); results {shown - first:.2f} s after the first "
                  f"key, {shown - last:.2f} s after the last; search_index.json requested "
                  f"{len(index)} times")
            largest = sorted(SERVED, key=lambda item: -item[1])[:6]
            print("   largest:", ", ".join(f"{path} {size / 1024:.0f} KB"
                                           for path, size in largest))
            context.close()
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
