"""Site URLs, computed as MkDocs computes them, so generated HTML can link without MkDocs.

Two kinds of link. MkDocs leaves the HTML of a page as written, so the links the plugin
writes into HTML are the URLs the reader's browser follows, relative to the page's URL
(`page_url`). Zensical rewrites every relative link of a page's HTML as it rewrites Markdown
links: relative to the page's Markdown file, a page named by its `.md` path. For it, links are
written that way (`source=True`), and the engine makes the URL in its own URL style. Links
that scripts read (chart data, the listings' index) are URLs either way: no engine sees them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import lru_cache


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for site-relative paths, without touching the file system."""
    target = [p for p in path.split("/") if p and p != "."]
    origin = [p for p in start.split("/") if p and p != "."]
    common = 0
    while common < min(len(target), len(origin)) and target[common] == origin[common]:
        common += 1
    parts = [".."] * (len(origin) - common) + target[common:]
    return "/".join(parts) or "."


@lru_cache(maxsize=65536)
def page_url(uri: str, directory_urls: bool = True) -> str:
    """The site-relative URL of a docs file: `a/b.md` -> `a/b/` (or `a/b.html`)."""
    if not uri.endswith(".md"):
        return uri
    stem = uri[:-3]
    name = posixpath.basename(stem)
    parent = posixpath.dirname(stem)
    if name in ("index", "README"):
        if directory_urls:
            return f"{parent}/" if parent else ""
        # As MkDocs names it: a link to a folder is no page when read from file://.
        return f"{parent}/index.html" if parent else "index.html"
    if directory_urls:
        return f"{stem}/"
    return f"{stem}.html"


@lru_cache(maxsize=65536)
def relative_url(from_uri: str, to_uri: str, directory_urls: bool = True) -> str:
    """A link from the page at `from_uri` to the page or file at `to_uri` (both docs paths)."""
    fragment = ""
    if "#" in to_uri:
        to_uri, fragment = to_uri.split("#", 1)
        fragment = "#" + fragment
    here = page_url(from_uri, directory_urls)
    there = page_url(to_uri, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    if base in ("", "/"):
        result = there or "./"
    else:
        result = _relpath(there or ".", base.rstrip("/"))
        if (not there or there.endswith("/")) and not result.endswith("/"):
            result += "/"
        if result == "./" or result == ".":
            result = "./"
    return result + fragment


def link_folder(from_uri: str, directory_urls: bool = True, source: bool = False) -> str:
    """The folder that links from the page at `from_uri` are relative to ("" at the top,
    else ending in "/"): its URL's, or with `source`, its Markdown file's."""
    where = from_uri if source else page_url(from_uri, directory_urls)
    return where[:where.rfind("/") + 1]


def linker(from_uri: str, directory_urls: bool = True,
           source: bool = False) -> Callable[[str], str]:
    """A fast link maker for one page, giving the same links as `relative_url`; with
    `source`, links relative to the page's Markdown file that name pages by their `.md`
    path, for an engine that rewrites the links of a page's HTML (see the module's doc).

    Pages make tens of thousands of links: the page's folder is split once, and each
    target costs one split and a short comparison.
    """
    base = link_folder(from_uri, directory_urls, source).split("/")[:-1]
    made: dict[str, str] = {}

    def link(to_uri: str) -> str:
        known = made.get(to_uri)
        if known is not None:
            return known
        uri, hash_sign, fragment = to_uri.partition("#")
        if source and uri == from_uri:
            made[to_uri] = result = (hash_sign + fragment) or posixpath.basename(uri)
            return result
        parts = (uri if source else page_url(uri, directory_urls)).split("/")
        common = 0
        folders = parts[:-1]
        while common < len(base) and common < len(folders) and base[common] == folders[common]:
            common += 1
        result = ("../" * (len(base) - common) + "/".join(parts[common:])) or "./"
        made[to_uri] = result = result + hash_sign + fragment
        return result

    return link
