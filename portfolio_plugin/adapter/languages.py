"""The language switch and `hreflang` links of a page lead to the same page in each language.

A site published in several languages lists them in `extra.alternate` (Material's language
switch, and the `<link rel="alternate" hreflang>` of every page's head), each with the `link`
of that language's home. Left as they are, these lead from any page to the other language's
home page. Here each page gets its own list: the link of a language's home followed by the
page's own address there, where that page exists in that language:

- the plugin's pages (generated, and the initiatives') exist in every language, which are
  built from the same portfolio (see LANGUAGES.md);
- a hand-written page exists where the entry names that language's `docs_dir` (relative to
  `mkdocs.yml`) and a file of the same name is there;
- anything else leads to that language's home, as before.

A language above this site's root (`link: ../`, the English site seen from its Swedish one
in sv/) is linked by its path from the server's root, made from `site_url`'s path: the theme
resolves a link starting with `../` from the site's root, not from the page (MkDocs' `url`
filter turns `../about/` seen from `about/` into the Swedish home). Without `site_url`, that
link stays the home's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit


def page_alternates(alternates: Any, page_url: str, src_uri: str, ours: bool,
                    config_dir: Path, site_url: str | None) -> list[Any] | None:
    """`extra.alternate` as this page's language links, or None where there is nothing to
    change (no list of languages, or a page at the home)."""
    if not isinstance(alternates, list) or not page_url:
        return None
    links: list[Any] = []
    for alt in alternates:
        link = alt.get("link") if isinstance(alt, Mapping) else None
        if not isinstance(link, str) or "?" in link or "#" in link:
            links.append(alt)
            continue
        if ours or _has_page(alt.get("docs_dir"), src_uri, config_dir):
            target = _join(link, page_url)
            if target.startswith("../"):
                target = urljoin(urlsplit(site_url).path, target) if site_url else link
            alt = {**alt, "link": target}
        links.append(alt)
    return links


def _has_page(docs_dir: Any, src_uri: str, config_dir: Path) -> bool:
    """Whether the language whose Markdown is in `docs_dir` has the page `src_uri`."""
    if not isinstance(docs_dir, str) or not docs_dir:
        return False
    folder = (config_dir / docs_dir).resolve()
    page = (folder / src_uri).resolve()
    return page.is_relative_to(folder) and page.is_file()


def _join(home: str, page_url: str) -> str:
    """A page's address under a language's home link (`sv/`, `../`, `https://x.org/sv/`)."""
    if home in ("", ".", "./"):
        return page_url
    return home.rstrip("/") + "/" + page_url
