"""Measure the long pages of a built site on a phone: how long they are, how far the reader
scrolls to reach their last section heading, and how heavy their HTML is.

    python bench/long_pages.py SITE [--width 390] [--height 844] [PAGE ...]

SITE is a built site (`mkdocs build -d SITE`); the pages default to the timeline, mandates,
objectives and ecosystem pages under `portfolio/`. Each page is opened in headless Chromium
(Debian's, or `PORTFOLIO_CHROMIUM`) at the given window size, with every table and chart laid
out (the site's CSS lays out those below the first screen only when they come near it, which
would make a page look shorter than it is). Screens are page heights divided by the window's.
Headings inside closed disclosures do not count: the reader does not scroll past them.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import shutil
import threading
from pathlib import Path

PAGES = ("portfolio/timeline/", "portfolio/mandates/", "portfolio/objectives/",
         "portfolio/ecosystem/")
LAID_OUT = (".md-typeset figure.pf-chart, .md-typeset .pf-table-wrap "
            "{ content-visibility: visible !important; }")
LAST_HEADING = """(selector) => {
    const found = [...document.querySelectorAll(selector)].filter(e => e.checkVisibility());
    return Math.max(0, ...found.map(e => e.getBoundingClientRect().top + window.scrollY));
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site")
    parser.add_argument("pages", nargs="*", default=list(PAGES), help="site-relative URLs")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = (os.environ.get("PORTFOLIO_CHROMIUM") or shutil.which("chromium")
                or "/usr/bin/chromium")
    screen = args.height
    print(f"{'page':32} {'screens':>8} {'last h2':>8} {'last h3':>8} {'HTML':>10} {'gzipped':>9}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": args.width,
                                             "height": args.height}).new_page()
        for url in args.pages:
            html = (args.site / url / "index.html").read_bytes()
            page.goto(base + url, wait_until="load")
            page.add_style_tag(content=LAID_OUT)
            height = page.evaluate("document.documentElement.scrollHeight")
            h2 = page.evaluate(LAST_HEADING, "article h2")
            h3 = page.evaluate(LAST_HEADING, "article h2, article h3")
            print(f"{url:32} {height / screen:8.1f} {h2 / screen:8.1f} {h3 / screen:8.1f} "
                  f"{len(html):10,} {len(gzip.compress(html, 9)):9,}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
