"""Search for readers with Pagefind: which pages are indexed and how, and the index itself.

Pagefind (https://pagefind.app) indexes the built site in `on_post_build`, by its own binary
(the `pagefind[bin]` package): the reader's browser then fetches only the few index chunks
a query needs, not the whole index Material's search downloads before its first result.

Each page of the site is marked in its HTML: the theme's content region (Material's
`<article>`, else `<body>`) gets `data-pagefind-body`, so navigation, sidebars, header and
footer stay out, and a `type` filter (initiative, partner, theme, portfolio, page). An
initiative page also carries its facet, zone, status, themes and partners as filters and its
summary, facet and zone as metadata (rendered with its facts, `initiative_head.html`).
Listings of initiatives (the list, facet and zone pages) are not indexed: every initiative
would be found twice, once on its page and once in a list.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
from pathlib import Path

from markupsafe import escape

PAGEFIND = "pagefind"
MKDOCS = "mkdocs"
# The folder of the index in the site.
BUNDLE = "pagefind"
# The kinds of page the `type` filter tells apart.
KINDS = ("initiative", "partner", "theme", "portfolio", "page")


def binary() -> Path | None:
    """The Pagefind binary of the `pagefind[bin]` package, if it is installed."""
    if importlib.util.find_spec("pagefind_bin") is None:
        return None
    try:
        module = importlib.import_module("pagefind_bin")
        found = Path(module.get_executable())
    except (ImportError, OSError, AttributeError):
        return None
    return found if found.is_file() else None


def page_kind(uri: str, initiatives: dict[str, str], generated: set[str],
              output: str) -> str | None:
    """The kind of the page at `uri` for the `type` filter; None for a page not indexed."""
    if uri in initiatives:
        return "initiative"
    if uri not in generated:
        return "page"
    rest = uri[len(output) + 1:] if uri.startswith(output + "/") else uri
    if rest.startswith("partners/"):
        return "partner"
    if rest.startswith("themes/"):
        return "theme"
    if rest.startswith(("facets/", "zones/", "initiatives")):
        return None  # listings: their initiatives are found on their own pages
    return "portfolio"


MATERIAL_CONTENT = '<article class="md-content__inner'


def mark_page(html: str, kind: str | None) -> str:
    """The page's HTML with its content region marked for Pagefind, and its kind as the
    `type` filter; a page of no kind as it was (left out of the index, since others are
    marked)."""
    if kind is None:
        return html
    start = html.find(MATERIAL_CONTENT)
    if start < 0:
        start = html.find("<body")
    if start < 0:
        return html
    end = html.find(">", start)
    if end < 0:
        return html
    kind_mark = (f'<span data-pagefind-filter="type[data-pf-type]" '
                 f'data-pf-type="{escape(kind)}"></span>')
    return f"{html[:end]} data-pagefind-body>{kind_mark}{html[end + 1:]}"


def command(program: Path, site_dir: str) -> list[str]:
    """The command that indexes the built site in `site_dir` into its `pagefind/` folder."""
    return [str(program), "--site", site_dir, "--output-subdir", BUNDLE, "--silent"]


def index(program: Path, site_dir: str) -> str | None:
    """Index the built site; what went wrong, or None."""
    try:
        done = subprocess.run(command(program, site_dir), capture_output=True, text=True,
                              check=False, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip()[-2000:] or f"exit status {done.returncode}"
    return None


def index_in_background(program: Path, site_dir: str,
                        running: subprocess.Popen[bytes] | None) -> subprocess.Popen[bytes]:
    """Under `mkdocs serve`: index the site while the reader's page reloads, stopping an
    index of an older build still running (it would write over the new one)."""
    if running is not None and running.poll() is None:
        running.kill()
        running.wait()
    return subprocess.Popen(command(program, site_dir),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
