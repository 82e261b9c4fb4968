"""Privacy: no page of the site makes a request to another host, sets a cookie, or loads
a web font from a third party. Every page type of the reference site is opened in one
browser context (as a reader clicking through), with every request recorded."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .conftest import BuiltSite, Visit, page_types

ROOT = Path(__file__).resolve().parents[2]
THIRD_PARTY_HINTS = ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net",
                     "cdn.plot.ly", "unpkg.com", "cdnjs.cloudflare.com", "google-analytics",
                     "googletagmanager")


def test_no_page_type_requests_anything_from_another_host(
        reference_site: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    pages = page_types(reference_site)
    assert len(pages) >= 10, pages
    requested: list[str] = []
    for name, url in pages.items():
        visit = open_page(reference_url + url)
        visit.wait_for_charts()
        # The search index loads when the reader goes to search.
        visit.page.focus("input.md-search__input")
        visit.page.wait_for_timeout(200)  # late requests: search index, sitemap
        outside = {u for u in visit.requests
                   if urlsplit(u).scheme in ("http", "https")
                   and urlsplit(u).hostname != "127.0.0.1"}
        assert outside == set(), f"{name} ({url}) asked other hosts: {sorted(outside)}"
        requested.extend(visit.requests)
    # The recording works: the site's own files were seen, plotly.js among them.
    assert any(u.endswith("plotly.min.js") for u in requested)
    assert any(u.endswith("assets/portfolio/search.js") for u in requested)
    # Pagefind's search loads its index only when a reader searches (then from this host:
    # tests/browser/test_search_browser.py); Material's whole index is never downloaded.
    assert not any(u.endswith("search_index.json") for u in requested)


def test_no_cookie_is_set_while_reading_every_page_type(
        reference_site: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    visit = None
    for url in page_types(reference_site).values():
        visit = open_page(reference_url + url)
        visit.wait_for_charts()
        assert visit.page.evaluate("document.cookie") == "", url
    assert visit is not None
    assert visit.cookies() == []


def test_the_site_links_no_font_script_or_style_from_another_host(
        reference_site: BuiltSite) -> None:
    loads = re.compile(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*"
                       r"\b(?:src|href)=\"(?:https?:)?//[^\"]+\"", re.IGNORECASE)
    # Pages and stylesheets; the scripts of Material and plotly name CDNs for features this
    # site does not use (diagrams, maps): the request test above shows none is asked.
    for path in reference_site.site.rglob("*"):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(reference_site.site)
        for hint in THIRD_PARTY_HINTS:
            assert hint not in text, f"{rel} names {hint}"
        if path.suffix == ".html":
            found = [m for m in loads.findall(text) if 'rel="alternate"' not in m
                     and "rel=\"canonical\"" not in m]
            assert found == [], f"{rel} loads from another host: {found}"


def test_the_theme_loads_no_web_font() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"),
                       Loader=yaml.BaseLoader)
    assert config["theme"]["font"] == "false"


def test_a_page_keeps_nothing_but_material_preferences_in_local_storage(
        reference_site: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    pages = page_types(reference_site)
    visit = None
    for name in ("home", "overview", "initiatives", "timeline"):
        if name in pages:
            visit = open_page(reference_url + pages[name])
    assert visit is not None
    keys = visit.page.evaluate("Object.keys(localStorage)")
    assert all(k.startswith("/") and k.rsplit(".", 1)[-1].startswith("__") for k in keys), keys
